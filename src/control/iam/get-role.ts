import type { GetRoleRequest, GetRoleResponse } from '@aws-sdk/client-iam';
import type { ControlContext } from '../context.js';
import { describeRole } from './describe.js';
import { lookup, resolveRole } from './entities.js';

export function getRole(ctx: ControlContext, input: GetRoleRequest): GetRoleResponse {
  return { Role: describeRole(resolveRole(lookup(ctx.state), input.RoleName!), true) };
}
