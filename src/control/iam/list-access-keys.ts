import type { ListAccessKeysRequest, ListAccessKeysResponse } from '@aws-sdk/client-iam';
import type { CallContext } from '../../core/caller.js';
import type { ControlContext } from '../context.js';
import { lookup, namedOrCallingUser } from './entities.js';
import { accessKeysByUser } from './indexes.js';
import { listed, page } from './pages.js';

/** The keys' metadata; secrets are answered only when a key is created. */
export function listAccessKeys(ctx: ControlContext, input: ListAccessKeysRequest, call: CallContext): ListAccessKeysResponse {
  const user = namedOrCallingUser(lookup(ctx.state), input.UserName, call.caller);
  const keys = ctx.state.where(accessKeysByUser, user.UserName).map(({ UserName, AccessKeyId, Status, CreateDate }) => ({ UserName, AccessKeyId, Status, CreateDate }));
  return listed('AccessKeyMetadata', page(keys, (k) => k.AccessKeyId, input));
}
