import type { GetGroupRequest, GetGroupResponse } from '@aws-sdk/client-iam';
import type { ControlContext } from '../context.js';
import { describeGroup, describeUser } from './describe.js';
import { lookup, resolveGroup } from './entities.js';
import { byName, page } from './pages.js';

/** The group and, a page at a time, its members. */
export function getGroup(ctx: ControlContext, input: GetGroupRequest): GetGroupResponse {
  const group = resolveGroup(lookup(ctx.state), input.GroupName!);
  const members = group.members.flatMap((name) => {
    const user = ctx.state.get('iamUser', name);
    return user ? [describeUser(user)] : [];
  });
  const { items, IsTruncated, Marker } = page(members, (u) => byName(u.UserName!), input);
  return { Group: describeGroup(group), Users: items, IsTruncated, ...(Marker ? { Marker } : {}) };
}
