import type { AddRoleToInstanceProfileRequest } from '@aws-sdk/client-iam';
import { LimitExceeded } from '../../core/iam-errors.js';
import type { ControlContext } from '../context.js';
import { lookup, resolveInstanceProfile, resolveRole } from './entities.js';

/** An instance profile holds one role: what the instance's credentials are issued for. */
export async function addRoleToInstanceProfile(ctx: ControlContext, input: AddRoleToInstanceProfileRequest): Promise<Record<string, never>> {
  await ctx.state.mutate((tx) => {
    const at = lookup(ctx.state, tx);
    const profile = resolveInstanceProfile(at, input.InstanceProfileName!);
    const role = resolveRole(at, input.RoleName!);
    if (profile.roles.length) throw new LimitExceeded('Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1');
    tx.put('iamInstanceProfile', profile.InstanceProfileName, { ...profile, roles: [role.RoleName] });
  });
  return {};
}
