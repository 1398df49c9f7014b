// Retention: PutRetentionPolicy / DeleteRetentionPolicy on the group record, and the controller that
// enforces it: every interval it removes each group's events older than its retention, and the events of
// groups and streams whose records are gone (a delete's data goes after its record, decision 0002).
import { checkRetentionDays, logStreamId } from '../../core/logs.js';
import type { ControlContext } from '../context.js';
import { every } from '../runner.js';
import { eventStore, resolveGroup } from './log-groups.js';

const DAY_MS = 86_400_000;
/** How often the controller looks: AWS deletes expired events within days; a minute is plenty. */
export const RETENTION_INTERVAL_MS = 60_000;

export async function putRetentionPolicy(ctx: ControlContext, input: { logGroupName: string; retentionInDays: number }): Promise<Record<string, never>> {
  const days = checkRetentionDays(input.retentionInDays);
  await ctx.state.mutate((tx) => {
    const group = resolveGroup(tx, input);
    tx.put('logGroup', group.logGroupName, { ...group, retentionInDays: days });
  });
  return {};
}

export async function deleteRetentionPolicy(ctx: ControlContext, input: { logGroupName: string }): Promise<Record<string, never>> {
  await ctx.state.mutate((tx) => {
    const { retentionInDays: _, ...group } = resolveGroup(tx, input);
    tx.put('logGroup', group.logGroupName, group);
  });
  return {};
}

/** One pass: expired events go, and the data of deleted groups and streams. */
export async function enforceRetention(ctx: ControlContext): Promise<void> {
  const store = eventStore(ctx);
  const region = ctx.partition.region;
  const now = ctx.clock.now().getTime();
  for (const group of ctx.state.all('logGroup')) {
    if (group.retentionInDays === undefined) continue;
    const removed = await store.expire(region, group.logGroupName, now - group.retentionInDays * DAY_MS);
    if (removed) ctx.log.info('expired log events removed', { logGroupName: group.logGroupName, removed });
  }
  for (const held of await store.groups()) {
    if (held.region !== region) continue;
    if (!ctx.state.get('logGroup', held.logGroupName)) {
      await store.deleteGroup(region, held.logGroupName);
      continue;
    }
    for (const logStreamName of (await store.stats(region, held.logGroupName)).keys()) {
      if (!ctx.state.get('logStream', logStreamId(held.logGroupName, logStreamName))) await store.deleteStream({ region, logGroupName: held.logGroupName, logStreamName });
    }
  }
}

export function retentionController(ctx: ControlContext, signal: AbortSignal, intervalMs = RETENTION_INTERVAL_MS): Promise<void> {
  return every(ctx, 'log retention', intervalMs, signal, () => enforceRetention(ctx));
}
