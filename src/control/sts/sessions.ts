// STS sessions: what AssumeRole (and the task and instance roles, which are AssumeRole for a service
// principal) and GetSessionToken issue. The role's trust policy is evaluated as the resource policy of
// sts:AssumeRole for the caller, beside the caller's identity policies ("Policy evaluation logic": naming
// the caller or its role in the trust policy suffices; naming the account delegates to identity policies).
// Credentials carry their session sealed in the token (session-keys.ts), so nothing is stored.
import { deflateRawSync } from 'node:zlib';
import type { CallContext, Caller, CallerSession } from '../../core/caller.js';
import { ValidationError } from '../../core/errors.js';
import type { IamRoleRecord } from '../../core/iam.js';
import { AccessDenied, MalformedPolicyDocument, PackedPolicyTooLarge } from '../../core/iam-errors.js';
import { compilePolicy } from '../../core/policy/compile.js';
import { evaluate, type EvaluationInput } from '../../core/policy/evaluate.js';
import type { AuthorizationRequest, ConditionContext } from '../../core/policy/types.js';
import { PolicyCompiler, Principals } from '../authorization/principals.js';
import { globalKeys } from '../authorization/requests.js';
import type { ControlContext } from '../context.js';
import { holderOfArn } from '../iam/entities.js';
import { defaultDocument, findPolicy } from '../iam/managed-policies.js';
import type { State } from '../state.js';
import type { SealedSession, SessionPrincipal } from './session-keys.js';

export interface TemporaryCredentials {
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken: string;
  Expiration: Date;
}

export interface RoleSessionRequest {
  roleArn: string;
  sessionName: string;
  durationSeconds?: number;
  /** Who assumes the role: a caller (AssumeRole), or a service principal ('ecs-tasks.amazonaws.com' for task roles, 'ec2.amazonaws.com' for instance profiles) which the trust policy must allow. */
  caller?: Caller;
  servicePrincipal?: string;
  /** The API call that asks (AssumeRole), whose request keys (aws:SourceIp, aws:SecureTransport) the trust policy may test. */
  call?: CallContext;
  policy?: string;
  policyArns?: string[];
  tags?: Record<string, string>;
  /** Keys of `tags` that pass on to the sessions this one assumes in turn. */
  transitiveTagKeys?: string[];
  sourceIdentity?: string;
  externalId?: string;
  taskArn?: string;
  instanceId?: string;
}

export interface RoleSession {
  credentials: TemporaryCredentials;
  assumedRoleArn: string;
  assumedRoleId: string;
  /** The session policies' and tags' share of the packed space, in percent, when there are any (AssumeRole's PackedPolicySize). */
  packedPolicySize?: number;
  sourceIdentity?: string;
}

const HOUR = 3600;
/** GetSessionToken: 12 hours unless asked; an account's root gets at most one. */
const SESSION_TOKEN_DEFAULT_SECONDS = 12 * HOUR;
// The packed (compressed) form of session policies and tags must fit this many bytes (AWS does not
// publish its limit; a plain-text session policy may be 2,048 characters, which packs well within it).
const PACKED_LIMIT_BYTES = 2048;

/** An assumed role's session as STS names it: no path, whatever the role's. */
export const assumedRoleArn = (accountId: string, roleName: string, sessionName: string) =>
  `arn:aws:sts::${accountId}:assumed-role/${roleName}/${sessionName}`;

