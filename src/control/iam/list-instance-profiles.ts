import type { ListInstanceProfilesRequest, ListInstanceProfilesResponse } from '@aws-sdk/client-iam';
import type { ControlContext } from '../context.js';
import { describeInstanceProfile } from './describe.js';
import { byName, listed, page } from './pages.js';

export function listInstanceProfiles(ctx: ControlContext, input: ListInstanceProfilesRequest): ListInstanceProfilesResponse {
  const prefix = input.PathPrefix ?? '/';
  const profiles = [...ctx.state.all('iamInstanceProfile')].filter((p) => p.Path.startsWith(prefix));
  const { items, ...rest } = page(profiles, (p) => byName(p.InstanceProfileName), input);
  return listed('InstanceProfiles', { items: items.map((p) => describeInstanceProfile(ctx.state, p)), ...rest });
}
