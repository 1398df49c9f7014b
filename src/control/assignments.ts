// The assignment of a container instance: every task the control plane wants its agent to converge on.
import type { TaskAssignment } from '../core/agent-protocol.js';
import type { TaskRecord } from '../core/ecs.js';
import { withOverrides } from './ecs/task-launch.js';
import type { State } from './state.js';

/**
 * The tasks on an instance that are not yet STOPPED, in a stable order: RUNNING-desired ones to run, and
 * STOPPED-desired ones to stop (they stay until the agent reports them stopped).
 */
export function assignmentsFor(state: Pick<State, 'where' | 'get'>, containerInstanceArn: string): TaskAssignment[] {
  return state
    .where('task', 'containerInstance', containerInstanceArn)
    .filter((t) => t.lastStatus !== 'STOPPED')
    .sort((a, b) => (a.taskArn < b.taskArn ? -1 : 1))
    .flatMap((t) => {
      const definition = state.get('taskDefinition', t.taskDefinitionArn);
      return definition ? [assignment(t, withOverrides(definition, t.overrides))] : [];
    });
}

/** Whether a change to a task can change its instance's assignment (most changes are the agent's own reports). */
export function changesAssignment(before: TaskRecord | undefined, after: TaskRecord | undefined): boolean {
  return (
    !before ||
    !after ||
    before.containerInstanceArn !== after.containerInstanceArn ||
    before.desiredStatus !== after.desiredStatus ||
    (before.lastStatus === 'STOPPED') !== (after.lastStatus === 'STOPPED')
  );
}

function assignment(task: TaskRecord, taskDefinition: TaskAssignment['taskDefinition']): TaskAssignment {
  return {
    taskArn: task.taskArn,
    clusterArn: task.clusterArn,
    desiredStatus: task.desiredStatus,
    taskDefinitionArn: task.taskDefinitionArn,
    taskDefinition,
    overrides: task.overrides ?? {},
    containerArns: Object.fromEntries(task.containers.map((c) => [c.name, c.containerArn])),
    ...(task.cpu !== undefined && { cpu: task.cpu }),
    ...(task.memory !== undefined && { memory: task.memory }),
    ...(task.stoppedReason !== undefined && { stoppedReason: task.stoppedReason }),
  };
}
