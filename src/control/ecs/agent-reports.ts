// Agents' reports (SubmitTaskStateChange, SubmitContainerStateChange) land on a task through here.
import type { TaskRecord } from '../../core/ecs.js';
import type { ControlContext } from '../context.js';
import { resolveCluster, resolveTask } from './lookups.js';

/** Applies a report to a task in one mutation; a report that changes nothing writes nothing. */
export async function recordReport(
  ctx: ControlContext,
  cluster: string | undefined,
  taskRef: string | undefined,
  apply: (task: TaskRecord, now: Date) => TaskRecord,
): Promise<void> {
  await ctx.state.mutate((tx) => {
    const task = resolveTask(ctx, resolveCluster(ctx, cluster, tx), taskRef ?? '', tx);
    const next = apply(task, ctx.clock.now());
    if (next === task) return;
    tx.put('task', task.taskArn, next);
    if (next.lastStatus !== task.lastStatus) {
      ctx.log.info('task status changed', { taskArn: task.taskArn, lastStatus: next.lastStatus, stopCode: next.stopCode });
    }
  });
}
