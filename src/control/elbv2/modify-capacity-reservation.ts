import type { ModifyCapacityReservationInput, ModifyCapacityReservationOutput } from '@aws-sdk/client-elastic-load-balancing-v2';
import { CapacityDecreaseRequestsLimitExceeded, InvalidConfigurationRequest, OperationNotPermitted } from '../../core/elbv2-errors.js';
import { ValidationError } from '../../core/errors.js';
import type { ControlContext } from '../context.js';
import { capacityReservation, DECREASES_PER_DAY, recentDecreases } from './capacity.js';
import { listenersByLoadBalancer } from './indexes.js';
import { resolveLoadBalancer } from './lookups.js';

/**
 * Sets or resets a load balancer's LCU reservation. As ELBv2: one of a minimum or a reset, a positive number
 * of units, no reservation on a network load balancer with TLS listeners, at most two decreases (a lower
 * minimum, or a reset) a day.
 */
export async function modifyCapacityReservation(ctx: ControlContext, input: ModifyCapacityReservationInput): Promise<ModifyCapacityReservationOutput> {
  const units = input.MinimumLoadBalancerCapacity?.CapacityUnits;
  const reset = input.ResetCapacityReservation === true;
  if ((units === undefined) === !reset) throw new ValidationError('Exactly one of MinimumLoadBalancerCapacity and ResetCapacityReservation must be specified');
  if (units !== undefined && (!Number.isInteger(units) || units < 1)) throw new ValidationError('CapacityUnits must be a positive integer');
  const now = ctx.clock.now();
  const updated = await ctx.state.mutate((tx) => {
    const lb = resolveLoadBalancer(tx, input.LoadBalancerArn!);
    if (units !== undefined && lb.Type === 'network' && ctx.state.where(listenersByLoadBalancer, lb.LoadBalancerArn).some((l) => l.Protocol === 'TLS'))
      throw new OperationNotPermitted('Capacity reservation is not supported on network load balancers with TLS listeners');
    const current = lb.capacity?.CapacityUnits;
    if (reset && current === undefined) throw new InvalidConfigurationRequest('The load balancer has no capacity reservation to reset');
    const decrease = reset || (current !== undefined && units! < current);
    const decreases = recentDecreases(lb, now);
    if (decrease && decreases.length >= DECREASES_PER_DAY)
      throw new CapacityDecreaseRequestsLimitExceeded(`Capacity can be decreased at most ${DECREASES_PER_DAY} times a day`);
    // A reset forgets the minimum, not the decrease it counts.
    const capacity = { ...(units !== undefined && { CapacityUnits: units }), LastModifiedTime: now, decreases: decrease ? [...decreases, now] : decreases };
    return tx.put('loadBalancer', lb.LoadBalancerArn, { ...lb, capacity });
  });
  return capacityReservation(updated, now);
}
