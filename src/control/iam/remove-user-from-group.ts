import type { RemoveUserFromGroupRequest } from '@aws-sdk/client-iam';
import { NoSuchEntity } from '../../core/iam-errors.js';
import type { ControlContext } from '../context.js';
import { lookup, resolveGroup, resolveUser } from './entities.js';

export async function removeUserFromGroup(ctx: ControlContext, input: RemoveUserFromGroupRequest): Promise<Record<string, never>> {
  await ctx.state.mutate((tx) => {
    const at = lookup(ctx.state, tx);
    const group = resolveGroup(at, input.GroupName!);
    const user = resolveUser(at, input.UserName!);
    if (!group.members.includes(user.UserName)) throw new NoSuchEntity(`The user with name ${input.UserName} cannot be found.`);
    tx.put('iamGroup', group.GroupName, { ...group, members: group.members.filter((m) => m !== user.UserName) });
  });
  return {};
}
