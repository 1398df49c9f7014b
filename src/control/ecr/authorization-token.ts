// GetAuthorizationToken's token, as ECR's: base64 of `AWS:<password>`, valid 12 hours. The password seals
// the caller (who they are, in which region) under the server's key, so the registry authorises each push and
// pull as that caller with IAM without storing tokens, and a restart keeps them valid. Sealed with the STS
// session tokens' AES-GCM under its own associated data, so neither opens as the other.
import type { Caller } from '../../core/caller.js';
import type { ControlContext } from '../context.js';
import type { SealedSession } from '../sts/session-keys.js';

/** ECR's tokens last 12 hours. */
export const TOKEN_LIFETIME_MS = 12 * 60 * 60 * 1000;
const ASSOCIATED_DATA = 'wharf ecr authorization token';

interface TokenContent {
  caller: Caller;
  region: string;
  /** Epoch milliseconds. */
  expiration: number;
}

export function issueAuthorizationToken(ctx: ControlContext, caller: Caller): { authorizationToken: string; expiresAt: Date } {
  const expiration = ctx.clock.now().getTime() + TOKEN_LIFETIME_MS;
  const content: TokenContent = { caller, region: ctx.partition.region, expiration };
  const password = ctx.sessionKeys.seal(ASSOCIATED_DATA, content as unknown as SealedSession);
  return { authorizationToken: Buffer.from(`AWS:${password}`).toString('base64'), expiresAt: new Date(expiration) };
}

export type OpenedToken = { caller: Caller; region: string } | 'expired' | undefined;

/** The caller a registry password was issued to; 'expired' past its 12 hours; undefined when this server did not issue it. */
export function openAuthorizationToken(ctx: ControlContext, password: string): OpenedToken {
  const opened = ctx.sessionKeys.open(ASSOCIATED_DATA, password);
  if (!opened) return undefined;
  const content = opened.session as unknown as TokenContent;
  if (content.expiration <= ctx.clock.now().getTime()) return 'expired';
  const { session } = content.caller;
  const caller = session ? { ...content.caller, session: { ...session, expiration: new Date(session.expiration) } } : content.caller;
  return { caller, region: content.region };
}
