// Permissions boundaries of users and roles (Put/Delete{User,Role}PermissionsBoundary): a managed policy
// that caps what the identity's own policies can allow.
import type {
  DeleteRolePermissionsBoundaryRequest,
  DeleteUserPermissionsBoundaryRequest,
  PutRolePermissionsBoundaryRequest,
  PutUserPermissionsBoundaryRequest,
} from '@aws-sdk/client-iam';
import type { IamRoleRecord } from '../../core/iam.js';
import type { ControlContext } from '../context.js';
import { assertModifiable, HOLDERS, lookup, resolveHolder, type HolderType } from './entities.js';
import { resolveBoundary } from './managed-policies.js';

async function setBoundary(ctx: ControlContext, type: HolderType, name: string, boundaryArn: string | undefined): Promise<Record<string, never>> {
  await ctx.state.mutate((tx) => {
    const holder = resolveHolder(lookup(ctx.state, tx), type, name) as IamRoleRecord;
    if (type.kind === 'iamRole') assertModifiable(holder);
    const { PermissionsBoundary: _replaced, ...rest } = holder;
    const boundary = boundaryArn === undefined ? {} : { PermissionsBoundary: resolveBoundary(tx, boundaryArn) };
    tx.put(type.kind, type.nameOf(holder), { ...rest, ...boundary } as never);
  });
  return {};
}

export const putUserPermissionsBoundary = (ctx: ControlContext, i: PutUserPermissionsBoundaryRequest) =>
  setBoundary(ctx, HOLDERS.user, i.UserName!, i.PermissionsBoundary!);
export const putRolePermissionsBoundary = (ctx: ControlContext, i: PutRolePermissionsBoundaryRequest) =>
  setBoundary(ctx, HOLDERS.role, i.RoleName!, i.PermissionsBoundary!);
export const deleteUserPermissionsBoundary = (ctx: ControlContext, i: DeleteUserPermissionsBoundaryRequest) =>
  setBoundary(ctx, HOLDERS.user, i.UserName!, undefined);
export const deleteRolePermissionsBoundary = (ctx: ControlContext, i: DeleteRolePermissionsBoundaryRequest) =>
  setBoundary(ctx, HOLDERS.role, i.RoleName!, undefined);
