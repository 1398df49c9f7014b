import type { DeleteGroupRequest } from '@aws-sdk/client-iam';
import { DeleteConflict } from '../../core/iam-errors.js';
import type { ControlContext } from '../context.js';
import { lookup, resolveGroup } from './entities.js';

/** IAM deletes only an empty group without policies. */
export async function deleteGroup(ctx: ControlContext, input: DeleteGroupRequest): Promise<Record<string, never>> {
  await ctx.state.mutate((tx) => {
    const group = resolveGroup(lookup(ctx.state, tx), input.GroupName!);
    if (group.members.length) throw new DeleteConflict('Cannot delete entity, must remove users from group first.');
    if (Object.keys(group.inlinePolicies).length) throw new DeleteConflict('Cannot delete entity, must delete policies first.');
    if (group.attachedPolicies.length) throw new DeleteConflict('Cannot delete entity, must detach all policies first.');
    tx.delete('iamGroup', group.GroupName);
  });
  ctx.log.info('iam group deleted', { groupName: input.GroupName });
  return {};
}