/** Checks the trust policy (throws AccessDenied with AWS's message), the duration, the role; returns credentials and the assumed-role user. */
export function assumeRole(ctx: ControlContext, request: RoleSessionRequest): RoleSession {
  const { caller, servicePrincipal } = request;
  const { accountId } = ctx.partition;
  if (caller?.type === 'root' || (caller && caller.type === undefined)) throw new AccessDenied('Roles may not be assumed by root accounts.');
  const who = caller?.arn ?? servicePrincipal ?? 'anonymous';
  const denied = () => new AccessDenied(`User: ${who} is not authorized to perform: sts:AssumeRole on resource: ${request.roleArn}`);
  // An unknown role, or one in another account, is refused like a role that does not trust the caller: STS does not say which.
  const role = roleOfArn(ctx, request.roleArn);
  if (!role) throw denied();

  const chained = caller?.type === 'assumed-role';
  const duration = request.durationSeconds ?? HOUR;
  if (chained && duration > HOUR)
    throw new ValidationError('The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
  if (duration > role.MaxSessionDuration) throw new ValidationError('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');

  checkSessionPolicies(ctx, request.policy, request.policyArns);
  const inherited = caller?.session;
  const tags = sessionTags(request, inherited);
  const sourceIdentity = inherited?.sourceIdentity ?? request.sourceIdentity;
  if (inherited?.sourceIdentity !== undefined && request.sourceIdentity !== undefined && request.sourceIdentity !== inherited.sourceIdentity)
    throw new AccessDenied(`User: ${who} is not authorized to set the source identity: it was set to ${inherited.sourceIdentity} for this session`);

  const input = evaluationInput(ctx, role, caller, servicePrincipal);
  const context = trustContext(ctx, request, input.tags, tags.requested);
  const allows = (action: string) => {
    const request = { action, resource: role.Arn, context };
    return trusts(input, request) && evaluate(input, request).decision === 'Allow';
  };
  if (!allows('sts:AssumeRole')) throw denied();
  if (Object.keys(tags.requested).length > 0 && !allows('sts:TagSession'))
    throw new AccessDenied(`User: ${who} is not authorized to perform: sts:TagSession on resource: ${role.Arn}`);
  if (request.sourceIdentity !== undefined && !allows('sts:SetSourceIdentity'))
    throw new AccessDenied(`User: ${who} is not authorized to perform: sts:SetSourceIdentity on resource: ${role.Arn}`);

  const packedPolicySize = packedSize(request, tags.requested);
  const credentials = issue(ctx, duration, {
    principal: { role: { name: role.RoleName, id: role.RoleId, sessionName: request.sessionName } },
    ...(request.policy !== undefined && { policy: request.policy }),
    ...(request.policyArns?.length && { policyArns: request.policyArns }),
    ...(Object.keys(tags.all).length > 0 && { tags: tags.all }),
    ...(tags.transitive.length > 0 && { transitiveTagKeys: tags.transitive }),
    ...(sourceIdentity !== undefined && { sourceIdentity }),
    ...(request.taskArn !== undefined && { taskArn: request.taskArn }),
    ...(request.instanceId !== undefined && { instanceId: request.instanceId }),
  });
  return {
    credentials,
    assumedRoleArn: assumedRoleArn(accountId, role.RoleName, request.sessionName),
    assumedRoleId: `${role.RoleId}:${request.sessionName}`,
    ...(packedPolicySize !== undefined && { packedPolicySize }),
    ...(sourceIdentity !== undefined && { sourceIdentity }),
  };
}

/** GetSessionToken: the caller's own identity (a user, or root), with temporary credentials. */
export function sessionToken(ctx: ControlContext, caller: Caller, durationSeconds?: number): TemporaryCredentials {
  if (caller.session) throw new AccessDenied('Cannot call GetSessionToken with session credentials');
  let principal: SessionPrincipal;
  let duration = durationSeconds ?? SESSION_TOKEN_DEFAULT_SECONDS;
  if (caller.type === 'user') {
    const user = caller.identityArn === undefined ? undefined : holderOfArn(ctx.state, caller.identityArn);
    if (!user || !('UserName' in user)) throw new AccessDenied(`User: ${caller.arn} is not authorized to perform: sts:GetSessionToken`);
    principal = { user: { name: user.UserName, id: user.UserId } };
  } else {
    // "Sessions for AWS account owners are restricted to a maximum of 3,600 seconds": longer asks get one hour.
    principal = { root: true };
    duration = Math.min(duration, HOUR);
  }
  return issue(ctx, duration, { principal });
}

function issue(ctx: ControlContext, durationSeconds: number, session: Omit<SealedSession, 'expiration'>): TemporaryCredentials {
  const keys = ctx.sessionKeys;
  const accessKeyId = keys.accessKeyId(ctx.ids);
  // AWS gives whole seconds.
  const expiration = new Date(Math.floor(ctx.clock.now().getTime() / 1000) * 1000 + durationSeconds * 1000);
  return {
    AccessKeyId: accessKeyId,
    SecretAccessKey: keys.secretAccessKey(accessKeyId),
    SessionToken: keys.seal(accessKeyId, { ...session, expiration: expiration.getTime() }),
    Expiration: expiration,
  };
}

/** `arn:aws:iam::<account>:role/<path><name>`, in this account, as stored: its record, else undefined. */
function roleOfArn(ctx: ControlContext, arn: string): IamRoleRecord | undefined {
  const match = /^arn:aws:iam::(\d{12}):role\/(?:.*\/)?([\w+=,.@-]+)$/.exec(arn);
  if (!match) throw new ValidationError(`${arn} is invalid`);
  if (match[1] !== ctx.partition.accountId) return undefined;
  const role = ctx.state.get('iamRole', match[2]!);
  return role?.Arn === arn ? role : undefined;
}

// A new session's policies are checked when it is asked for (MalformedPolicyDocument); they apply whenever it signs.
function checkSessionPolicies(ctx: ControlContext, policy: string | undefined, policyArns: readonly string[] | undefined): void {
  if (policy !== undefined) compilePolicy(policy, 'session');
  for (const arn of policyArns ?? []) {
    const managed = findPolicy(ctx.state, arn);
    if (!managed) throw new MalformedPolicyDocument(`Policy ${arn} does not exist or is not attachable.`);
    compilePolicy(defaultDocument(managed), 'session');
  }
}

/** The tags the session gets: the caller's transitive ones (role chaining) and the requested ones. */
function sessionTags(request: RoleSessionRequest, inherited: CallerSession | undefined) {
  const requested = request.tags ?? {};
  const lower = new Set<string>();
  for (const key of Object.keys(requested)) {
    if (lower.has(key.toLowerCase())) throw new ValidationError('Duplicate tag keys found. Please note that Tag keys are case insensitive.');
    lower.add(key.toLowerCase());
  }
  const transitive = [...(request.transitiveTagKeys ?? [])];
  for (const key of transitive)
    if (!lower.has(key.toLowerCase())) throw new ValidationError('The specified transitive tag key must be included in the requested tags.');
  const all = { ...requested };
  const requestedKey = new Map(Object.keys(requested).map((k) => [k.toLowerCase(), k]));
  for (const key of inherited?.transitiveTagKeys ?? []) {
    const value = inherited?.tags?.[key];
    if (value === undefined) continue;
    const own = requestedKey.get(key.toLowerCase());
    if (own !== undefined && requested[own] !== value)
      throw new ValidationError(`One of the specified transitive tag keys can't be set because it conflicts with a transitive tag key from the calling session: ${key}`);
    all[key] = value;
    if (!transitive.includes(key)) transitive.push(key);
  }
  return { requested, all, transitive };
}

// The keys a trust policy's conditions read: the global ones of the call (or of the service principal),
// the session's requested tags, and STS's own ("Available keys for AWS STS").
function trustContext(ctx: ControlContext, request: RoleSessionRequest, principalTags: Record<string, string>, requestTags: Record<string, string>): ConditionContext {
  const { caller, servicePrincipal } = request;
  const call = request.call ?? { requestId: '', region: ctx.partition.region, caller: caller ?? serviceCaller(ctx, servicePrincipal) };
  const context: ConditionContext = {
    ...globalKeys(ctx, call, principalTags),
    'sts:RoleSessionName': request.sessionName,
    'sts:ExternalId': request.externalId,
    'sts:SourceIdentity': request.sourceIdentity,
    'sts:TransitiveTagKeys': request.transitiveTagKeys,
  };
  if (!caller) {
    context['aws:PrincipalServiceName'] = servicePrincipal;
    context['aws:PrincipalIsAWSService'] = 'true';
  }
  if (Object.keys(requestTags).length > 0) context['aws:TagKeys'] = Object.keys(requestTags);
  for (const [key, value] of Object.entries(requestTags)) context[`aws:RequestTag/${key}`] = value;
  return context;
}

// A service principal has no IAM identity: only its name, in the role's account.
const serviceCaller = (ctx: ControlContext, service: string | undefined): Caller => ({
  accessKeyId: '',
  accountId: ctx.partition.accountId,
  arn: service ?? '',
});

// The caller's identity policies, boundary and session policies, compiled and kept until IAM changes (one
// set per state, shared by every AssumeRole), with the role's trust policy as the resource policy.
const principalsByState = new WeakMap<State, { principals: Principals; compiler: PolicyCompiler }>();

function evaluationInput(ctx: ControlContext, role: IamRoleRecord, caller: Caller | undefined, servicePrincipal: string | undefined): EvaluationInput & { tags: Record<string, string> } {
  let policies = principalsByState.get(ctx.state);
  if (!policies) {
    const compiler = new PolicyCompiler();
    principalsByState.set(ctx.state, (policies = { principals: new Principals(ctx.state, compiler), compiler }));
  }
  const { principals, compiler } = policies;
  const resourcePolicy = compiler.compile(role.AssumeRolePolicyDocument, 'trust');
  if (!caller) {
    const service = servicePrincipal ?? '';
    return { principal: { arn: service, accountId: ctx.partition.accountId, service }, identityPolicies: [], resourcePolicy, tags: {} };
  }
  return { ...principals.evaluationInput(caller), resourcePolicy };
}

const ALLOW_ALL = compilePolicy(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }), 'identity');

// Unlike other resource policies within an account, a role's trust policy is a gate: it must name the
// caller, its role or its account whatever the caller's own policies say. Evaluated as across accounts,
// with an identity side that allows everything, it allows only if it does so itself.
function trusts(input: EvaluationInput, request: AuthorizationRequest): boolean {
  if (input.principal.service !== undefined) return true;
  const gate = { principal: input.principal, identityPolicies: [ALLOW_ALL], resourcePolicy: input.resourcePolicy, resourceAccountId: '' };
  return evaluate(gate, request).decision === 'Allow';
}

/** The session policies' and tags' share of the packed space, in percent; PackedPolicyTooLarge past it. */
function packedSize(request: RoleSessionRequest, tags: Record<string, string>): number | undefined {
  if (request.policy === undefined && !request.policyArns?.length && Object.keys(tags).length === 0) return undefined;
  const packed = deflateRawSync(JSON.stringify([request.policy ?? '', request.policyArns ?? [], tags])).length;
  const percent = Math.ceil((100 * packed) / PACKED_LIMIT_BYTES);
  if (percent > 100) throw new PackedPolicyTooLarge(`Packed policy consumes ${percent}% of allotted space, please use smaller policy.`);
  return percent;
}
