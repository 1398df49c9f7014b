import type { AddUserToGroupRequest } from '@aws-sdk/client-iam';
import { LimitExceeded } from '../../core/iam-errors.js';
import type { ControlContext } from '../context.js';
import { lookup, resolveGroup, resolveUser } from './entities.js';

/** IAM's default quota of groups a user may be in. */
const GROUPS_PER_USER = 10;

/** Adding a member twice changes nothing, as in IAM. */
export async function addUserToGroup(ctx: ControlContext, input: AddUserToGroupRequest): Promise<Record<string, never>> {
  await ctx.state.mutate((tx) => {
    const at = lookup(ctx.state, tx);
    const group = resolveGroup(at, input.GroupName!);
    const user = resolveUser(at, input.UserName!);
    if (group.members.includes(user.UserName)) return;
    const groups = [...ctx.state.all('iamGroup')].filter((g) => g.members.includes(user.UserName)).length;
    if (groups >= GROUPS_PER_USER) throw new LimitExceeded(`Cannot exceed quota for GroupsPerUser: ${GROUPS_PER_USER}`);
    tx.put('iamGroup', group.GroupName, { ...group, members: [...group.members, user.UserName] });
  });
  return {};
}
