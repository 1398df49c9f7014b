import type { GetUserRequest, GetUserResponse } from '@aws-sdk/client-iam';
import type { CallContext } from '../../core/caller.js';
import type { ControlContext } from '../context.js';
import { describeUser } from './describe.js';
import { lookup, namedOrCallingUser } from './entities.js';

/** Without a name, the user who calls; root is answered as IAM answers it, with its account id as the id. */
export function getUser(ctx: ControlContext, input: GetUserRequest, call: CallContext): GetUserResponse {
  const { caller } = call;
  if (input.UserName === undefined && (caller.type === undefined || caller.type === 'root'))
    return { User: { UserId: caller.accountId, Arn: caller.arn } as GetUserResponse['User'] };
  return { User: describeUser(namedOrCallingUser(lookup(ctx.state), input.UserName, caller), true) };
}
