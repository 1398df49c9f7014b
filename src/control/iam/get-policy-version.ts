import type { GetPolicyVersionRequest, GetPolicyVersionResponse } from '@aws-sdk/client-iam';
import type { ControlContext } from '../context.js';
import { resolvePolicy } from './managed-policies.js';
import { describeVersion, resolveVersion } from './policy-versions.js';

export function getPolicyVersion(ctx: ControlContext, input: GetPolicyVersionRequest): GetPolicyVersionResponse {
  const policy = resolvePolicy(ctx.state, input.PolicyArn!);
  return { PolicyVersion: describeVersion(policy, resolveVersion(policy, input.VersionId!), true) };
}
