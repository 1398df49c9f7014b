import type { DescribeTargetGroupsInput, DescribeTargetGroupsOutput } from '@aws-sdk/client-elastic-load-balancing-v2';
import { TargetGroupNotFound } from '../../core/elbv2-errors.js';
import { ValidationError } from '../../core/errors.js';
import type { ControlContext } from '../context.js';
import { loadBalancersOf, page, resolveLoadBalancer, resolveTargetGroup } from './lookups.js';
import { describeTargetGroup } from './target-groups.js';

export function describeTargetGroups(ctx: ControlContext, input: DescribeTargetGroupsInput): DescribeTargetGroupsOutput {
  const { LoadBalancerArn: lbArn, TargetGroupArns: arns, Names: names } = input;
  if ([lbArn, arns?.length, names?.length].filter(Boolean).length > 1)
    throw new ValidationError('Target group names, target group ARNs, and a load balancer ARN cannot be specified at the same time');
  let found = [...ctx.state.all('targetGroup')];
  if (lbArn) {
    resolveLoadBalancer(ctx.state, lbArn);
    found = found.filter((tg) => loadBalancersOf(ctx.state, tg.TargetGroupArn).includes(lbArn));
  } else if (arns?.length) found = arns.map((arn) => resolveTargetGroup(ctx.state, arn));
  else if (names?.length) {
    const missing = names.filter((n) => !found.some((tg) => tg.TargetGroupName === n));
    if (missing.length) throw new TargetGroupNotFound(`Target groups '[${missing.join(', ')}]' not found`);
    found = found.filter((tg) => names.includes(tg.TargetGroupName));
  }
  const { items, NextMarker } = page(found, (tg) => tg.TargetGroupArn, input);
  return { TargetGroups: items.map((tg) => describeTargetGroup(ctx.state, tg)), ...(NextMarker ? { NextMarker } : {}) };
}
