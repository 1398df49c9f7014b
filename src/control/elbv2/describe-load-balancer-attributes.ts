import type { DescribeLoadBalancerAttributesInput, DescribeLoadBalancerAttributesOutput } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { ControlContext } from '../context.js';
import { attributeList } from './load-balancers.js';
import { resolveLoadBalancer } from './lookups.js';

export function describeLoadBalancerAttributes(ctx: ControlContext, input: DescribeLoadBalancerAttributesInput): DescribeLoadBalancerAttributesOutput {
  return { Attributes: attributeList(resolveLoadBalancer(ctx.state, input.LoadBalancerArn!).attributes) };
}
