import type { ListUsersRequest, ListUsersResponse } from '@aws-sdk/client-iam';
import type { ControlContext } from '../context.js';
import { describeUser } from './describe.js';
import { byName, listed, page } from './pages.js';

export function listUsers(ctx: ControlContext, input: ListUsersRequest): ListUsersResponse {
  const prefix = input.PathPrefix ?? '/';
  const users = [...ctx.state.all('iamUser')].filter((u) => u.Path.startsWith(prefix));
  return listed('Users', page(users.map((u) => describeUser(u)), (u) => byName(u.UserName!), input));
}
