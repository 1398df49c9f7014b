// What ECS forgets on its own: stopped tasks, deleted (INACTIVE) clusters and deregistered container
// instances stop being describable an hour after (so the database never grows without bound), and a
// DELETE_IN_PROGRESS task definition goes once no task uses it any more.
// `runRetention` is the loop that does it; `reapExpired` is one pass, for tests and for that loop.
import type { State, Transaction } from '../state.js';
import type { ControlContext } from '../context.js';
import { every } from '../runner.js';

/** How long stopped tasks, deleted clusters and deregistered container instances stay describable. */
export const RETENTION_MS = 60 * 60 * 1000;

/** Whether a task that has not stopped still runs from this task definition. */
export function taskDefinitionInUse(state: State, taskDefinitionArn: string): boolean {
  for (const task of state.all('task')) {
    if (task.taskDefinitionArn === taskDefinitionArn && task.lastStatus !== 'STOPPED') return true;
  }
  return false;
}

/** Removes a DELETE_IN_PROGRESS task definition once nothing uses it; true when it went. */
export function completeDeletion(state: State, tx: Transaction, taskDefinitionArn: string): boolean {
  if (taskDefinitionInUse(state, taskDefinitionArn)) return false;
  tx.delete('taskDefinition', taskDefinitionArn);
  return true;
}

/** One pass over state: removes whatever has outlived its retention. Answers how many records went. */
export async function reapExpired(ctx: ControlContext): Promise<number> {
  const cutoff = ctx.clock.now().getTime() - RETENTION_MS;
  const expired = (at: Date | undefined) => at !== undefined && new Date(at).getTime() <= cutoff;
  const removed = await ctx.state.mutate((tx) => {
    let count = 0;
    for (const t of ctx.state.all('task')) {
      if (t.lastStatus === 'STOPPED' && expired(t.stoppedAt)) {
        tx.delete('task', t.taskArn);
        count++;
      }
    }
    for (const c of ctx.state.all('cluster')) {
      if (c.status === 'INACTIVE' && expired(c.deletedAt)) {
        tx.delete('cluster', c.clusterArn);
        count++;
      }
    }
    for (const i of ctx.state.all('containerInstance')) {
      if (i.status === 'INACTIVE' && expired(i.deregisteredAt)) {
        tx.delete('containerInstance', i.containerInstanceArn);
        count++;
      }
    }
    for (const d of ctx.state.all('taskDefinition')) {
      if (d.status === 'DELETE_IN_PROGRESS' && completeDeletion(ctx.state, tx, d.taskDefinitionArn)) count++;
    }
    return count;
  });
  if (removed > 0) ctx.log.info('expired records removed', { count: removed });
  return removed;
}

/** Reaps every `intervalMs` until `signal` aborts; resolves then. */
export function runRetention(ctx: ControlContext, signal: AbortSignal, intervalMs = 60_000): Promise<void> {
  return every(ctx, 'retention', intervalMs, signal, () => reapExpired(ctx));
}
