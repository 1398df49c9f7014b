// LCU reservations (Describe/ModifyCapacityReservation). Wharf's data plane has no capacity units to
// provision: a reservation is recorded and reported provisioned at once, spread evenly over the load
// balancer's zones as ELBv2 spreads it, with ELBv2's rules on who may ask for what.
import type { DescribeCapacityReservationOutput } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { LoadBalancerRecord } from '../../core/elbv2.js';

/** ELBv2 allows two decreases of a reservation a day. */
export const DECREASES_PER_DAY = 2;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The decreases asked within the day before `now`. */
export const recentDecreases = (lb: LoadBalancerRecord, now: Date) => (lb.capacity?.decreases ?? []).filter((d) => now.getTime() - d.getTime() < DAY_MS);

export function capacityReservation(lb: LoadBalancerRecord, now: Date): DescribeCapacityReservationOutput {
  const remaining = DECREASES_PER_DAY - recentDecreases(lb, now).length;
  const capacity = lb.capacity;
  if (capacity?.CapacityUnits === undefined) return { DecreaseRequestsRemaining: remaining, CapacityReservationState: [] };
  const units = capacity.CapacityUnits;
  const zones = lb.AvailabilityZones ?? [];
  return {
    LastModifiedTime: capacity.LastModifiedTime,
    DecreaseRequestsRemaining: remaining,
    MinimumLoadBalancerCapacity: { CapacityUnits: units },
    CapacityReservationState: zones.map((z) => ({
      AvailabilityZone: z.ZoneName,
      State: { Code: 'provisioned' },
      EffectiveCapacityUnits: units / zones.length,
    })),
  };
}
