// What an Auto Scaling group does next, as EC2 Auto Scaling decides it, over plain data: where new instances
// go (the zone with the fewest instances first, so the group stays balanced) and which instances a scale-in
// terminates (the zone with the most unprotected instances, then the termination policies in order; AWS's
// "Default" is OldestLaunchTemplate then ClosestToNextInstanceHour). AWS picks at random among instances
// the policies cannot tell apart; here the lowest instance id goes, so tests replay exactly.
import { inCapacity, type GroupInstance } from './autoscaling.js';

/** The zone of each of `count` new instances: one by one, to the zone with the fewest (ties: the zones' order). */
export function zonesToLaunch(zones: readonly string[], instances: readonly Pick<GroupInstance, 'AvailabilityZone' | 'LifecycleState'>[], count: number): string[] {
  const size = new Map(zones.map((z) => [z, 0]));
  for (const i of instances) if (inCapacity(i) && size.has(i.AvailabilityZone)) size.set(i.AvailabilityZone, size.get(i.AvailabilityZone)! + 1);
  const chosen: string[] = [];
  for (let n = 0; n < count && zones.length > 0; n++) {
    const zone = zones.reduce((best, z) => (size.get(z)! < size.get(best)! ? z : best));
    size.set(zone, size.get(zone)! + 1);
    chosen.push(zone);
  }
  return chosen;
}

export interface TerminationContext {
  policies: readonly string[];
  /** The launch template version new instances get: OldestLaunchTemplate prefers those on another one. */
  currentVersion?: string;
  /** Now (epoch ms): ClosestToNextInstanceHour counts from each instance's launch. */
  now: number;
}

type Candidate = Pick<GroupInstance, 'InstanceId' | 'AvailabilityZone' | 'LifecycleState' | 'ProtectedFromScaleIn' | 'launchedAt' | 'templateVersion'>;

/**
 * The `count` instances a scale-in terminates, in order; fewer when protection leaves fewer. Instances
 * protected from scale-in are never chosen (AWS: "not protected from scale in" is the first filter).
 */
export function instancesToTerminate<T extends Candidate>(instances: readonly T[], count: number, context: TerminationContext): T[] {
  const live = instances.filter(inCapacity);
  const chosen: T[] = [];
  for (let n = 0; n < count; n++) {
    const left = live.filter((i) => !chosen.includes(i));
    const candidates = left.filter((i) => !i.ProtectedFromScaleIn);
    if (candidates.length === 0) break;
    // The zone with the most instances (all of them count) that has one to take.
    const perZone = new Map<string, number>();
    for (const i of left) perZone.set(i.AvailabilityZone, (perZone.get(i.AvailabilityZone) ?? 0) + 1);
    const zone = [...new Set(candidates.map((i) => i.AvailabilityZone))].sort((a, b) => perZone.get(b)! - perZone.get(a)! || (a < b ? -1 : 1))[0]!;
    chosen.push(pick(candidates.filter((i) => i.AvailabilityZone === zone), context));
  }
  return chosen;
}

function pick<T extends Candidate>(candidates: T[], context: TerminationContext): T {
  let left = candidates;
  const policies = context.policies.flatMap((p) => (p === 'Default' ? ['OldestLaunchTemplate', 'ClosestToNextInstanceHour'] : [p]));
  for (const policy of policies.length ? policies : ['OldestLaunchTemplate', 'ClosestToNextInstanceHour']) {
    if (left.length === 1) break;
    left = narrow(left, policy, context);
  }
  return [...left].sort((a, b) => (a.InstanceId < b.InstanceId ? -1 : 1))[0]!;
}

/** The candidates a policy prefers (all of them when it cannot tell them apart). */
function narrow<T extends Candidate>(candidates: T[], policy: string, { currentVersion, now }: TerminationContext): T[] {
  const best = (score: (i: T) => number) => {
    const top = Math.max(...candidates.map(score));
    return candidates.filter((i) => score(i) === top);
  };
  switch (policy) {
    case 'OldestLaunchTemplate': {
      const other = candidates.filter((i) => currentVersion !== undefined && i.templateVersion !== undefined && i.templateVersion !== currentVersion);
      return other.length ? other : candidates;
    }
    case 'OldestInstance':
      return best((i) => -i.launchedAt);
    case 'NewestInstance':
      return best((i) => i.launchedAt);
    case 'ClosestToNextInstanceHour':
      return best((i) => Math.floor((now - i.launchedAt) / 1000) % 3600);
    default:
      // AllocationStrategy and OldestLaunchConfiguration cannot tell a group's instances apart here (one
      // instance type per template, no launch configurations).
      return candidates;
  }
}

/**
 * How many of a group's instances are On-Demand under a mixed instances policy's distribution: the base,
 * then the percentage of what is above it (rounded up, as AWS rounds in favour of On-Demand); the rest are Spot.
 */
export function onDemandCount(capacity: number, distribution: { OnDemandBaseCapacity?: number; OnDemandPercentageAboveBaseCapacity?: number } = {}): number {
  const base = Math.min(capacity, distribution.OnDemandBaseCapacity ?? 0);
  const percent = distribution.OnDemandPercentageAboveBaseCapacity ?? 100;
  return base + Math.ceil(((capacity - base) * percent) / 100);
}
