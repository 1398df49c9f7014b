import type { SetDefaultPolicyVersionRequest } from '@aws-sdk/client-iam';
import type { ControlContext } from '../context.js';
import { resolveOwnPolicy } from './managed-policies.js';
import { resolveVersion } from './policy-versions.js';

/** The default version is the one in force for every identity the policy is attached to. */
export async function setDefaultPolicyVersion(ctx: ControlContext, input: SetDefaultPolicyVersionRequest): Promise<Record<string, never>> {
  await ctx.state.mutate((tx) => {
    const policy = resolveOwnPolicy(tx, input.PolicyArn!, 'modify');
    const version = resolveVersion(policy, input.VersionId!);
    tx.put('iamPolicy', policy.Arn, { ...policy, DefaultVersionId: version.VersionId, UpdateDate: ctx.clock.now() });
  });
  return {};
}
