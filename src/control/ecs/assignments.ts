// The assignment of a container instance: every task the control plane wants its agent to converge on.
import type { TaskAssignment, TaskNetwork, TaskRoleCredentials } from '../../core/agent-protocol.js';
import { taskHost, type TaskDefinitionRecord, type TaskRecord } from '../../core/ecs.js';
import { withOverrides } from '../../core/task-overrides.js';
import { efsVolumeMounts, type EfsHost } from '../efs/volumes.js';
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
  efs?: EfsHost,
): TaskAssignment[] {
  return assignedTasks(state, containerInstanceArn).flatMap((t) => {
    const made = madeOf(state, containerInstanceArn, t, credentials, efs);
    return made ? [assignment(t, made)] : [];
  });
}

/** Each task's assignment as JSON, with what it was made from: reused while the task and those are unchanged. */
const encoded = new WeakMap<TaskRecord, { definition: TaskDefinitionRecord; inputs: string; json: string }>();

/** Where a feed reads assignments from. */
export interface AssignmentSources {
  state: State;
  credentials?: AssignmentCredentials;
  /** Where EFS file systems are, for tasks' EFS volumes. */
  efs?: EfsHost;
}

/**
 * The agent channel's messages to one instance's agent, as JSON: the whole assignment first, then only what
 * changed since (`taskChanges`), so a push costs the tasks that changed, not every task the instance runs.
 * It remembers each task's part as last sent, encoded once and reused until the task's record, definition,
 * network, credentials or volumes change.
 */
export class AssignmentFeed {
  /** Each task's assignment as the agent was last sent it (JSON by task ARN); undefined until the first message. */
  private sent?: Map<string, string>;

  constructor(
    private readonly sources: AssignmentSources,
    private readonly containerInstanceArn: string,
  ) {}

  /**
   * The next message: the whole assignment if none was sent yet; else the changes among `taskArns` (every
   * task when 'all'), or undefined when none of them changed.
   */
  next(taskArns: ReadonlySet<string> | 'all'): string | undefined {
    if (!this.sent) {
      this.sent = new Map();
      for (const t of assignedTasks(this.sources.state, this.containerInstanceArn)) {
        const json = this.encode(t);
        if (json !== undefined) this.sent.set(t.taskArn, json);
      }
      return `{"type":"tasks","tasks":[${[...this.sent.values()].join(',')}]}`;
    }
    const now = new Map<string, string | undefined>();
    if (taskArns === 'all') {
      for (const t of assignedTasks(this.sources.state, this.containerInstanceArn)) now.set(t.taskArn, this.encode(t));
      for (const arn of this.sent.keys()) if (!now.has(arn)) now.set(arn, undefined);
    } else {
      for (const arn of taskArns) {
        const t = this.sources.state.get('task', arn);
        now.set(arn, t && taskHost(t) === this.containerInstanceArn && t.lastStatus !== 'STOPPED' ? this.encode(t) : undefined);
      }
    }
    const changed: string[] = [];
    const removed: string[] = [];
    for (const [arn, json] of now) {
      if (json === this.sent.get(arn)) continue;
      if (json === undefined) {
        this.sent.delete(arn);
        removed.push(arn);
      } else {
        this.sent.set(arn, json);
        changed.push(json);
      }
    }
    if (changed.length === 0 && removed.length === 0) return undefined;
    return `{"type":"taskChanges","tasks":[${changed.join(',')}],"removed":${JSON.stringify(removed)}}`;
  }

  /** The whole assignment again, from which later changes are counted. */
  whole(): string {
    this.sent = undefined;
    return this.next('all')!;
  }

  private encode(t: TaskRecord): string | undefined {
    const { state, credentials, efs } = this.sources;
    const made = madeOf(state, this.containerInstanceArn, t, credentials, efs);
    if (!made) return undefined;
    const inputs = JSON.stringify([made.network, made.roleCredentials, made.efsVolumes, made.serviceConnect]);
    let cached = encoded.get(t);
    if (!cached || cached.definition !== made.definition || cached.inputs !== inputs)
      encoded.set(t, (cached = { definition: made.definition, inputs, json: JSON.stringify(assignment(t, made)) }));
    return cached.json;
  }
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

function madeOf(state: State, containerInstanceArn: string, t: TaskRecord, credentials?: AssignmentCredentials, efs?: EfsHost): Made | undefined {
  const definition = state.get('taskDefinition', t.taskDefinitionArn);
  if (!definition) return undefined;
  const running = withOverrides(definition, t.overrides);
  return {
    definition,
    running,
    network: taskNetwork(state, t),
    roleCredentials: credentials?.of(t.taskArn),
    efsVolumes: efsVolumeMounts(efs && { state, host: efs }, { taskArn: t.taskArn, definition: running, containerInstanceArn }),
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
