import type { DescribeListenersInput, DescribeListenersOutput } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ValidationError } from '../../core/errors.js';
import type { ControlContext } from '../context.js';
import { page, resolveListener, resolveLoadBalancer } from './lookups.js';
import { listenersByLoadBalancer } from './indexes.js';

export function describeListeners(ctx: ControlContext, input: DescribeListenersInput): DescribeListenersOutput {
  const { LoadBalancerArn: lbArn, ListenerArns: arns } = input;
  if (!lbArn && !arns?.length) throw new ValidationError('You must specify either listener ARNs or a load balancer ARN');
  if (lbArn && arns?.length) throw new ValidationError('Listener ARNs and a load balancer ARN cannot be specified at the same time');
  const found = lbArn ? (resolveLoadBalancer(ctx.state, lbArn), ctx.state.where(listenersByLoadBalancer, lbArn)) : arns!.map((arn) => resolveListener(ctx.state, arn));
  const { items, NextMarker } = page(found, (l) => l.ListenerArn, input);
  return { Listeners: items, ...(NextMarker ? { NextMarker } : {}) };
}
