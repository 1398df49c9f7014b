// What the engine tells the control plane: a task's status when it moves forward (with the containers that
// changed), otherwise each container that changed on its own, as the ECS agent submits them.
import type { ContainerStateChange, NetworkBinding as EcsNetworkBinding } from '@aws-sdk/client-ecs';
import type { Logger } from '../core/ports.js';
import type { TaskPhase } from './converge.js';
import type { LocalContainer, LocalTask } from './local-task.js';
import type { StateReporter } from './reporter.js';

const STATUS_RANK: Record<TaskPhase, number> = { PENDING: 0, RUNNING: 1, STOPPED: 2 };

/** Reports what changed since the last report of the task; `cluster` names it when the assignment does not. */
export function reportTask(reporter: StateReporter, log: Logger, cluster: string, task: LocalTask, status: TaskPhase): void {
  const changed = [...task.containers.values()].filter(
    (c) => (c.phase === 'RUNNING' || c.phase === 'STOPPED') && reportKey(c) !== c.reported,
  );
  const taskCluster = task.assignment?.clusterArn ?? cluster;
  if (STATUS_RANK[status] > STATUS_RANK[task.reportedStatus]) {
    task.reportedStatus = status;
    if (status === 'STOPPED') task.executionStoppedAt ??= new Date(task.finishedAt ?? Date.now());
    log.info('task state changed', { taskArn: task.arn, status, reason: task.stoppedReason });
    reporter.submitTaskStateChange({
      cluster: taskCluster,
      task: task.arn,
      status,
      reason: status === 'STOPPED' ? task.stoppedReason : undefined,
      containers: changed.map(containerChange),
      pullStartedAt: task.pullStartedAt,
      pullStoppedAt: task.pullStoppedAt,
      executionStoppedAt: status === 'STOPPED' ? task.executionStoppedAt : undefined,
    });
  } else {
    for (const c of changed) reporter.submitContainerStateChange({ cluster: taskCluster, task: task.arn, ...containerChange(c) });
  }
  for (const c of changed) c.reported = reportKey(c);
}

const reportKey = (c: LocalContainer) => `${c.phase}:${c.exitCode}:${c.reason}:${c.networkBindings.length}`;

function containerChange(c: LocalContainer): ContainerStateChange & { containerName: string } {
  return {
    containerName: c.name,
    runtimeId: c.runtimeId,
    ...(c.imageDigest && { imageDigest: c.imageDigest }),
    status: c.phase,
    exitCode: c.phase === 'STOPPED' ? c.exitCode : undefined,
    reason: c.reason,
    networkBindings: c.networkBindings.map((b): EcsNetworkBinding => ({ ...b })),
  };
}
