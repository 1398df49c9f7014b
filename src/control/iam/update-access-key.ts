import type { UpdateAccessKeyRequest } from '@aws-sdk/client-iam';
import type { CallContext } from '../../core/caller.js';
import type { ControlContext } from '../context.js';
import { resolveAccessKey } from './access-keys.js';
import { lookup } from './entities.js';

/** Active or Inactive: an inactive key's signatures are refused until it is activated again. */
export async function updateAccessKey(ctx: ControlContext, input: UpdateAccessKeyRequest, call: CallContext): Promise<Record<string, never>> {
  await ctx.state.mutate((tx) => {
    const key = resolveAccessKey(lookup(ctx.state, tx), input.AccessKeyId!, input.UserName, call.caller);
    tx.put('iamAccessKey', key.AccessKeyId, { ...key, Status: input.Status as 'Active' | 'Inactive' });
  });
  return {};
}
