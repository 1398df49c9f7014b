import type { DeleteInstanceProfileRequest } from '@aws-sdk/client-iam';
import { DeleteConflict } from '../../core/iam-errors.js';
import type { ControlContext } from '../context.js';
import { lookup, resolveInstanceProfile } from './entities.js';

export async function deleteInstanceProfile(ctx: ControlContext, input: DeleteInstanceProfileRequest): Promise<Record<string, never>> {
  await ctx.state.mutate((tx) => {
    const profile = resolveInstanceProfile(lookup(ctx.state, tx), input.InstanceProfileName!);
    if (profile.roles.length) throw new DeleteConflict('Cannot delete entity, must remove roles from instance profile first.');
    tx.delete('iamInstanceProfile', profile.InstanceProfileName);
  });
  ctx.log.info('iam instance profile deleted', { instanceProfileName: input.InstanceProfileName });
  return {};
}
