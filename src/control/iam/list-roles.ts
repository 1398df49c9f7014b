import type { ListRolesRequest, ListRolesResponse } from '@aws-sdk/client-iam';
import type { ControlContext } from '../context.js';
import { describeRole } from './describe.js';
import { byName, listed, page } from './pages.js';

export function listRoles(ctx: ControlContext, input: ListRolesRequest): ListRolesResponse {
  const prefix = input.PathPrefix ?? '/';
  const roles = [...ctx.state.all('iamRole')].filter((r) => r.Path.startsWith(prefix));
  return listed('Roles', page(roles.map((r) => describeRole(r)), (r) => byName(r.RoleName!), input));
}
