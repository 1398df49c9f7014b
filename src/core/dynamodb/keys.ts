// Where an item lives: its table's key attributes and indexes (the layout), and the row key an item has in
// the table and in each index. Row keys order as DynamoDB orders: within a partition by range key (numbers
// by value, strings and binary by bytes); partitions by a hash of their key, as a scan visits them.
import { ValidationException } from '../errors.js';
import type { Projection, TableRecord } from '../dynamodb.js';
import { keyBytes, typeOf, type Item, type KeyType } from './attribute-values.js';

export interface KeyAttribute {
  name: string;
  type: KeyType;
}
export interface IndexLayout {
  name: string;
  global: boolean;
  hash: KeyAttribute;
  range?: KeyAttribute;
  projection: Projection;
}
export interface ItemLayout {
  tableId: string;
  hash: KeyAttribute;
  range?: KeyAttribute;
  indexes: IndexLayout[];
}

/** A row's place: hash-space segment, partition key bytes, range key bytes, and (index rows) the item's table key. */
export interface RowKey {
  seg: number;
  hk: Buffer;
  rk: Buffer;
  pk: Buffer;
}

export function layoutOf(table: TableRecord): ItemLayout {
  const attribute = (name: string): KeyAttribute => ({
    name,
    type: table.AttributeDefinitions.find((d) => d.AttributeName === name)!.AttributeType,
  });
  const keys = (schema: TableRecord['KeySchema']) => {
    const range = schema.find((k) => k.KeyType === 'RANGE');
    return { hash: attribute(schema.find((k) => k.KeyType === 'HASH')!.AttributeName), ...(range && { range: attribute(range.AttributeName) }) };
  };
  const indexes = [
    ...(table.LocalSecondaryIndexes ?? []).map((i) => ({ i, global: false })),
    ...(table.GlobalSecondaryIndexes ?? []).filter(({ IndexStatus }) => IndexStatus !== 'DELETING').map((i) => ({ i, global: true })),
  ].map(({ i, global }) => ({ name: i.IndexName, global, projection: i.Projection, ...keys(i.KeySchema) }));
  return { tableId: table.TableId, ...keys(table.KeySchema), indexes };
}

export const keyNames = (layout: { hash: KeyAttribute; range?: KeyAttribute }) => (layout.range ? [layout.hash.name, layout.range.name] : [layout.hash.name]);

/** FNV-1a over the partition key: spreads partitions over the hash space that scan segments split. */
export function segmentOf(hk: Buffer): number {
  let hash = 0x811c9dc5;
  for (const byte of hk) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash;
}

/** The first hash of `segment` of `total` (the next segment's first is its end). */
export const segmentStart = (segment: number, total: number) => Math.floor((segment * 2 ** 32) / total);

const EMPTY = Buffer.alloc(0);

/** The item's row in its table: its key attributes checked as PutItem checks them. */
export function tableRow(layout: ItemLayout, item: Item): RowKey {
  const hk = keyValue(layout.hash, item);
  return { seg: segmentOf(hk), hk, rk: layout.range ? keyValue(layout.range, item) : EMPTY, pk: EMPTY };
}

function keyValue(key: KeyAttribute, item: Item, index?: string): Buffer {
  const value = item[key.name];
  if (value === undefined) throw new ValidationException(`One or more parameter values were invalid: Missing the key ${key.name} in the item`);
  const type = typeOf(value);
  if (type !== key.type) {
    if (index) throw new ValidationException(`One or more parameter values were invalid: Type mismatch for Index Key ${key.name} Expected: ${key.type} Actual: ${type} IndexName: ${index}`);
    throw new ValidationException(`One or more parameter values were invalid: Type mismatch for key ${key.name} expected: ${key.type} actual: ${type}`);
  }
  const bytes = keyBytes(value);
  if (bytes.length === 0) {
    if (index)
      throw new ValidationException(`One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty ${key.type === 'S' ? 'string' : 'binary'} value. IndexName: ${index}, IndexKey: ${key.name}`);
    throw new ValidationException(`One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty ${key.type === 'S' ? 'string' : 'binary'} value. Key: ${key.name}`);
  }
  return bytes;
}

/** Checks an item's key sizes (hash 2048 bytes, range 1024) as PutItem does. */
export function checkKeySizes(layout: ItemLayout, row: RowKey): void {
  if (row.hk.length > 2048 && layout.hash.type !== 'N') throw new ValidationException('One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes');
  if (row.rk.length > 1024 && layout.range?.type !== 'N') throw new ValidationException('One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of 1024 bytes');
}

/** A key given to GetItem, DeleteItem...: exactly the table's key attributes, of their types. */
export function checkKey(layout: ItemLayout, key: Item): RowKey {
  const names = keyNames(layout);
  const given = Object.keys(key);
  if (given.length !== names.length || !names.every((n) => key[n] !== undefined && typeOf(key[n]!) === (n === layout.hash.name ? layout.hash.type : layout.range!.type)))
    throw new ValidationException('The provided key element does not match the schema');
  return tableRow(layout, key);
}

/** The item's row in an index, undefined when it lacks the index's keys (indexes are sparse). */
export function indexRow(layout: ItemLayout, index: IndexLayout, item: Item, table: RowKey): RowKey | undefined {
  if (item[index.hash.name] === undefined || (index.range && item[index.range.name] === undefined)) return undefined;
  const hk = keyValue(index.hash, item, index.name);
  const rk = index.range ? keyValue(index.range, item, index.name) : EMPTY;
  const length = Buffer.alloc(2);
  length.writeUInt16BE(table.hk.length);
  return { seg: segmentOf(hk), hk, rk, pk: Buffer.concat([length, table.hk, table.rk]) };
}

/** Checks the index keys an item carries (types, emptiness) before any write. */
export function checkIndexKeys(layout: ItemLayout, item: Item, table: RowKey): void {
  for (const index of layout.indexes) indexRow(layout, index, item, table);
}

/** The attributes an index holds of an item: its keys, the table's, and what its projection names. */
export function projectForIndex(layout: ItemLayout, index: IndexLayout, item: Item): Item {
  if (index.projection.ProjectionType === 'ALL') return item;
  const names = new Set([...keyNames(layout), ...keyNames(index), ...(index.projection.NonKeyAttributes ?? [])]);
  const out: Item = {};
  for (const name of names) if (item[name] !== undefined) out[name] = item[name]!;
  return out;
}

/** The key a page ends at (LastEvaluatedKey): the table's key attributes, and the index's when reading one. */
export function pageKey(layout: ItemLayout, index: IndexLayout | undefined, item: Item): Item {
  const out: Item = {};
  for (const name of [...keyNames(layout), ...(index ? keyNames(index) : [])]) out[name] = item[name]!;
  return out;
}

/** The row an ExclusiveStartKey names, checked as AWS checks it. */
export function startRow(layout: ItemLayout, index: IndexLayout | undefined, key: Item): RowKey {
  const invalid = () => new ValidationException('The provided starting key is invalid: The provided key element does not match the schema');
  const names = [...new Set([...keyNames(layout), ...(index ? keyNames(index) : [])])];
  if (Object.keys(key).length !== names.length || !names.every((n) => key[n] !== undefined)) throw invalid();
  try {
    const table = tableRow(layout, key);
    return index ? indexRow(layout, index, key, table)! : table;
  } catch {
    throw invalid();
  }
}
