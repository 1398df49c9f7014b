// The assignment of a container instance: every task the control plane wants its agent to converge on.
import type { TaskAssignment, TaskNetwork, TaskRoleCredentials } from '../../core/agent-protocol.js';
import { taskHost, type TaskDefinitionRecord, type TaskRecord } from '../../core/ecs.js';
import type { FileSystemStorage } from '../../core/efs.js';
import { withOverrides } from '../../core/task-overrides.js';
import { efsVolumeMounts } from '../efs/volumes.js';
import { serviceConnectAssignment } from './service-connect.js';
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
  return assignedTasks(state, containerInstanceArn).flatMap((t) => {
    const made = madeOf(state, t, credentials, fileSystems);
    return made ? [assignment(t, made)] : [];
  });
}

/** Each task's assignment as JSON, with what it was made from: reused while the task and those are unchanged. */
const encoded = new WeakMap<TaskRecord, { definition: TaskDefinitionRecord; inputs: string; json: string }>();

/**
 * The agent channel's message of `assignmentsFor`, as JSON. An instance's whole assignment is pushed on every
 * change to it, so each task's part is encoded once and reused until its record, its definition, its network,
 * credentials or volumes change: a push costs one join, not the encoding of every task the instance runs.
 */
export function assignmentMessage(
  state: State,
  containerInstanceArn: string,
  credentials?: AssignmentCredentials,
  fileSystems?: FileSystemStorage,
): string {
  const parts: string[] = [];
  for (const t of assignedTasks(state, containerInstanceArn)) {
    const made = madeOf(state, t, credentials, fileSystems);
    if (!made) continue;
    const inputs = JSON.stringify([made.network, made.roleCredentials, made.efsVolumes, made.serviceConnect]);
    let cached = encoded.get(t);
    if (!cached || cached.definition !== made.definition || cached.inputs !== inputs)
      encoded.set(t, (cached = { definition: made.definition, inputs, json: JSON.stringify(assignment(t, made)) }));
    parts.push(cached.json);
  }
  return `{"type":"tasks","tasks":[${parts.join(',')}]}`;
}

function assignedTasks(state: State, containerInstanceArn: string): TaskRecord[] {
  // Fargate tasks the instance's agent serves as managed capacity are on it too.
  return state
    .where(tasksByHost, containerInstanceArn)
    .filter((t) => t.lastStatus !== 'STOPPED')
    .sort((a, b) => (a.taskArn < b.taskArn ? -1 : 1));
}

/** What a task's assignment is made of besides the task, as the state holds it now (nothing without its definition). */
interface Made {
  definition: TaskDefinitionRecord;
  running: TaskAssignment['taskDefinition'];
  network: TaskNetwork | undefined;
  roleCredentials: TaskRoleCredentials | undefined;
  efsVolumes: TaskAssignment['efsVolumes'];
  serviceConnect: TaskAssignment['serviceConnect'];
}

function madeOf(state: State, t: TaskRecord, credentials?: AssignmentCredentials, fileSystems?: FileSystemStorage): Made | undefined {
  const definition = state.get('taskDefinition', t.taskDefinitionArn);
  if (!definition) return undefined;
  const running = withOverrides(definition, t.overrides);
  return {
    definition,
    running,
    network: taskNetwork(state, t),
    roleCredentials: credentials?.of(t.taskArn),
    efsVolumes: efsVolumeMounts(fileSystems && { state, storage: fileSystems }, { taskArn: t.taskArn, definition: running }),
    serviceConnect: serviceConnectAssignment(state, t),
  };
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
function assignment(task: TaskRecord, { running, network, roleCredentials, efsVolumes, serviceConnect }: Made): TaskAssignment {
  return {
    taskArn: task.taskArn,
    clusterArn: task.clusterArn,
    // A deactivating task keeps running while its load balancer targets drain (see requestStop).
    desiredStatus: task.lastStatus === 'DEACTIVATING' ? 'RUNNING' : task.desiredStatus,
    taskDefinitionArn: task.taskDefinitionArn,
    taskDefinition: running,
    containerArns: Object.fromEntries(task.containers.map((c) => [c.name, c.containerArn])),
    ...(task.stoppedReason !== undefined && { stoppedReason: task.stoppedReason }),
    ...(task.group !== undefined && { group: task.group }),
    ...(task.launchType === 'FARGATE' && { launchType: 'FARGATE' as const }),
    ...(task.availabilityZone !== undefined && { availabilityZone: task.availabilityZone }),
    ...(network && { network }),
    ...(roleCredentials && { roleCredentials }),
    ...(efsVolumes && { efsVolumes }),
    ...(serviceConnect && { serviceConnect }),
  };
}
