// GetCallerIdentity: who signed the call, as STS answers it. It needs no permission, and an explicit deny
// cannot stop it either (AWS: "No permissions are required to perform this operation").
import type { GetCallerIdentityRequest, GetCallerIdentityResponse } from '@aws-sdk/client-sts';
import type { CallContext } from '../../core/caller.js';
import type { ControlContext } from '../context.js';

export function getCallerIdentity(_ctx: ControlContext, _input: GetCallerIdentityRequest, call: CallContext): GetCallerIdentityResponse {
  const { caller } = call;
  // Callers without a resolved identity (permissive mode, Wharf's own calls) are the account's root.
  return { UserId: caller.userId ?? caller.accountId, Account: caller.accountId, Arn: caller.arn };
}
