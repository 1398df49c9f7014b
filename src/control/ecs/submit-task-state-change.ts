import type { SubmitTaskStateChangeRequest, SubmitTaskStateChangeResponse } from '@aws-sdk/client-ecs';
import type { CallContext } from '../../core/caller.js';
import { InvalidParameterException } from '../../core/ecs-errors.js';
import { applyTaskReport, isContainerStatus, isTaskStatus, type TaskReport } from '../../core/task-lifecycle.js';
import type { ControlContext } from '../context.js';
import { recordReport } from './agent-reports.js';

/** An agent reports a task's status, with its containers' and the pull and execution timestamps. */
export async function submitTaskStateChange(
  ctx: ControlContext,
  input: SubmitTaskStateChangeRequest,
  call?: CallContext,
): Promise<SubmitTaskStateChangeResponse> {
  if (input.status !== undefined && !isTaskStatus(input.status)) {
    throw new InvalidParameterException(`Invalid task status: ${input.status}`);
  }
  const containers = (input.containers ?? []).map(({ containerName = '', status, ...rest }) => {
    if (status !== undefined && !isContainerStatus(status)) {
      throw new InvalidParameterException(`Invalid container status: ${status}`);
    }
    return { containerName, status, ...rest };
  });
  const report: TaskReport = {
    status: input.status,
    reason: input.reason,
    pullStartedAt: input.pullStartedAt,
    pullStoppedAt: input.pullStoppedAt,
    executionStoppedAt: input.executionStoppedAt,
    containers,
  };
  await recordReport(ctx, { cluster: input.cluster, task: input.task, action: 'ecs:SubmitTaskStateChange', call }, (task, now) => applyTaskReport(task, report, now));
  return { acknowledgment: 'ACK' };
}
