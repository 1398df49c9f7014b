// A policy document parsed, validated as IAM validates it for its kind of policy, and compiled once into
// matchers, with its statements indexed by the service prefix of the actions they can match, so that an
// authorisation looks at a handful of statements and re-parses nothing.

import { MalformedPolicyDocument } from '../iam-errors.js';
import { compileCondition, ConditionSyntaxError, isObject, VENDOR_MESSAGE, type ConditionTest } from './conditions.js';
import { actionMatcher, anyOf, globMatcher, not, type ValueMatcher } from './matchers.js';
import { compileNotPrincipal, compilePrincipal, PrincipalSyntaxError, type PrincipalTest } from './principal.js';
import type { PolicyDocument } from './types.js';

/** identity: attached to users, groups, roles; resource: on a resource; trust: a role's AssumeRolePolicyDocument. */
export type PolicyKind = 'identity' | 'resource' | 'trust' | 'session' | 'boundary';

export interface CompiledStatement {
  readonly effect: 'Allow' | 'Deny';
  readonly sid: string | undefined;
  /** The lower-cased action is covered (Action), or not excluded (NotAction). */
  readonly action: (lowerAction: string) => boolean;
  /** The resource is covered (Resource) or not excluded (NotResource); absent in trust policies. */
  readonly resource: ValueMatcher | undefined;
  /** Resource and trust policies: how the caller matches Principal / NotPrincipal. */
  readonly principal: PrincipalTest | undefined;
  readonly condition: ConditionTest | undefined;
}

export interface CompiledPolicy {
  readonly kind: PolicyKind;
  readonly document: PolicyDocument;
  /** Statements that can match an action of the lower-cased service prefix. */
  readonly byService: ReadonlyMap<string, readonly CompiledStatement[]>;
  /** Statements for any other service (wildcard service prefixes, NotAction). */
  readonly anyService: readonly CompiledStatement[];
}

const SYNTAX = 'Syntax errors in policy.';
const TOP_LEVEL = new Set(['Version', 'Id', 'Statement']);
const STATEMENT = new Set(['Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition']);
const NO_PRINCIPAL: ReadonlySet<PolicyKind> = new Set(['identity', 'session', 'boundary']);

const fail = (message: string): never => {
  throw new MalformedPolicyDocument(message);
};

/** A string or a non-empty list of strings, as Action/Resource take; undefined if absent. */
function stringList(value: unknown, emptyMessage: string): string[] | undefined {
  if (value === undefined) return undefined;
  const list = Array.isArray(value) ? value : [value];
  if (!list.every((v) => typeof v === 'string')) fail(SYNTAX);
  if (list.length === 0) fail(emptyMessage);
  return list as string[];
}

function checkAction(action: string, kind: PolicyKind): void {
  if (action === '*') return;
  const colons = action.split(':').length - 1;
  if (colons === 0) fail(VENDOR_MESSAGE);
  if (colons > 1) fail('Actions/Condition can contain only one colon.');
  if (kind === 'trust' && !action.toLowerCase().startsWith('sts:')) fail('AssumeRole policy may only specify STS AssumeRole actions.');
}

/** A statement, and the service prefixes of the actions it can match (for the policy's index). */
interface Indexed {
  statement: CompiledStatement;
  services: ReadonlySet<string> | 'any';
}

