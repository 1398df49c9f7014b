import type { SubmitContainerStateChangeRequest, SubmitContainerStateChangeResponse } from '@aws-sdk/client-ecs';
import type { CallContext } from '../../core/caller.js';
import { InvalidParameterException } from '../../core/ecs-errors.js';
import { applyContainerReport, isContainerStatus } from '../../core/task-lifecycle.js';
import type { ControlContext } from '../context.js';
import { recordReport } from './agent-reports.js';

/** An agent reports one container's status, runtime id, exit code, reason and network bindings. */
export async function submitContainerStateChange(
  ctx: ControlContext,
  input: SubmitContainerStateChangeRequest,
  call?: CallContext,
): Promise<SubmitContainerStateChangeResponse> {
  const { containerName = '', status } = input;
  if (status !== undefined && !isContainerStatus(status)) {
    throw new InvalidParameterException(`Invalid container status: ${status}`);
  }
  await recordReport(ctx, { cluster: input.cluster, task: input.task, action: 'ecs:SubmitContainerStateChange', call }, (task, now) => {
    if (!task.containers.some((c) => c.name === containerName)) {
      throw new InvalidParameterException(`Container ${containerName} is not a container of the task.`);
    }
    const { runtimeId, exitCode, reason, networkBindings } = input;
    return applyContainerReport(task, { containerName, status, runtimeId, exitCode, reason, networkBindings }, now);
  });
  return { acknowledgment: 'ACK' };
}
