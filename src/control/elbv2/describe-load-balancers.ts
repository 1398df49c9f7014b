import type { DescribeLoadBalancersInput, DescribeLoadBalancersOutput } from '@aws-sdk/client-elastic-load-balancing-v2';
import { LoadBalancerNotFound } from '../../core/elbv2-errors.js';
import { ValidationError } from '../../core/errors.js';
import type { ControlContext } from '../context.js';
import { page, resolveLoadBalancer } from './lookups.js';

export function describeLoadBalancers(ctx: ControlContext, input: DescribeLoadBalancersInput): DescribeLoadBalancersOutput {
  const { LoadBalancerArns: arns, Names: names } = input;
  if (arns?.length && names?.length) throw new ValidationError('Load balancer names and load balancer ARNs cannot be specified at the same time');
  let found = [...ctx.state.all('loadBalancer')];
  if (arns?.length) found = arns.map((arn) => resolveLoadBalancer(ctx.state, arn));
  else if (names?.length) {
    const missing = names.filter((n) => !found.some((lb) => lb.LoadBalancerName === n));
    if (missing.length) throw new LoadBalancerNotFound(`Load balancers '[${missing.join(', ')}]' not found`);
    found = found.filter((lb) => names.includes(lb.LoadBalancerName));
  }
  const { items, NextMarker } = page(found, (lb) => lb.LoadBalancerArn, input);
  return { LoadBalancers: items, ...(NextMarker ? { NextMarker } : {}) };
}
