// Policy evaluation as "Policy evaluation logic" (IAM User Guide, reference_policies_evaluation-logic)
// lays it out: an explicit deny in any policy wins; within one account an allow in the identity policies
// or in the resource policy suffices, across accounts both are needed; a permissions boundary and session
// policies must also allow what identity policies grant. A resource policy that names the caller's own
// user or session ARN is not limited by the boundary or session policies; one that names the session's
// role is (reference_policies_evaluation-logic "resource-based policies" and access_policies "session policies").

import { candidates, type CompiledPolicy, type CompiledStatement } from './compile.js';
import { RequestContext } from './context.js';
import type { PrincipalMatch } from './principal.js';
import type { AuthorizationRequest, Decision } from './types.js';

export interface PrincipalFacts {
  /** The caller's ARN: a user, a role session (`arn:aws:sts::…:assumed-role/r/s`), the root. */
  arn: string;
  /** For a role session, the role's ARN (what aws:PrincipalArn holds). */
  identityArn?: string;
  accountId: string;
  /** a service principal, e.g. 'ecs-tasks.amazonaws.com' */
  service?: string;
}

export interface EvaluationInput {
  principal: PrincipalFacts;
  identityPolicies: CompiledPolicy[];
  /** incl. a role's trust policy when evaluating sts:AssumeRole */
  resourcePolicy?: CompiledPolicy;
  permissionsBoundary?: CompiledPolicy;
  /** undefined (or empty) = not a session with session policies */
  sessionPolicies?: CompiledPolicy[];
  /** same-account vs cross-account rules; undefined = the principal's own account */
  resourceAccountId?: string;
}

export type DenialReason =
  | 'explicit-deny-identity'
  | 'explicit-deny-resource'
  | 'explicit-deny-boundary'
  | 'explicit-deny-session'
  | 'no-identity-allow'
  | 'no-boundary-allow'
  | 'no-session-allow'
  | 'no-resource-allow';

export interface EvaluationResult {
  decision: Decision;
  reason?: DenialReason;
}

/** What a set of policies says about one request: a deny, an allow, or nothing. */
type Verdict = 'deny' | 'allow' | 'none';

interface Request {
  action: string;
  service: string;
  resource: string;
  context: RequestContext;
}

function applies(s: CompiledStatement, r: Request): boolean {
  return s.action(r.action) && (s.resource === undefined || s.resource(r.resource, r.context) === true) && (s.condition === undefined || s.condition(r.context));
}

/** Identity policies, a boundary, session policies: no principal to match. */
function scan(policies: readonly CompiledPolicy[], r: Request): Verdict {
  let allowed = false;
  for (const p of policies) {
    for (const s of candidates(p, r.service)) {
      // Once allowed, only a deny can change the answer.
      if (allowed && s.effect === 'Allow') continue;
      if (!applies(s, r)) continue;
      if (s.effect === 'Deny') return 'deny';
      allowed = true;
    }
  }
  return allowed ? 'allow' : 'none';
}

const RANK: Record<PrincipalMatch, number> = { none: 0, account: 1, role: 2, direct: 3 };

/** A resource or trust policy: a deny, or the strongest way an allow names the caller. */
function scanResource(policy: CompiledPolicy, principal: PrincipalFacts, r: Request): 'deny' | PrincipalMatch {
  let best: PrincipalMatch = 'none';
  for (const s of candidates(policy, r.service)) {
    if (s.effect === 'Allow' && best === 'direct') continue;
    const named = s.principal ? s.principal(principal) : 'direct';
    if (named === 'none' || !applies(s, r)) continue;
    if (s.effect === 'Deny') return 'deny';
    if (RANK[named] > RANK[best]) best = named;
  }
  return best;
}

const NONE: readonly CompiledPolicy[] = [];

export function evaluate(input: EvaluationInput, request: AuthorizationRequest): EvaluationResult {
  const action = request.action.toLowerCase();
  const colon = action.indexOf(':');
  const r: Request = { action, service: colon < 0 ? action : action.slice(0, colon), resource: request.resource, context: new RequestContext(request.context) };

  const identity = scan(input.identityPolicies, r);
  if (identity === 'deny') return { decision: 'ExplicitDeny', reason: 'explicit-deny-identity' };
  const resource = input.resourcePolicy ? scanResource(input.resourcePolicy, input.principal, r) : 'none';
  if (resource === 'deny') return { decision: 'ExplicitDeny', reason: 'explicit-deny-resource' };
  const boundary = input.permissionsBoundary ? scan([input.permissionsBoundary], r) : undefined;
  if (boundary === 'deny') return { decision: 'ExplicitDeny', reason: 'explicit-deny-boundary' };
  const sessionPolicies = input.sessionPolicies ?? NONE;
  const session = sessionPolicies.length > 0 ? scan(sessionPolicies, r) : undefined;
  if (session === 'deny') return { decision: 'ExplicitDeny', reason: 'explicit-deny-session' };

  const { principal } = input;
  // A service principal acts for the resource's owner: only the resource (trust) policy speaks for it.
  const sameAccount = principal.service !== undefined || input.resourceAccountId === undefined || input.resourceAccountId === principal.accountId;
  if (sameAccount && resource === 'direct') return { decision: 'Allow' };
  // Within the account, naming the session's role grants like an identity policy; naming the account
  // delegates to identity policies. Across accounts the identity side must allow in any case.
  const identitySide = identity === 'allow' || (sameAccount && resource === 'role');
  if (!identitySide) return { decision: 'ImplicitDeny', reason: 'no-identity-allow' };
  if (boundary === 'none') return { decision: 'ImplicitDeny', reason: 'no-boundary-allow' };
  if (session === 'none') return { decision: 'ImplicitDeny', reason: 'no-session-allow' };
  if (!sameAccount && resource === 'none') return { decision: 'ImplicitDeny', reason: 'no-resource-allow' };
  return { decision: 'Allow' };
}

const EXPLICIT: Partial<Record<DenialReason, string>> = {
  'explicit-deny-identity': 'an identity-based policy',
  'explicit-deny-resource': 'a resource-based policy',
  'explicit-deny-boundary': 'a permissions boundary',
  'explicit-deny-session': 'a session policy',
};
const IMPLICIT: Partial<Record<DenialReason, string>> = {
  'no-identity-allow': 'identity-based policy',
  'no-boundary-allow': 'permissions boundary',
  'no-session-allow': 'session policy',
  'no-resource-allow': 'resource-based policy',
};

/** AWS's denial text: "User: … is not authorized to perform: … on resource: … because no … allows the … action". */
export function denialMessage(callerArn: string, request: AuthorizationRequest, result: EvaluationResult): string {
  const base = `User: ${callerArn} is not authorized to perform: ${request.action} on resource: ${request.resource}`;
  const explicit = result.reason && EXPLICIT[result.reason];
  if (explicit) return `${base} with an explicit deny in ${explicit}`;
  const implicit = result.reason && IMPLICIT[result.reason];
  if (implicit) return `${base} because no ${implicit} allows the ${request.action} action`;
  return base;
}
