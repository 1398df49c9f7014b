import type { DeleteServiceLinkedRoleRequest, DeleteServiceLinkedRoleResponse } from '@aws-sdk/client-iam';
import { InvalidInput } from '../../core/iam-errors.js';
import type { ControlContext } from '../context.js';
import { removeRole } from './delete-role.js';
import { lookup, resolveRole } from './entities.js';
import { deletionTaskId } from './service-linked-roles.js';

/**
 * AWS deletes a service-linked role in the background and answers with a task id to poll; Wharf deletes it
 * at once (its managed policy goes with it), so the task has already succeeded when it is answered.
 */
export async function deleteServiceLinkedRole(ctx: ControlContext, input: DeleteServiceLinkedRoleRequest): Promise<DeleteServiceLinkedRoleResponse> {
  const role = await ctx.state.mutate((tx) => {
    const role = resolveRole(lookup(ctx.state, tx), input.RoleName!);
    if (!role.serviceLinkedTo) throw new InvalidInput(`Role ${role.RoleName} is not a service-linked role.`);
    removeRole(ctx, tx, role, true);
    return role;
  });
  ctx.log.info('iam service-linked role deleted', { roleArn: role.Arn });
  return { DeletionTaskId: deletionTaskId(role.serviceLinkedTo!, role.RoleName, ctx.ids.id()) };
}
