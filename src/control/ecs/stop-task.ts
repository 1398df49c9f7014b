import type { StopTaskRequest, StopTaskResponse } from '@aws-sdk/client-ecs';
import { taskHost } from '../../core/ecs.js';
import { applyTaskReport, neverStarted, requestStop, STOPPED_BY_USER } from '../../core/task-lifecycle.js';
import type { ControlContext } from '../context.js';
import { resolveCluster, resolveTask } from './lookups.js';

export async function stopTask(ctx: ControlContext, input: StopTaskRequest): Promise<StopTaskResponse> {
  return ctx.state.mutate((tx) => {
    const task = resolveTask(ctx, resolveCluster(ctx, input.cluster, tx), input.task ?? '', tx);
    const now = ctx.clock.now();
    let next = requestStop(task, { stopCode: 'UserInitiated', stoppedReason: input.reason || STOPPED_BY_USER }, now);
    // With no agent to hear of it, a task that never started is stopped here: nothing of it runs anywhere.
    const host = taskHost(next);
    const instance = host ? tx.get('containerInstance', host) : undefined;
    if (next.lastStatus !== 'STOPPED' && neverStarted(next) && !instance?.agentConnected) {
      next = applyTaskReport(next, { status: 'STOPPED' }, now);
    }
    if (next !== task) {
      tx.put('task', task.taskArn, next);
      ctx.log.info('task stop requested', { taskArn: task.taskArn, lastStatus: next.lastStatus });
    }
    return { task: next };
  });
}
