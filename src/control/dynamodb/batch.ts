// BatchGetItem (at most 100 keys, answers up to 16 MB, the rest UnprocessedKeys) and BatchWriteItem (at most
// 25 puts and deletes, unconditional; all checked before any is written, then written in one transaction).
// Nothing is throttled, so UnprocessedItems is always empty.
import { ValidationException } from '../../core/errors.js';
import { checkItem, type Item } from '../../core/dynamodb/attribute-values.js';
import { project } from '../../core/dynamodb/evaluate.js';
import { checkKey } from '../../core/dynamodb/keys.js';
import type { ControlContext } from '../context.js';
import { consumedCapacity, readUnits, type CapacityMode } from './capacity.js';
import { parseExpressions, projectionOf } from './expressions.js';
import { itemStore, tableForItems } from './tables.js';
import { applyWrite, prepareDelete, preparePut, writeUnits, type PreparedWrite } from './writes.js';

const RESPONSE_BYTES = 16 * 1024 * 1024;

interface KeysAndAttributes {
  Keys: Item[];
  ConsistentRead?: boolean;
  ProjectionExpression?: string;
  AttributesToGet?: string[];
  ExpressionAttributeNames?: Record<string, string>;
}

const duplicates = () => new ValidationException('Provided list of item keys contains duplicates');
const keyId = (tableName: string, row: { hk: Buffer; rk: Buffer }) => `${tableName}\0${row.hk.toString('hex')}\0${row.rk.toString('hex')}`;

export function batchGetItem(ctx: ControlContext, input: { RequestItems: Record<string, KeysAndAttributes>; ReturnConsumedCapacity?: CapacityMode }) {
  const total = Object.values(input.RequestItems).reduce((sum, r) => sum + r.Keys.length, 0);
  if (total > 100) throw new ValidationException('Too many items requested for the BatchGetItem call');
  const requests = Object.entries(input.RequestItems).map(([tableName, request]) => {
    const projection = projectionOf(request, parseExpressions(request));
    const { table, layout } = tableForItems(ctx, tableName);
    const seen = new Set<string>();
    const keys = request.Keys.map((raw) => {
      const key = checkItem(raw);
      const id = keyId(tableName, checkKey(layout, key));
      if (seen.has(id)) throw duplicates();
      seen.add(id);
      return key;
    });
    return { tableName, table, layout, keys, projection, request };
  });
  const items = itemStore(ctx);
  const Responses: Record<string, Item[]> = {};
  const UnprocessedKeys: Record<string, KeysAndAttributes> = {};
  const capacity: unknown[] = [];
  let bytes = 0;
  for (const { tableName, table, layout, keys, projection, request } of requests) {
    const found: Item[] = (Responses[tableName] = []);
    let read = 0;
    keys.forEach((key, i) => {
      if (bytes >= RESPONSE_BYTES) {
        (UnprocessedKeys[tableName] ??= { ...request, Keys: [] }).Keys.push(request.Keys[i]!);
        return;
      }
      const item = items.get(layout, key);
      if (!item) return;
      bytes += item.size;
      read += readUnits(item.size, request.ConsistentRead);
      found.push(projection ? project(item.item, projection) : item.item);
    });
    const consumed = consumedCapacity(input.ReturnConsumedCapacity, table.TableName, read);
    if (consumed) capacity.push(consumed);
  }
  return { Responses, UnprocessedKeys, ...(capacity.length && { ConsumedCapacity: capacity }) };
}

type WriteRequest = { PutRequest?: { Item: Item }; DeleteRequest?: { Key: Item } };

export async function batchWriteItem(ctx: ControlContext, input: { RequestItems: Record<string, WriteRequest[]>; ReturnConsumedCapacity?: CapacityMode }) {
  const total = Object.values(input.RequestItems).reduce((sum, r) => sum + r.length, 0);
  if (total > 25) throw new ValidationException('Too many items requested for the BatchWriteItem call');
  const seen = new Set<string>();
  const writes: PreparedWrite[] = Object.entries(input.RequestItems).flatMap(([TableName, requests]) =>
    requests.map((request) => {
      if (!!request.PutRequest === !!request.DeleteRequest)
        throw new ValidationException('Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes');
      const write = request.PutRequest ? preparePut(ctx, { TableName, Item: request.PutRequest.Item }) : prepareDelete(ctx, { TableName, Key: request.DeleteRequest!.Key });
      const id = keyId(TableName, write.row);
      if (seen.has(id)) throw duplicates();
      seen.add(id);
      return write;
    }),
  );
  const applied = await itemStore(ctx).write((tx) => writes.map((write) => applyWrite(tx, write)));
  const units = new Map<string, number>();
  applied.forEach((a, i) => units.set(writes[i]!.table.TableName, (units.get(writes[i]!.table.TableName) ?? 0) + writeUnits(a)));
  const capacity = [...units].flatMap(([name, n]) => consumedCapacity(input.ReturnConsumedCapacity, name, n) ?? []);
  return { UnprocessedItems: {}, ...(capacity.length && { ConsumedCapacity: capacity }) };
}
