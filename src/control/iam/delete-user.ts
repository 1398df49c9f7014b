import type { DeleteUserRequest } from '@aws-sdk/client-iam';
import { DeleteConflict } from '../../core/iam-errors.js';
import type { ControlContext } from '../context.js';
import { lookup, resolveUser } from './entities.js';
import { accessKeysByUser } from './indexes.js';

/** IAM deletes only a bare user: its inline and attached policies, access keys and memberships go first. */
export async function deleteUser(ctx: ControlContext, input: DeleteUserRequest): Promise<Record<string, never>> {
  await ctx.state.mutate((tx) => {
    const user = resolveUser(lookup(ctx.state, tx), input.UserName!);
    if (Object.keys(user.inlinePolicies).length) throw new DeleteConflict('Cannot delete entity, must delete policies first.');
    if (user.attachedPolicies.length) throw new DeleteConflict('Cannot delete entity, must detach all policies first.');
    if (ctx.state.where(accessKeysByUser, user.UserName).length) throw new DeleteConflict('Cannot delete entity, must delete access keys first.');
    if ([...ctx.state.all('iamGroup')].some((g) => g.members.includes(user.UserName)))
      throw new DeleteConflict('Cannot delete entity, must remove user from all groups first.');
    tx.delete('iamUser', user.UserName);
  });
  ctx.log.info('iam user deleted', { userName: input.UserName });
  return {};
}
