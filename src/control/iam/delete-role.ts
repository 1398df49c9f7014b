import type { DeleteRoleRequest } from '@aws-sdk/client-iam';
import { DeleteConflict } from '../../core/iam-errors.js';
import type { ControlContext } from '../context.js';
import type { Transaction } from '../state.js';
import type { IamRoleRecord } from '../../core/iam.js';
import { assertModifiable, lookup, resolveRole } from './entities.js';

/** IAM deletes only a bare role; service-linked roles go through DeleteServiceLinkedRole. */
export async function deleteRole(ctx: ControlContext, input: DeleteRoleRequest): Promise<Record<string, never>> {
  await ctx.state.mutate((tx) => {
    const role = resolveRole(lookup(ctx.state, tx), input.RoleName!);
    assertModifiable(role);
    removeRole(ctx, tx, role);
  });
  ctx.log.info('iam role deleted', { roleName: input.RoleName });
  return {};
}

/** Stages the deletion of a role that has nothing left attached, or throws IAM's DeleteConflict. */
export function removeRole(ctx: ControlContext, tx: Transaction, role: IamRoleRecord, detachManaged = false): void {
  if ([...ctx.state.all('iamInstanceProfile')].some((p) => p.roles.includes(role.RoleName)))
    throw new DeleteConflict('Cannot delete entity, must remove roles from instance profile first.');
  if (Object.keys(role.inlinePolicies).length) throw new DeleteConflict('Cannot delete entity, must delete policies first.');
  if (role.attachedPolicies.length && !detachManaged) throw new DeleteConflict('Cannot delete entity, must detach all policies first.');
  tx.delete('iamRole', role.RoleName);
}
