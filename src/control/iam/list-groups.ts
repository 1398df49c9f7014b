import type { ListGroupsRequest, ListGroupsResponse } from '@aws-sdk/client-iam';
import type { ControlContext } from '../context.js';
import { describeGroup } from './describe.js';
import { byName, listed, page } from './pages.js';

export function listGroups(ctx: ControlContext, input: ListGroupsRequest): ListGroupsResponse {
  const prefix = input.PathPrefix ?? '/';
  const groups = [...ctx.state.all('iamGroup')].filter((g) => g.Path.startsWith(prefix));
  return listed('Groups', page(groups.map(describeGroup), (g) => byName(g.GroupName!), input));
}
