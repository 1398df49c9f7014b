// The assignment of a container instance: every task the control plane wants its agent to converge on.
import type { TaskAssignment, TaskNetwork, TaskRoleCredentials } from '../../core/agent-protocol.js';
import { taskHost, type TaskRecord } from '../../core/ecs.js';
import type { FileSystemStorage } from '../../core/efs.js';
import { withOverrides } from '../../core/task-overrides.js';
import { efsVolumeMounts } from '../efs/volumes.js';
import { taskNetwork } from './task-networking.js';
import type { State } from '../state.js';
import { tasksByHost } from './indexes.js';
import type { TaskCredentials } from './task-credentials.js';

/** Where assignments get the credentials of tasks' roles. */
export type AssignmentCredentials = Pick<TaskCredentials, 'of'>;

/**
 * The tasks on an instance that are not yet STOPPED, in a stable order: RUNNING-desired ones to run, and
 * STOPPED-desired ones to stop (they stay until the agent reports them stopped), each with its roles'
 * credentials once issued (the agent starts no container of a task before it has them), and its EFS
 * volumes resolved to what the agent mounts.
 */
export function assignmentsFor(
  state: State,
  containerInstanceArn: string,
  credentials?: AssignmentCredentials,
  fileSystems?: FileSystemStorage,
): TaskAssignment[] {
  // Fargate tasks the instance's agent serves as managed capacity are on it too.
  return state
    .where(tasksByHost, containerInstanceArn)
    .filter((t) => t.lastStatus !== 'STOPPED')
    .sort((a, b) => (a.taskArn < b.taskArn ? -1 : 1))
    .flatMap((t) => {
      const definition = state.get('taskDefinition', t.taskDefinitionArn);
      if (!definition) return [];
      const running = withOverrides(definition, t.overrides);
      const efsVolumes = efsVolumeMounts(fileSystems && { state, storage: fileSystems }, { taskArn: t.taskArn, definition: running });
      return [{ ...assignment(t, running, taskNetwork(state, t), credentials?.of(t.taskArn)), ...(efsVolumes && { efsVolumes }) }];
    });
}

/** Whether a change to a task can change its instance's assignment (most changes are the agent's own reports). */
export function changesAssignment(before: TaskRecord | undefined, after: TaskRecord | undefined): boolean {
  return (
    !before ||
    !after ||
    taskHost(before) !== taskHost(after) ||
    before.desiredStatus !== after.desiredStatus ||
    (before.lastStatus === 'STOPPED') !== (after.lastStatus === 'STOPPED') ||
    (before.lastStatus === 'DEACTIVATING') !== (after.lastStatus === 'DEACTIVATING')
  );
}

/** The task as its agent runs it: the definition with the task's overrides applied (the agent applies none). */
function assignment(
  task: TaskRecord,
  taskDefinition: TaskAssignment['taskDefinition'],
  network: TaskNetwork | undefined,
  roleCredentials: TaskRoleCredentials | undefined,
): TaskAssignment {
  return {
    taskArn: task.taskArn,
    clusterArn: task.clusterArn,
    // A deactivating task keeps running while its load balancer targets drain (see requestStop).
    desiredStatus: task.lastStatus === 'DEACTIVATING' ? 'RUNNING' : task.desiredStatus,
    taskDefinitionArn: task.taskDefinitionArn,
    taskDefinition,
    containerArns: Object.fromEntries(task.containers.map((c) => [c.name, c.containerArn])),
    ...(task.stoppedReason !== undefined && { stoppedReason: task.stoppedReason }),
    ...(task.group !== undefined && { group: task.group }),
    ...(task.launchType === 'FARGATE' && { launchType: 'FARGATE' as const }),
    ...(task.availabilityZone !== undefined && { availabilityZone: task.availabilityZone }),
    ...(network && { network }),
    ...(roleCredentials && { roleCredentials }),
  };
}
