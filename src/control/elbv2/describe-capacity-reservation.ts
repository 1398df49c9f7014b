import type { DescribeCapacityReservationInput, DescribeCapacityReservationOutput } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { ControlContext } from '../context.js';
import { capacityReservation } from './capacity.js';
import { resolveLoadBalancer } from './lookups.js';

/** A load balancer's LCU reservation; one without any answers with no minimum and no zone states. */
export function describeCapacityReservation(ctx: ControlContext, input: DescribeCapacityReservationInput): DescribeCapacityReservationOutput {
  return capacityReservation(resolveLoadBalancer(ctx.state, input.LoadBalancerArn!), ctx.clock.now());
}
