import type { CreatePolicyVersionRequest, CreatePolicyVersionResponse } from '@aws-sdk/client-iam';
import { LimitExceeded } from '../../core/iam-errors.js';
import type { ControlContext } from '../context.js';
import { resolveOwnPolicy } from './managed-policies.js';
import { validateManagedDocument } from './policy-documents.js';
import { describeVersion, MAX_POLICY_VERSIONS } from './policy-versions.js';

/** Version numbers only grow (v1, v2...), even after versions are deleted. */
export async function createPolicyVersion(ctx: ControlContext, input: CreatePolicyVersionRequest): Promise<CreatePolicyVersionResponse> {
  validateManagedDocument(input.PolicyDocument!);
  const { policy, version } = await ctx.state.mutate((tx) => {
    const policy = resolveOwnPolicy(tx, input.PolicyArn!, 'modify');
    if (policy.versions.length >= MAX_POLICY_VERSIONS)
      throw new LimitExceeded(`A managed policy can have up to ${MAX_POLICY_VERSIONS} versions. Before you create a new version, you must delete an existing version.`);
    const now = ctx.clock.now();
    const version = { VersionId: `v${policy.nextVersion}`, Document: input.PolicyDocument!, CreateDate: now };
    const updated = tx.put('iamPolicy', policy.Arn, {
      ...policy,
      versions: [...policy.versions, version],
      nextVersion: policy.nextVersion + 1,
      ...(input.SetAsDefault ? { DefaultVersionId: version.VersionId, UpdateDate: now } : {}),
    });
    return { policy: updated, version };
  });
  return { PolicyVersion: describeVersion(policy, version, false) };
}
