import type { CreateAccessKeyRequest, CreateAccessKeyResponse } from '@aws-sdk/client-iam';
import type { CallContext } from '../../core/caller.js';
import type { IamAccessKeyRecord } from '../../core/iam.js';
import { LimitExceeded } from '../../core/iam-errors.js';
import type { ControlContext } from '../context.js';
import { iamId, lookup, namedOrCallingUser } from './entities.js';
import { accessKeysByUser } from './indexes.js';

/** IAM's quota: two keys per user, so that one can be rotated while the other works. */
export const ACCESS_KEYS_PER_USER = 2;

/** The secret is answered once, here; it is kept for verifying the user's signatures. */
export async function createAccessKey(ctx: ControlContext, input: CreateAccessKeyRequest, call: CallContext): Promise<CreateAccessKeyResponse> {
  const key = await ctx.state.mutate((tx) => {
    const user = namedOrCallingUser(lookup(ctx.state, tx), input.UserName, call.caller);
    if (ctx.state.where(accessKeysByUser, user.UserName).length >= ACCESS_KEYS_PER_USER)
      throw new LimitExceeded(`Cannot exceed quota for AccessKeysPerUser: ${ACCESS_KEYS_PER_USER}`);
    const record: IamAccessKeyRecord = {
      AccessKeyId: iamId(ctx.ids, 'AKIA', 16),
      // 40 characters of base 64, as AWS's secrets are.
      SecretAccessKey: Buffer.from(ctx.ids.id() + ctx.ids.id(), 'hex').subarray(0, 30).toString('base64'),
      UserName: user.UserName,
      Status: 'Active',
      CreateDate: ctx.clock.now(),
    };
    return tx.put('iamAccessKey', record.AccessKeyId, record);
  });
  ctx.log.info('iam access key created', { userName: key.UserName, accessKeyId: key.AccessKeyId });
  return { AccessKey: { UserName: key.UserName, AccessKeyId: key.AccessKeyId, Status: key.Status, SecretAccessKey: key.SecretAccessKey, CreateDate: key.CreateDate } };
}
