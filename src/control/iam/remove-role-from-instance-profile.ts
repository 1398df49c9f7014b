import type { RemoveRoleFromInstanceProfileRequest } from '@aws-sdk/client-iam';
import { NoSuchEntity } from '../../core/iam-errors.js';
import type { ControlContext } from '../context.js';
import { lookup, resolveInstanceProfile, resolveRole } from './entities.js';

export async function removeRoleFromInstanceProfile(ctx: ControlContext, input: RemoveRoleFromInstanceProfileRequest): Promise<Record<string, never>> {
  await ctx.state.mutate((tx) => {
    const at = lookup(ctx.state, tx);
    const profile = resolveInstanceProfile(at, input.InstanceProfileName!);
    const role = resolveRole(at, input.RoleName!);
    if (!profile.roles.includes(role.RoleName)) throw new NoSuchEntity(`The role with name ${input.RoleName} cannot be found.`);
    tx.put('iamInstanceProfile', profile.InstanceProfileName, { ...profile, roles: profile.roles.filter((r) => r !== role.RoleName) });
  });
  return {};
}
