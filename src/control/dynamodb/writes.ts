// Item writes prepared (input checked, expressions parsed) before any transaction starts, then applied in
// one: PutItem, DeleteItem, UpdateItem and a transaction's ConditionCheck are each a key, a condition and
// what the item becomes. A write whose condition fails, or whose result AWS refuses, writes nothing.
import type { ItemTransaction, StoredItem, TableRecord } from '../../core/dynamodb.js';
import { ConditionalCheckFailedException } from '../../core/dynamodb-errors.js';
import { checkItem, checkItemSize, type Item } from '../../core/dynamodb/attribute-values.js';
import { applyUpdate, evaluate } from '../../core/dynamodb/evaluate.js';
import type { Condition, UpdateActions } from '../../core/dynamodb/expressions.js';
import { checkIndexKeys, checkKey, checkKeySizes, keyNames, tableRow, type ItemLayout, type RowKey } from '../../core/dynamodb/keys.js';
import type { ControlContext } from '../context.js';
import { parseExpressions, type ExpressionInput } from './expressions.js';
import { tableForItems } from './tables.js';

export interface PreparedWrite {
  table: TableRecord;
  layout: ItemLayout;
  key: Item;
  row: RowKey;
  condition?: Condition;
  /** The item after the write: undefined deletes it, 'unchanged' leaves it (a condition check). */
  next(old: Item | undefined): Item | undefined | 'unchanged';
  /** ReturnValuesOnConditionCheckFailure: ALL_OLD puts the item in the failure. */
  returnItemOnFailure: boolean;
  /** Attribute paths an update touched (UPDATED_OLD/UPDATED_NEW). */
  update?: UpdateActions;
}

export interface WriteInput extends ExpressionInput {
  TableName: string;
  ReturnValuesOnConditionCheckFailure?: 'ALL_OLD' | 'NONE';
}

/** The item as it will be stored, checked as AWS checks it: keys, index keys, size. */
export function checkedItem(layout: ItemLayout, item: Item): { item: Item; row: RowKey; size: number } {
  const row = tableRow(layout, item);
  checkKeySizes(layout, row);
  checkIndexKeys(layout, item, row);
  return { item, row, size: checkItemSize(item) };
}

function prepare(ctx: ControlContext, input: WriteInput, item: Item, next: PreparedWrite['next'], update?: UpdateActions, condition?: Condition): PreparedWrite {
  const { table, layout } = tableForItems(ctx, input.TableName);
  const key = pick(layout, item);
  return {
    table,
    layout,
    key,
    row: checkKey(layout, key),
    ...(condition && { condition }),
    ...(update && { update }),
    next,
    returnItemOnFailure: input.ReturnValuesOnConditionCheckFailure === 'ALL_OLD',
  };
}

const pick = (layout: ItemLayout, item: Item): Item => Object.fromEntries(keyNames(layout).filter((n) => item[n] !== undefined).map((n) => [n, item[n]!]));

export function preparePut(ctx: ControlContext, input: WriteInput & { Item: Item }): PreparedWrite {
  const { layout } = tableForItems(ctx, input.TableName);
  const { item } = checkedItem(layout, checkItem(input.Item));
  const { condition } = parseExpressions(input);
  return prepare(ctx, input, item, () => item, undefined, condition);
}

export function prepareDelete(ctx: ControlContext, input: WriteInput & { Key: Item }): PreparedWrite {
  const key = checkItem(input.Key);
  const { condition } = parseExpressions(input);
  return prepareKeyed(ctx, input, key, () => undefined, undefined, condition);
}

export function prepareUpdate(ctx: ControlContext, input: WriteInput & { Key: Item }): PreparedWrite {
  const key = checkItem(input.Key);
  const { condition, update } = parseExpressions(input);
  const { layout } = tableForItems(ctx, input.TableName);
  const names = keyNames(layout);
  // Without an UpdateExpression, UpdateItem makes sure the item exists (with its key alone if new).
  const next = (old: Item | undefined) => (update ? applyUpdate(old ?? key, update, names) : (old ?? key));
  return prepareKeyed(ctx, input, key, next, update, condition);
}

export function prepareConditionCheck(ctx: ControlContext, input: WriteInput & { Key: Item; ConditionExpression: string }): PreparedWrite {
  const key = checkItem(input.Key);
  const { condition } = parseExpressions(input);
  return prepareKeyed(ctx, input, key, () => 'unchanged', undefined, condition);
}

function prepareKeyed(ctx: ControlContext, input: WriteInput, key: Item, next: PreparedWrite['next'], update?: UpdateActions, condition?: Condition): PreparedWrite {
  const { layout } = tableForItems(ctx, input.TableName);
  checkKey(layout, key);
  return prepare(ctx, input, key, next, update, condition);
}

export interface Applied {
  old: StoredItem | undefined;
  /** The item after the write (undefined when deleted or absent), and its size. */
  item: Item | undefined;
  size: number;
}

/** Checks the write's condition against the item as it is, then writes; in the caller's transaction. */
export function applyWrite(tx: ItemTransaction, write: PreparedWrite): Applied {
  const old = tx.get(write.layout, write.key);
  if (write.condition && !evaluate(old?.item ?? {}, write.condition)) throw new ConditionalCheckFailedException(write.returnItemOnFailure ? old?.item : undefined);
  return commit(tx, write, old, write.next(old?.item));
}

/** Writes what `next` gave for a write whose condition held. */
export function commit(tx: ItemTransaction, write: PreparedWrite, old: StoredItem | undefined, next: Item | undefined | 'unchanged'): Applied {
  if (next === 'unchanged') return { old, item: old?.item, size: old?.size ?? 0 };
  if (next === undefined) {
    if (old) tx.delete(write.layout, write.key);
    return { old, item: undefined, size: 0 };
  }
  const { size } = checkedItem(write.layout, next);
  tx.put(write.layout, next, size);
  return { old, item: next, size };
}

/** ReturnValues of a write, as AWS answers them: NONE, ALL_OLD, ALL_NEW, UPDATED_OLD, UPDATED_NEW. */
export function returnValues(mode: string | undefined, applied: Applied, project: (item: Item) => Item): Item | undefined {
  if (mode === undefined || mode === 'NONE') return undefined;
  const source = mode.endsWith('_OLD') ? applied.old?.item : applied.item;
  if (!source) return undefined;
  if (mode.startsWith('ALL')) return source;
  const attributes = project(source);
  return Object.keys(attributes).length ? attributes : undefined;
}

/** Write capacity as AWS counts it: 1 KB units of the larger of the item before and after, at least one. */
export const writeUnits = (applied: Pick<Applied, 'old' | 'size'>) => Math.max(1, Math.ceil(Math.max(applied.old?.size ?? 0, applied.size) / 1024));
