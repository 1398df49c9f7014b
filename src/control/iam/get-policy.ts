import type { GetPolicyRequest, GetPolicyResponse } from '@aws-sdk/client-iam';
import { NoSuchEntity } from '../../core/iam-errors.js';
import type { ControlContext } from '../context.js';
import { validateArn } from './entities.js';
import { describePolicy, findPolicy, policyUsage } from './managed-policies.js';

export function getPolicy(ctx: ControlContext, input: GetPolicyRequest): GetPolicyResponse {
  const arn = input.PolicyArn!;
  validateArn(arn);
  const policy = findPolicy(ctx.state, arn);
  if (!policy) throw new NoSuchEntity(`Policy ${arn} was not found.`);
  return { Policy: describePolicy(policy, policyUsage(ctx.state), true) };
}
