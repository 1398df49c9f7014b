// Stopped tasks leave state an hour after they stop: ECS keeps them describable for at least an hour, and
// the database must not grow without bound.
import type { TaskRecord } from '../core/ecs.js';
import type { ControlContext } from './context.js';
import { every } from './loop.js';

export const STOPPED_TASK_RETENTION_MS = 60 * 60 * 1000;
export const PURGE_INTERVAL_MS = 60 * 1000;

/** The tasks due for purging at `now`: STOPPED for at least the retention period. */
export function tasksToPurge(tasks: Iterable<TaskRecord>, now: Date, retentionMs = STOPPED_TASK_RETENTION_MS): string[] {
  const due: string[] = [];
  for (const t of tasks) {
    if (t.lastStatus === 'STOPPED' && t.stoppedAt && now.getTime() - t.stoppedAt.getTime() >= retentionMs) due.push(t.taskArn);
  }
  return due;
}

/** Purges the tasks due now, deciding inside the mutation; returns how many left. */
export async function purgeStoppedTasks(ctx: ControlContext): Promise<number> {
  const purged = await ctx.state.mutate((tx) => {
    const due = tasksToPurge(ctx.state.all('task'), ctx.clock.now());
    for (const arn of due) tx.delete('task', arn);
    return due.length;
  });
  if (purged > 0) ctx.log.info('stopped tasks purged', { count: purged });
  return purged;
}

/** The purger's loop, until `signal` aborts. */
export function runTaskPurger(ctx: ControlContext, signal: AbortSignal, intervalMs = PURGE_INTERVAL_MS): Promise<void> {
  return every(intervalMs, signal, ctx.log, () => purgeStoppedTasks(ctx));
}
