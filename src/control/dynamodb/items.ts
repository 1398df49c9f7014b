// PutItem, GetItem, UpdateItem, DeleteItem: one item by key, each write in its own durable transaction,
// its condition checked in it.
import { ValidationException } from '../../core/errors.js';
import type { Item } from '../../core/dynamodb/attribute-values.js';
import { checkItem } from '../../core/dynamodb/attribute-values.js';
import { project } from '../../core/dynamodb/evaluate.js';
import { checkKey } from '../../core/dynamodb/keys.js';
import type { ControlContext } from '../context.js';
import { consumedCapacity, readUnits, type CapacityMode } from './capacity.js';
import { parseExpressions, projectionOf } from './expressions.js';
import { itemStore, tableForItems } from './tables.js';
import { applyWrite, prepareDelete, preparePut, prepareUpdate, returnValues, writeUnits, type PreparedWrite, type WriteInput } from './writes.js';

interface Common {
  ReturnValues?: string;
  ReturnConsumedCapacity?: CapacityMode;
}

async function write(ctx: ControlContext, input: Common, prepared: PreparedWrite, allowed: readonly string[]) {
  if (input.ReturnValues !== undefined && input.ReturnValues !== 'NONE' && !allowed.includes(input.ReturnValues))
    throw new ValidationException('Return values set to invalid value');
  const applied = await itemStore(ctx).write((tx) => applyWrite(tx, prepared));
  const touched = prepared.update && [...prepared.update.set.map((a) => a.path), ...prepared.update.add.map((a) => a.path), ...prepared.update.delete.map((a) => a.path), ...prepared.update.remove];
  const attributes = returnValues(input.ReturnValues, applied, (item) => project(item, touched ?? []));
  const capacity = consumedCapacity(input.ReturnConsumedCapacity, prepared.table.TableName, writeUnits(applied));
  return { ...(attributes && { Attributes: attributes }), ...(capacity && { ConsumedCapacity: capacity }) };
}

export const putItem = (ctx: ControlContext, input: WriteInput & Common & { Item: Item }) => write(ctx, input, preparePut(ctx, input), ['ALL_OLD']);

export const deleteItem = (ctx: ControlContext, input: WriteInput & Common & { Key: Item }) => write(ctx, input, prepareDelete(ctx, input), ['ALL_OLD']);

export const updateItem = (ctx: ControlContext, input: WriteInput & Common & { Key: Item }) =>
  write(ctx, input, prepareUpdate(ctx, input), ['ALL_OLD', 'UPDATED_OLD', 'ALL_NEW', 'UPDATED_NEW']);

export interface GetItemInput {
  TableName: string;
  Key: Item;
  ConsistentRead?: boolean;
  ProjectionExpression?: string;
  AttributesToGet?: string[];
  ExpressionAttributeNames?: Record<string, string>;
  ReturnConsumedCapacity?: CapacityMode;
}

export function getItem(ctx: ControlContext, input: GetItemInput) {
  const parsed = parseExpressions(input);
  const projection = projectionOf(input, parsed);
  const { table, layout, items } = tableForItems(ctx, input.TableName);
  const key = checkItem(input.Key);
  checkKey(layout, key);
  const found = items.get(layout, key);
  const capacity = consumedCapacity(input.ReturnConsumedCapacity, table.TableName, readUnits(found?.size ?? 0, input.ConsistentRead));
  return {
    ...(found && { Item: projection ? project(found.item, projection) : found.item }),
    ...(capacity && { ConsumedCapacity: capacity }),
  };
}