function compileStatement(raw: unknown, kind: PolicyKind, variables: boolean, legacy: boolean): Indexed {
  const structural = legacy ? 'The policy failed legacy parsing' : SYNTAX;
  if (!isObject(raw)) return fail(structural);
  for (const key of Object.keys(raw)) if (!STATEMENT.has(key)) fail(SYNTAX);
  const { Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource, NotResource, Condition } = raw;
  if (Sid !== undefined && typeof Sid !== 'string') fail(SYNTAX);
  // IAM's own documents take alphanumeric Sids; resource policies (S3, SQS...) are freer.
  if (typeof Sid === 'string' && kind !== 'resource' && !/^[0-9A-Za-z]*$/.test(Sid)) {
    fail('Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*');
  }
  if (Effect !== 'Allow' && Effect !== 'Deny') return fail(structural);

  const principalGiven = Principal !== undefined || NotPrincipal !== undefined;
  if (NO_PRINCIPAL.has(kind) && principalGiven) fail('Policy document should not specify a principal.');
  if (!NO_PRINCIPAL.has(kind) && !principalGiven) fail('Missing required field Principal');
  if (Principal !== undefined && NotPrincipal !== undefined) fail(SYNTAX);

  if (Action !== undefined && NotAction !== undefined) fail(SYNTAX);
  const actions = stringList(Action ?? NotAction, 'Policy statement must contain actions.');
  if (!actions) return fail('Policy statement must contain actions.');
  for (const a of actions) checkAction(a, kind);

  if (Resource !== undefined && NotResource !== undefined) fail(SYNTAX);
  if (kind === 'trust' && Resource !== undefined) fail('Has prohibited field Resource');
  if (kind === 'trust' && NotResource !== undefined) fail('Has prohibited field NotResource');
  const resources = stringList(Resource ?? NotResource, 'Policy statement must contain resources.');
  if (!resources && kind !== 'trust') fail('Policy statement must contain resources.');
  for (const r of resources ?? []) if (r !== '*' && !r.startsWith('arn:')) fail(`Resource ${r} must be in ARN format or "*".`);

  const matchesAction = actionMatcher(actions);
  const action = NotAction !== undefined ? (a: string) => !matchesAction.matches(a) : matchesAction.matches;
  let resource: ValueMatcher | undefined;
  if (resources) {
    const covered = anyOf(resources.map((r) => globMatcher(r, variables, { arnSegments: true })));
    resource = NotResource !== undefined ? not(covered) : covered;
  }
  let principal: PrincipalTest | undefined;
  let condition: ConditionTest | undefined;
  try {
    if (Principal !== undefined) principal = compilePrincipal(Principal);
    if (NotPrincipal !== undefined) principal = compileNotPrincipal(NotPrincipal);
    condition = compileCondition(Condition, variables);
  } catch (e) {
    if (e instanceof ConditionSyntaxError || e instanceof PrincipalSyntaxError) fail(e.message);
    throw e;
  }
  return {
    statement: { effect: Effect, sid: Sid as string | undefined, action, resource, principal, condition },
    services: NotAction !== undefined ? 'any' : matchesAction.services,
  };
}

/** Parses and validates `text` as IAM does for that kind of policy; throws MalformedPolicyDocument with IAM's own messages. */
export function compilePolicy(text: string, kind: PolicyKind): CompiledPolicy {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return fail(SYNTAX);
  }
  if (!isObject(parsed)) return fail(SYNTAX);
  for (const key of Object.keys(parsed)) if (!TOP_LEVEL.has(key)) fail(SYNTAX);
  const { Version, Id, Statement } = parsed;
  if (Version !== undefined && Version !== '2012-10-17' && Version !== '2008-10-17') fail(SYNTAX);
  if (Id !== undefined && typeof Id !== 'string') fail(SYNTAX);
  if (Statement === undefined) fail(SYNTAX);
  const raw = Array.isArray(Statement) ? Statement : [Statement];
  // Policy variables exist from version 2012-10-17 on; before it `${...}` is literal text.
  const variables = Version === '2012-10-17';
  const statements = raw.map((s) => compileStatement(s, kind, variables, Version === undefined));
  const sids = statements.map((s) => s.statement.sid).filter((s) => s !== undefined && s !== '');
  if (new Set(sids).size !== sids.length) fail('Statement IDs (SID) in a single policy must be unique.');

  const anyService = statements.filter((s) => s.services === 'any').map((s) => s.statement);
  const byService = new Map<string, CompiledStatement[]>();
  for (const { statement, services } of statements) {
    if (services === 'any') continue;
    for (const prefix of services) {
      let list = byService.get(prefix);
      if (!list) byService.set(prefix, (list = []));
      list.push(statement);
    }
  }
  for (const list of byService.values()) list.push(...anyService);
  return { kind, document: parsed as unknown as PolicyDocument, byService, anyService };
}

/** The statements of `policy` that can match an action of `service` (lower-cased). */
export function candidates(policy: CompiledPolicy, service: string): readonly CompiledStatement[] {
  return policy.byService.get(service) ?? policy.anyService;
}

/** IAM's size measure for quotas: characters excluding whitespace. */
export function policySize(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) n++;
  }
  return n;
}
