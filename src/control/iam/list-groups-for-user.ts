import type { ListGroupsForUserRequest, ListGroupsForUserResponse } from '@aws-sdk/client-iam';
import type { ControlContext } from '../context.js';
import { describeGroup } from './describe.js';
import { lookup, resolveUser } from './entities.js';
import { byName, listed, page } from './pages.js';

export function listGroupsForUser(ctx: ControlContext, input: ListGroupsForUserRequest): ListGroupsForUserResponse {
  const user = resolveUser(lookup(ctx.state), input.UserName!);
  const groups = [...ctx.state.all('iamGroup')].filter((g) => g.members.includes(user.UserName));
  return listed('Groups', page(groups.map(describeGroup), (g) => byName(g.GroupName!), input));
}
