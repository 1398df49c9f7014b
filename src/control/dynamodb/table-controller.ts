// The tables' controller, per table: fills GSIs that UpdateTable added (CREATING -> ACTIVE) and, where time
// to live is enabled, deletes the items whose expiry has passed, as AWS does within a bounded delay
// (here: every `ttlSweepMs`). Level-based: it reads the table and its items anew each time, so a restart
// resumes a backfill and catches up on expired items.
import type { TableRecord } from '../../core/dynamodb.js';
import { type Item } from '../../core/dynamodb/attribute-values.js';
import { layoutOf, pageKey } from '../../core/dynamodb/keys.js';
import { compareNumbers, parseNumber } from '../../core/dynamodb/numbers.js';
import type { ControlContext } from '../context.js';
import { ControllerRunner, type Reconciled } from '../runner.js';
import { itemStore } from './tables.js';

const FIVE_YEARS_S = 5 * 365 * 24 * 3600;
const DELETE_BATCH = 100;

export function tableController(ctx: ControlContext, signal: AbortSignal, ttlSweepMs = 10_000): Promise<void> {
  const runner = new ControllerRunner<string>(ctx, (name) => reconcile(ctx, name, ttlSweepMs), {
    name: 'dynamodb tables',
    triggers: (changes) => changes.filter((c) => c.kind === 'dynamodbTable' && c.after).map((c) => c.id),
    resync: { everyMs: 60_000, keys: () => [...ctx.state.all('dynamodbTable')].map((t) => t.TableName) },
    retryMs: 5_000,
  });
  return runner.run(signal);
}

async function reconcile(ctx: ControlContext, name: string, ttlSweepMs: number): Promise<Reconciled | void> {
  const table = ctx.state.get('dynamodbTable', name);
  if (!table) return;
  for (const gsi of table.GlobalSecondaryIndexes ?? []) if (gsi.IndexStatus === 'CREATING') await backfill(ctx, table, gsi.IndexName);
  if (!table.timeToLive?.enabled) return;
  await deleteExpired(ctx, table, table.timeToLive.AttributeName);
  return { requeueAfterMs: ttlSweepMs };
}

async function backfill(ctx: ControlContext, table: TableRecord, indexName: string): Promise<void> {
  await itemStore(ctx).backfill(layoutOf(table), indexName);
  await ctx.state.mutate((tx) => {
    const current = tx.get('dynamodbTable', table.TableName);
    if (current?.TableId !== table.TableId) return;
    const GlobalSecondaryIndexes = current.GlobalSecondaryIndexes?.map((g) => (g.IndexName === indexName ? { ...g, IndexStatus: 'ACTIVE' as const } : g));
    tx.put('dynamodbTable', current.TableName, { ...current, GlobalSecondaryIndexes });
  });
  ctx.log.info('dynamodb index backfilled', { tableName: table.TableName, indexName });
}

/** An item is expired when its TTL attribute is a number of epoch seconds past, but not by five years (AWS ignores those). */
function expired(item: Item | undefined, attribute: string, nowS: number): boolean {
  const value = item?.[attribute]?.N;
  if (value === undefined) return false;
  const at = parseNumber(value);
  return compareNumbers(at, parseNumber(String(nowS))) <= 0 && compareNumbers(at, parseNumber(String(nowS - FIVE_YEARS_S))) >= 0;
}

async function deleteExpired(ctx: ControlContext, table: TableRecord, attribute: string): Promise<void> {
  const items = itemStore(ctx);
  const layout = layoutOf(table);
  const nowS = Math.floor(ctx.clock.now().getTime() / 1000);
  const keys: Item[] = [];
  for (const { item } of items.rows(layout, { index: '', forward: true })) if (expired(item, attribute, nowS)) keys.push(pageKey(layout, undefined, item));
  for (let i = 0; i < keys.length; i += DELETE_BATCH) {
    // Each item is checked again in the transaction that deletes it: a write since the sweep may have renewed it.
    await items.write((tx) => {
      for (const key of keys.slice(i, i + DELETE_BATCH)) if (expired(tx.get(layout, key)?.item, attribute, nowS)) tx.delete(layout, key);
    });
  }
  if (keys.length) ctx.log.info('dynamodb items expired', { tableName: table.TableName, count: keys.length });
}
