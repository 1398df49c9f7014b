// DescribePolicies: a group's scaling policies (here, those ECS's managed scaling made), a page at a time.
import type { DescribePoliciesType, PoliciesType } from '@aws-sdk/client-auto-scaling';
import type { ControlContext } from '../context.js';
import { pageOf } from './groups.js';

export function describePolicies(ctx: ControlContext, input: DescribePoliciesType): PoliciesType {
  const names = input.PolicyNames ?? [];
  const types = input.PolicyTypes ?? [];
  const found = [...ctx.state.all('autoScalingPolicy')].filter(
    (p) =>
      (input.AutoScalingGroupName === undefined || p.AutoScalingGroupName === input.AutoScalingGroupName) &&
      (!names.length || names.includes(p.PolicyName) || names.includes(p.PolicyARN)) &&
      (!types.length || types.includes(p.PolicyType)),
  );
  const page = pageOf(found, (p) => `${p.AutoScalingGroupName}\u0000${p.PolicyName}`, input, 50);
  return { ScalingPolicies: page.items.map(({ capacityProvider: _owner, ...wire }) => wire), ...(page.NextToken && { NextToken: page.NextToken }) };
}
