// Placement's view of each cluster (scheduler/snapshot.ts), kept current as state commits, so RunTask and
// StartTask place against it without rebuilding the cluster from its records on every call. A cluster's
// snapshot is built on first use; after that every committed change to its instances and tasks updates it,
// before any later mutation runs, so a mutation always places against the state it reads.
import type { TaskRecord } from '../../core/ecs.js';
import { taskRequirement, type TaskRequirement } from '../../scheduler/resources.js';
import { ClusterSnapshot } from '../../scheduler/snapshot.js';
import type { Change, State } from '../state.js';
import { containerInstancesByCluster, tasksByCluster } from './indexes.js';

const NOTHING: TaskRequirement = { cpu: 0, memory: 0, ports: [], udpPorts: [] };

export class ClusterSnapshots {
  private readonly byCluster = new Map<string, ClusterSnapshot>();

  constructor(private readonly state: State) {
    // Following uncommitted memory: a mutation places against the writes of those before it in its batch.
    state.subscribe((changes) => this.apply(changes), { uncommitted: true });
  }

  /** The cluster's snapshot as memory stands (with the writes of earlier mutations in a batch). */
  of(clusterArn: string): ClusterSnapshot {
    let snapshot = this.byCluster.get(clusterArn);
    if (!snapshot) {
      const tasks = this.state.where(tasksByCluster, clusterArn).map((task) => ({ task, requirement: this.requirement(task) }));
      snapshot = ClusterSnapshot.of(this.state.where(containerInstancesByCluster, clusterArn), tasks);
      this.byCluster.set(clusterArn, snapshot);
    }
    return snapshot;
  }

  private requirement(task: TaskRecord): TaskRequirement {
    const definition = this.state.get('taskDefinition', task.taskDefinitionArn);
    return definition ? taskRequirement(definition, task.overrides) : NOTHING;
  }

  private apply(changes: Change[]): void {
    for (const change of changes) {
      if (change.kind === 'containerInstance') {
        const { id, before, after } = change as Change<'containerInstance'>;
        const snapshot = this.byCluster.get((after ?? before)!.clusterArn);
        if (after) snapshot?.putInstance(after);
        else snapshot?.removeInstance(id);
      } else if (change.kind === 'task') {
        const { id, before, after } = change as Change<'task'>;
        const snapshot = this.byCluster.get((after ?? before)!.clusterArn);
        if (!after) snapshot?.removeTask(id);
        else if (!before || holdsChanged(before, after)) snapshot?.putTask(after, this.requirement(after));
      } else if (change.kind === 'cluster' && !change.after) {
        this.byCluster.delete(change.id);
      }
    }
  }
}

/** Most task changes are agents' reports that leave what the task holds, and where, as it was. */
const holdsChanged = (before: TaskRecord, after: TaskRecord) =>
  before.containerInstanceArn !== after.containerInstanceArn ||
  before.desiredStatus !== after.desiredStatus ||
  before.group !== after.group ||
  (before.lastStatus === 'STOPPED') !== (after.lastStatus === 'STOPPED');

const keepers = new WeakMap<State, ClusterSnapshots>();

/** The snapshots of a state's clusters: one keeper per state, listening for as long as the state lives. */
export function clusterSnapshots(state: State): ClusterSnapshots {
  let keeper = keepers.get(state);
  if (!keeper) keepers.set(state, (keeper = new ClusterSnapshots(state)));
  return keeper;
}
