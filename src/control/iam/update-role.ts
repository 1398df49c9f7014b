import type { UpdateRoleRequest, UpdateRoleResponse } from '@aws-sdk/client-iam';
import type { ControlContext } from '../context.js';
import { assertModifiable, lookup, resolveRole } from './entities.js';

/** Changes a role's description and the longest session it allows; what the request leaves out stays. */
export async function updateRole(ctx: ControlContext, input: UpdateRoleRequest): Promise<UpdateRoleResponse> {
  await ctx.state.mutate((tx) => {
    const role = resolveRole(lookup(ctx.state, tx), input.RoleName!);
    assertModifiable(role);
    tx.put('iamRole', role.RoleName, {
      ...role,
      ...(input.Description !== undefined ? { Description: input.Description } : {}),
      ...(input.MaxSessionDuration !== undefined ? { MaxSessionDuration: input.MaxSessionDuration } : {}),
    });
  });
  return {};
}
