// DescribePolicies: scaling policies (users' and those ECS's managed scaling made), a page at a time. A group
// named that does not exist is AWS's ValidationError; unknown policy names are ignored.
import type { DescribePoliciesType, PoliciesType } from '@aws-sdk/client-auto-scaling';
import type { ControlContext } from '../context.js';
import { groupNamed, pageOf } from './groups.js';
import { wirePolicy } from './scaling-policies.js';

export function describePolicies(ctx: ControlContext, input: DescribePoliciesType): PoliciesType {
  if (input.AutoScalingGroupName !== undefined) groupNamed(ctx.state, input.AutoScalingGroupName);
  const names = input.PolicyNames ?? [];
  const types = input.PolicyTypes ?? [];
  const found = [...ctx.state.all('autoScalingPolicy')].filter(
    (p) =>
      (input.AutoScalingGroupName === undefined || p.AutoScalingGroupName === input.AutoScalingGroupName) &&
      (!names.length || names.includes(p.PolicyName) || names.includes(p.PolicyARN)) &&
      (!types.length || types.includes(p.PolicyType)),
  );
  const page = pageOf(found, (p) => `${p.AutoScalingGroupName}\u0000${p.PolicyName}`, input, 50);
  return { ScalingPolicies: page.items.map((p) => wirePolicy(ctx, p)), ...(page.NextToken && { NextToken: page.NextToken }) };
}
