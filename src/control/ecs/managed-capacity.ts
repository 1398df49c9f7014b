// Wharf-managed capacity, where Fargate tasks run: the hosts whose agents offer it (`managedCapacity` on
// their container instance records, set from the agent channel) and what of each is left, counted against
// the host's registered CPU and memory by the Fargate tasks on it alone. A host that is also an EC2
// container instance of a cluster keeps its two ledgers apart, as AWS's Fargate fleet is apart from a
// user's instances: Fargate tasks never show in the instance's counts or remaining resources.
import type { TaskRecord } from '../../core/ecs.js';
import type { ManagedHost } from '../../scheduler/managed-capacity.js';
import { parseTaskCpu, parseTaskMemory, readRegisteredResources } from '../../scheduler/resources.js';
import type { State, Transaction } from '../state.js';
import { managedCapacityInstances, tasksByHost } from './indexes.js';

/**
 * How many times its CPU a managed host offers to Fargate tasks. Each task's CPU is enforced as a quota of
 * its size, so tasks sharing cores only ever get slower, never more than their share; memory, which cannot
 * be shared that way, is never overcommitted. A laptop's few cores then hold a realistic number of small
 * tasks (four 0.25 vCPU tasks per core).
 */
export const MANAGED_CPU_OVERCOMMIT = 4;

/** The managed hosts that can take tasks now (ACTIVE, agent connected), with their room left as `tx` sees it. */
export function managedHosts(state: Pick<State, 'where'>, tx: Transaction): ManagedHost[] {
  // Tasks this mutation created (a service launching in several rounds) hold their share too.
  const staged = [...tx.staged.values()].filter((s) => s.kind === 'task' && s.doc).map((s) => s.doc as TaskRecord);
  return state
    .where(managedCapacityInstances, 'yes')
    .filter((i) => i.status === 'ACTIVE' && i.agentConnected)
    .map((instance) => {
      const arn = instance.containerInstanceArn;
      const tasks = new Map(state.where(tasksByHost, arn).map((t) => [t.taskArn, t]));
      for (const t of staged) tasks.set(t.taskArn, t);
      const registered = readRegisteredResources(instance.registeredResources);
      let cpuFree = registered.cpu * MANAGED_CPU_OVERCOMMIT;
      let memoryFree = registered.memory;
      for (const task of tasks.values()) {
        if (task.managedHostArn !== arn || task.lastStatus === 'STOPPED') continue;
        cpuFree -= parseTaskCpu(task.cpu) ?? 0;
        memoryFree -= parseTaskMemory(task.memory) ?? 0;
      }
      return { arn, cpuFree, memoryFree };
    });
}
