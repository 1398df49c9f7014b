import type { ListInstanceProfilesForRoleRequest, ListInstanceProfilesForRoleResponse } from '@aws-sdk/client-iam';
import type { ControlContext } from '../context.js';
import { describeInstanceProfile } from './describe.js';
import { lookup, resolveRole } from './entities.js';
import { byName, listed, page } from './pages.js';

export function listInstanceProfilesForRole(ctx: ControlContext, input: ListInstanceProfilesForRoleRequest): ListInstanceProfilesForRoleResponse {
  const role = resolveRole(lookup(ctx.state), input.RoleName!);
  const profiles = [...ctx.state.all('iamInstanceProfile')].filter((p) => p.roles.includes(role.RoleName));
  const { items, ...rest } = page(profiles, (p) => byName(p.InstanceProfileName), input);
  return listed('InstanceProfiles', { items: items.map((p) => describeInstanceProfile(ctx.state, p)), ...rest });
}
