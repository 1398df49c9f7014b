import type { DeletePolicyVersionRequest } from '@aws-sdk/client-iam';
import { DeleteConflict } from '../../core/iam-errors.js';
import type { ControlContext } from '../context.js';
import { resolveOwnPolicy } from './managed-policies.js';
import { resolveVersion } from './policy-versions.js';

export async function deletePolicyVersion(ctx: ControlContext, input: DeletePolicyVersionRequest): Promise<Record<string, never>> {
  await ctx.state.mutate((tx) => {
    const policy = resolveOwnPolicy(tx, input.PolicyArn!, 'modify');
    const version = resolveVersion(policy, input.VersionId!);
    if (version.VersionId === policy.DefaultVersionId) throw new DeleteConflict('Cannot delete the default version of a policy.');
    tx.put('iamPolicy', policy.Arn, { ...policy, versions: policy.versions.filter((v) => v !== version) });
  });
  return {};
}
