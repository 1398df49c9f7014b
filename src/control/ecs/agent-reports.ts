// Agents' reports (SubmitTaskStateChange, SubmitContainerStateChange) land on a task through here.
import type { CallContext } from '../../core/caller.js';
import { taskHost, type TaskRecord } from '../../core/ecs.js';
import type { ControlContext } from '../context.js';
import { notOwnInstance, speaksFor } from './instance-binding.js';
import { resolveCluster, resolveTask } from './lookups.js';
import { withAttachmentsSettled } from './task-settlement.js';

/**
 * Applies a report to a task in one mutation; a report that changes nothing writes nothing. An agent on
 * its instance's credentials reports only for tasks placed on that instance (`action` names the refusal).
 */
export async function recordReport(
  ctx: ControlContext,
  report: { cluster?: string; task?: string; action: string; call?: CallContext },
  apply: (task: TaskRecord, now: Date) => TaskRecord,
): Promise<void> {
  await ctx.state.mutate((tx) => {
    const task = resolveTask(ctx, resolveCluster(ctx, report.cluster, tx), report.task ?? '', tx);
    const hostArn = taskHost(task);
    const host = hostArn === undefined ? undefined : tx.get('containerInstance', hostArn);
    if (report.call && !speaksFor(report.call, host)) throw notOwnInstance(report.call, report.action, task.taskArn);
    const reported = apply(task, ctx.clock.now());
    if (reported === task) return;
    const next = withAttachmentsSettled(reported);
    tx.put('task', task.taskArn, next);
    if (next.lastStatus !== task.lastStatus) {
      ctx.log.info('task status changed', { taskArn: task.taskArn, lastStatus: next.lastStatus, stopCode: next.stopCode });
    }
  });
}
