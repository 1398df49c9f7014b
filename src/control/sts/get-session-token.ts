// GetSessionToken: temporary credentials for the caller itself (a user, or the account's root), with its
// own permissions. Sessions cannot ask for more sessions.
import type { GetSessionTokenRequest, GetSessionTokenResponse } from '@aws-sdk/client-sts';
import type { CallContext } from '../../core/caller.js';
import type { ControlContext } from '../context.js';
import { sessionToken } from './sessions.js';

export function getSessionToken(ctx: ControlContext, input: GetSessionTokenRequest, call: CallContext): GetSessionTokenResponse {
  return { Credentials: sessionToken(ctx, call.caller, input.DurationSeconds) };
}
