import type { DeleteAccessKeyRequest } from '@aws-sdk/client-iam';
import type { CallContext } from '../../core/caller.js';
import type { ControlContext } from '../context.js';
import { resolveAccessKey } from './access-keys.js';
import { lookup } from './entities.js';

export async function deleteAccessKey(ctx: ControlContext, input: DeleteAccessKeyRequest, call: CallContext): Promise<Record<string, never>> {
  await ctx.state.mutate((tx) => {
    const key = resolveAccessKey(lookup(ctx.state, tx), input.AccessKeyId!, input.UserName, call.caller);
    tx.delete('iamAccessKey', key.AccessKeyId);
  });
  ctx.log.info('iam access key deleted', { accessKeyId: input.AccessKeyId });
  return {};
}
