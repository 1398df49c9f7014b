import type { DeletePolicyRequest } from '@aws-sdk/client-iam';
import { DeleteConflict } from '../../core/iam-errors.js';
import type { ControlContext } from '../context.js';
import { policyUsage, resolveOwnPolicy } from './managed-policies.js';

/** IAM deletes a policy only when nothing uses it and its default is its only version. */
export async function deletePolicy(ctx: ControlContext, input: DeletePolicyRequest): Promise<Record<string, never>> {
  await ctx.state.mutate((tx) => {
    const policy = resolveOwnPolicy(tx, input.PolicyArn!, 'delete');
    const usage = policyUsage(ctx.state);
    if (usage.attachments.get(policy.Arn) || usage.boundaries.get(policy.Arn)) throw new DeleteConflict('Cannot delete a policy attached to entities.');
    if (policy.versions.length > 1)
      throw new DeleteConflict(
        "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
      );
    tx.delete('iamPolicy', policy.Arn);
  });
  ctx.log.info('iam policy deleted', { policyArn: input.PolicyArn });
  return {};
}
