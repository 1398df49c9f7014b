// TransactGetItems and TransactWriteItems: up to 100 items, all or nothing. Every condition is checked in
// one store transaction before anything is written; a failure cancels the whole with a reason per item.
// Transactions and single writes are serialised by the store, so none can see another half-done: the
// conflicts AWS reports between concurrent transactions cannot arise. A ClientRequestToken makes a write
// idempotent for ten minutes (the same answer, not applied again; another request with it is refused); the
// same request again while the first is still being applied is TransactionInProgressException, as on AWS.
import { createHash } from 'node:crypto';
import { IdempotentParameterMismatchException, TransactionCanceledException, TransactionInProgressException, type CancellationReason } from '../../core/dynamodb-errors.js';
import { AwsError, ValidationException } from '../../core/errors.js';
import { checkItem, type Item } from '../../core/dynamodb/attribute-values.js';
import { evaluate, project } from '../../core/dynamodb/evaluate.js';
import { checkKey } from '../../core/dynamodb/keys.js';
import type { ControlContext } from '../context.js';
import { consumedCapacity, readUnits, type CapacityMode } from './capacity.js';
import { parseExpressions, projectionOf } from './expressions.js';
import { itemStore, tableForItems } from './tables.js';
import { checkedItem, commit, prepareConditionCheck, prepareDelete, preparePut, prepareUpdate, writeUnits, type PreparedWrite, type WriteInput } from './writes.js';

const TOKEN_TTL_MS = 10 * 60 * 1000;

type Get = { TableName: string; Key: Item; ProjectionExpression?: string; ExpressionAttributeNames?: Record<string, string> };

export function transactGetItems(ctx: ControlContext, input: { TransactItems: { Get: Get }[]; ReturnConsumedCapacity?: CapacityMode }) {
  checkCount(input.TransactItems.length);
  const gets = input.TransactItems.map(({ Get: get }) => {
    const projection = projectionOf(get, parseExpressions(get));
    const { table, layout } = tableForItems(ctx, get.TableName);
    const key = checkItem(get.Key);
    return { table, layout, key, row: checkKey(layout, key), projection };
  });
  checkDistinct(gets);
  const items = itemStore(ctx);
  const units = new Map<string, number>();
  const Responses = gets.map(({ table, layout, key, projection }) => {
    const found = items.get(layout, key);
    units.set(table.TableName, (units.get(table.TableName) ?? 0) + 2 * readUnits(found?.size ?? 0, true));
    return found ? { Item: projection ? project(found.item, projection) : found.item } : {};
  });
  const capacity = [...units].flatMap(([name, n]) => consumedCapacity(input.ReturnConsumedCapacity, name, n) ?? []);
  return { Responses, ...(capacity.length && { ConsumedCapacity: capacity }) };
}

type WriteItem = {
  ConditionCheck?: WriteInput & { Key: Item; ConditionExpression: string };
  Put?: WriteInput & { Item: Item };
  Delete?: WriteInput & { Key: Item };
  Update?: WriteInput & { Key: Item; UpdateExpression: string };
};

export interface TransactWriteInput {
  TransactItems: WriteItem[];
  ClientRequestToken?: string;
  ReturnConsumedCapacity?: CapacityMode;
}

/** Tokens seen in the last ten minutes, per region's context: the request's digest and its answer. */
const tokens = new WeakMap<ControlContext, Map<string, { digest: string; at: number; answer: Promise<unknown>; done: boolean }>>();

export function transactWriteItems(ctx: ControlContext, input: TransactWriteInput): Promise<unknown> {
  if (input.ClientRequestToken === undefined) return transactWrite(ctx, input);
  let seen = tokens.get(ctx);
  if (!seen) tokens.set(ctx, (seen = new Map()));
  const now = ctx.clock.now().getTime();
  for (const [token, entry] of seen) if (now - entry.at > TOKEN_TTL_MS) seen.delete(token);
  const { ClientRequestToken: token, ...request } = input;
  const digest = createHash('sha256').update(JSON.stringify(request, (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v))).digest('hex');
  const previous = seen.get(token);
  if (previous) {
    if (previous.digest !== digest) throw new IdempotentParameterMismatchException('Transaction with the same ClientRequestToken but different parameters was already executed');
    if (!previous.done) throw new TransactionInProgressException('The transaction with the given request token is already in progress.');
    return previous.answer;
  }
  const answer = transactWrite(ctx, input);
  const entry = { digest, at: now, answer, done: false };
  seen.set(token, entry);
  // A request that failed may be sent again with its token and run anew.
  answer.then(() => (entry.done = true), () => seen.delete(token));
  return answer;
}

async function transactWrite(ctx: ControlContext, input: TransactWriteInput) {
  checkCount(input.TransactItems.length);
  const writes = input.TransactItems.map((item) => {
    const kinds = [item.ConditionCheck, item.Put, item.Delete, item.Update].filter(Boolean).length;
    if (kinds !== 1) throw new ValidationException('TransactItems can only contain one of Check, Put, Update or Delete');
    if (item.ConditionCheck) return prepareConditionCheck(ctx, item.ConditionCheck);
    if (item.Put) return preparePut(ctx, item.Put);
    if (item.Delete) return prepareDelete(ctx, item.Delete);
    return prepareUpdate(ctx, item.Update!);
  });
  checkDistinct(writes);
  const applied = await itemStore(ctx).write((tx) => {
    const olds = writes.map((write) => tx.get(write.layout, write.key));
    const reasons: CancellationReason[] = [];
    const nexts = writes.map((write, i) => {
      const old = olds[i];
      if (write.condition && !evaluate(old?.item ?? {}, write.condition)) {
        reasons.push({ Code: 'ConditionalCheckFailed', Message: 'The conditional request failed', ...(write.returnItemOnFailure && old && { Item: old.item }) });
        return undefined;
      }
      try {
        const next = write.next(old?.item);
        if (next && next !== 'unchanged') checkedItem(write.layout, next);
        reasons.push({ Code: 'None' });
        return next;
      } catch (error) {
        if (!(error instanceof AwsError) || error.fault !== 'client') throw error;
        reasons.push({ Code: 'ValidationError', Message: error.message });
        return undefined;
      }
    });
    if (reasons.some((r) => r.Code !== 'None')) throw new TransactionCanceledException(reasons);
    return writes.map((write, i) => commit(tx, write, olds[i], nexts[i]));
  });
  const units = new Map<string, number>();
  applied.forEach((a, i) => units.set(writes[i]!.table.TableName, (units.get(writes[i]!.table.TableName) ?? 0) + 2 * writeUnits(a)));
  const capacity = [...units].flatMap(([name, n]) => consumedCapacity(input.ReturnConsumedCapacity, name, n) ?? []);
  return capacity.length ? { ConsumedCapacity: capacity } : {};
}

function checkCount(count: number): void {
  if (count > 100) throw new ValidationException(`1 validation error detected: Value at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to 100`);
}

/** AWS refuses a transaction that names one item twice. */
function checkDistinct(items: Pick<PreparedWrite, 'table' | 'row'>[]): void {
  const ids = items.map(({ table, row }) => `${table.TableId}\0${row.hk.toString('hex')}\0${row.rk.toString('hex')}`);
  if (new Set(ids).size !== ids.length) throw new ValidationException('Transaction request cannot include multiple operations on one item');
}
