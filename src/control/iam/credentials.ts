// Whose key signed a call: the gateway's credential resolver, over IAM's and STS's state. Runs on every
// signed call, so it only reads: root's key, an IAM user's Active access key, or temporary credentials
// whose session token opens (control/sts/session-keys.ts) and whose session still stands: not expired,
// its role or user not deleted (nor recreated under the same name: the id differs), its task not stopped,
// its instance not deregistered.
import type { Caller, CallerSession } from '../../core/caller.js';
import type { ControlContext } from '../context.js';
import { defineIndex } from '../state.js';
import type { SealedSession } from '../sts/session-keys.js';
import { assumedRoleArn } from '../sts/sessions.js';

export interface RootKey {
  accessKeyId: string;
  secretAccessKey: string;
}

/** The secret behind a key and who signs with it; or why its session token is refused (see protocol/sigv4.ts). */
export type CredentialResolution = { secretAccessKey: string; caller: Caller } | { refused: 'invalid-token' | 'expired-token' };

const INVALID = { refused: 'invalid-token' } as const;
const EXPIRED = { refused: 'expired-token' } as const;

const containerInstancesByEc2Instance = defineIndex('containerInstance', (c) => c.ec2InstanceId);

/** undefined: nobody issued this key, or it is Inactive (AWS answers both as an invalid token). */
export function resolveCredentials(ctx: ControlContext, root: RootKey, accessKeyId: string, sessionToken: string | undefined): CredentialResolution | undefined {
  const { accountId } = ctx.partition;
  if (accessKeyId === root.accessKeyId) {
    if (sessionToken !== undefined) return INVALID;
    return { secretAccessKey: root.secretAccessKey, caller: rootCaller(accountId, accessKeyId) };
  }
  if (accessKeyId.startsWith('ASIA')) return resolveSession(ctx, accessKeyId, sessionToken);
  const key = ctx.state.get('iamAccessKey', accessKeyId);
  if (!key || key.Status !== 'Active') return undefined;
  // A long-term key takes no token.
  if (sessionToken !== undefined) return INVALID;
  const user = ctx.state.get('iamUser', key.UserName);
  if (!user) return undefined;
  return {
    secretAccessKey: key.SecretAccessKey,
    caller: { accessKeyId, accountId, arn: user.Arn, type: 'user', userId: user.UserId, identityArn: user.Arn },
  };
}

function resolveSession(ctx: ControlContext, accessKeyId: string, token: string | undefined): CredentialResolution {
  const opened = token === undefined ? undefined : ctx.sessionKeys.open(accessKeyId, token);
  if (!opened) return INVALID;
  const { session, secretAccessKey } = opened;
  if (session.expiration <= ctx.clock.now().getTime()) return EXPIRED;
  if (!stands(ctx, session)) return INVALID;
  const caller = sessionCaller(ctx, accessKeyId, session);
  return caller ? { secretAccessKey, caller } : INVALID;
}

// Task-role credentials die with their task; instance-profile credentials with their container instance
// (once one was registered under the instance id: before that, the agent holding them is still joining).
function stands(ctx: ControlContext, session: SealedSession): boolean {
  if (session.taskArn !== undefined) {
    const task = ctx.state.get('task', session.taskArn);
    if (!task || task.lastStatus === 'STOPPED') return false;
  }
  if (session.instanceId !== undefined) {
    const instances = ctx.state.where(containerInstancesByEc2Instance, session.instanceId);
    if (instances.length > 0 && instances.every((i) => i.status === 'INACTIVE')) return false;
  }
  return true;
}

function sessionCaller(ctx: ControlContext, accessKeyId: string, session: SealedSession): Caller | undefined {
  const { accountId } = ctx.partition;
  const about = callerSession(session);
  const { principal } = session;
  if ('root' in principal) return { ...rootCaller(accountId, accessKeyId), session: about };
  if ('user' in principal) {
    const user = ctx.state.get('iamUser', principal.user.name);
    if (user?.UserId !== principal.user.id) return undefined;
    return { accessKeyId, accountId, arn: user.Arn, type: 'user', userId: user.UserId, identityArn: user.Arn, session: about };
  }
  const role = ctx.state.get('iamRole', principal.role.name);
  if (role?.RoleId !== principal.role.id) return undefined;
  return {
    accessKeyId,
    accountId,
    arn: assumedRoleArn(ctx.partition.accountId, role.RoleName, principal.role.sessionName),
    type: 'assumed-role',
    userId: `${role.RoleId}:${principal.role.sessionName}`,
    identityArn: role.Arn,
    session: about,
  };
}

function callerSession({ principal, expiration, ...rest }: SealedSession): CallerSession {
  return { ...rest, expiration: new Date(expiration) };
}

const rootCaller = (accountId: string, accessKeyId: string): Caller => ({
  accessKeyId,
  accountId,
  arn: `arn:aws:iam::${accountId}:root`,
  type: 'root',
  userId: accountId,
  identityArn: `arn:aws:iam::${accountId}:root`,
});
