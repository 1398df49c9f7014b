import type { UpdateAssumeRolePolicyRequest } from '@aws-sdk/client-iam';
import type { ControlContext } from '../context.js';
import { assertModifiable, lookup, resolveRole } from './entities.js';
import { validateTrustDocument } from './policy-documents.js';

/** Replaces the role's trust policy: who may assume it from now on (sessions already issued run out). */
export async function updateAssumeRolePolicy(ctx: ControlContext, input: UpdateAssumeRolePolicyRequest): Promise<Record<string, never>> {
  validateTrustDocument(input.PolicyDocument!);
  await ctx.state.mutate((tx) => {
    const role = resolveRole(lookup(ctx.state, tx), input.RoleName!);
    assertModifiable(role);
    tx.put('iamRole', role.RoleName, { ...role, AssumeRolePolicyDocument: input.PolicyDocument! });
  });
  return {};
}
