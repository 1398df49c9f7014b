import type { UpdateRoleDescriptionRequest, UpdateRoleDescriptionResponse } from '@aws-sdk/client-iam';
import type { ControlContext } from '../context.js';
import { describeRole } from './describe.js';
import { assertModifiable, lookup, resolveRole } from './entities.js';

export async function updateRoleDescription(ctx: ControlContext, input: UpdateRoleDescriptionRequest): Promise<UpdateRoleDescriptionResponse> {
  const role = await ctx.state.mutate((tx) => {
    const role = resolveRole(lookup(ctx.state, tx), input.RoleName!);
    assertModifiable(role);
    return tx.put('iamRole', role.RoleName, { ...role, Description: input.Description! });
  });
  return { Role: describeRole(role, true) };
}
