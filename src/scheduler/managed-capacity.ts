// Placement on Wharf-managed capacity (the Fargate launch type): the user sees no instances, so there are
// no constraints or strategies; a task goes to the managed host with the most room left (memory first, then
// CPU, a random pick among equals), and tasks placed earlier in a request count for the later ones.
// Pure: a function of the hosts as given and a random source, returning a plan.
import type { Failure } from '@aws-sdk/client-ecs';

/** A managed host as placement sees it: what is left of it for Fargate tasks. */
export interface ManagedHost {
  /** The container instance ARN of the agent that serves it. */
  arn: string;
  /** CPU units and MiB not held by the Fargate tasks on it. */
  cpuFree: number;
  memoryFree: number;
}

export interface ManagedPlacementRequest {
  /** What each task takes: its task-level CPU units and MiB. */
  cpu: number;
  memory: number;
  count: number;
  random: () => number;
}

export interface ManagedPlacementPlan {
  /** The host of each task placed, in order. */
  placements: { hostArn: string }[];
  /** Why the tasks left over could not be placed (one entry), as RunTask's failures. */
  failures: Failure[];
}

/** What Fargate answers when it has no capacity for a task. */
export const CAPACITY_UNAVAILABLE = 'Capacity is unavailable at this time. Please try again later or in a different availability zone';

export function placeOnManagedCapacity(hosts: readonly ManagedHost[], request: ManagedPlacementRequest): ManagedPlacementPlan {
  const free = hosts.map((h) => ({ ...h }));
  const plan: ManagedPlacementPlan = { placements: [], failures: [] };
  for (let k = 0; k < request.count; k++) {
    const fitting = free.filter((h) => h.cpuFree >= request.cpu && h.memoryFree >= request.memory);
    if (fitting.length === 0) {
      plan.failures.push({ reason: CAPACITY_UNAVAILABLE });
      break;
    }
    const best = fitting.reduce((a, b) => (roomier(b, a) ? b : a));
    const ties = fitting.filter((h) => !roomier(best, h));
    const host = ties[Math.min(ties.length - 1, Math.floor(request.random() * ties.length))]!;
    host.cpuFree -= request.cpu;
    host.memoryFree -= request.memory;
    plan.placements.push({ hostArn: host.arn });
  }
  return plan;
}

const roomier = (a: ManagedHost, b: ManagedHost) =>
  a.memoryFree > b.memoryFree || (a.memoryFree === b.memoryFree && a.cpuFree > b.cpuFree);
