// IAM's policy simulator (SimulatePrincipalPolicy, SimulateCustomPolicy): each action on each resource
// evaluated by the same engine that authorises Wharf's calls, answered as EvaluationResults with the
// policies whose statements decided it (MatchedStatements, without positions).
import type { EvaluationResult, SimulatePolicyResponse, SimulatePrincipalPolicyRequest, Statement } from '@aws-sdk/client-iam';
import { compilePolicy, type CompiledPolicy } from '../../core/policy/compile.js';
import { evaluate, type EvaluationInput } from '../../core/policy/evaluate.js';
import type { AuthorizationRequest, ConditionContext } from '../../core/policy/types.js';
import type { ControlContext } from '../context.js';
import { listed, page } from './pages.js';
import type { PolicySource } from './principal-policies.js';

/** Who is simulated, with the policies in force for them. */
export interface Simulated {
  /** The principal's ARN (or the caller's, CallerArn). */
  callerArn: string;
  identity: PolicySource[];
  boundaries: PolicySource[];
}

/** What both simulate calls take besides the principal. */
export type SimulationRequest = Omit<SimulatePrincipalPolicyRequest, 'PolicySourceArn' | 'CallerArn' | 'ResourceHandlingOption'>;

/** Policies given in the request (PolicyInputList.1, ...). */
export const givenPolicies = (texts: string[] | undefined, label: string): PolicySource[] =>
  (texts ?? []).map((document, i) => ({ id: `${label}.${i + 1}`, type: 'none', document }));

interface Compiled {
  source: PolicySource;
  policy: CompiledPolicy;
}

const DECISIONS = { Allow: 'allowed', ExplicitDeny: 'explicitDeny', ImplicitDeny: 'implicitDeny' } as const;

/** The simulator's inputs become the engine's; a malformed policy fails the call (MalformedPolicyDocument). */
export function simulate(ctx: ControlContext, sim: Simulated, input: SimulationRequest): SimulatePolicyResponse {
  const identity: Compiled[] = sim.identity.map((source) => ({ source, policy: compilePolicy(source.document, 'identity') }));
  const boundaries: Compiled[] = sim.boundaries.map((source) => ({ source, policy: compilePolicy(source.document, 'boundary') }));
  const resourcePolicy = input.ResourcePolicy === undefined ? undefined : compilePolicy(input.ResourcePolicy, 'resource');
  const context = conditionContext(input.ContextEntries ?? []);
  const principal = { arn: sim.callerArn, accountId: ctx.partition.accountId };
  const base: EvaluationInput = {
    principal,
    identityPolicies: identity.map((c) => c.policy),
    ...(resourcePolicy ? { resourcePolicy } : {}),
    // ResourceOwner is an account's ARN (arn:aws:iam::<account>:root) or its id.
    ...(input.ResourceOwner ? { resourceAccountId: input.ResourceOwner.split(':')[4] ?? input.ResourceOwner } : {}),
  };
  const resources = input.ResourceArns?.length ? input.ResourceArns : ['*'];
  const pairs = input.ActionNames!.flatMap((action, a) => resources.map((resource, r) => ({ action, resource, key: `${String(a).padStart(4, '0')}${String(r).padStart(4, '0')}` })));
  const { items, ...rest } = page(pairs, (p) => p.key, input);
  const results = items.map(({ action, resource }): EvaluationResult => {
    const request: AuthorizationRequest = { action, resource, context };
    // Several boundaries (SimulateCustomPolicy's list) must each allow.
    const outcomes = (boundaries.length ? boundaries : [undefined]).map((b) => evaluate({ ...base, ...(b ? { permissionsBoundary: b.policy } : {}) }, request));
    const result = outcomes.find((o) => o.decision === 'ExplicitDeny') ?? outcomes.find((o) => o.decision === 'ImplicitDeny') ?? outcomes[0]!;
    const decision = DECISIONS[result.decision];
    const byBoundary = result.reason === 'no-boundary-allow' || result.reason === 'explicit-deny-boundary';
    return {
      EvalActionName: action,
      EvalResourceName: resource,
      EvalDecision: decision,
      MatchedStatements: decision === 'implicitDeny' ? [] : matched(identity, base, request, result.decision),
      MissingContextValues: [],
      ...(boundaries.length ? { PermissionsBoundaryDecisionDetail: { AllowedByPermissionsBoundary: !byBoundary } } : {}),
    };
  });
  return listed('EvaluationResults', { items: results, ...rest });
}

/** The identity policies that alone reach the same decision: those whose statements decided it. */
function matched(identity: Compiled[], base: EvaluationInput, request: AuthorizationRequest, decision: string): Statement[] {
  return identity
    .filter((c) => evaluate({ ...base, identityPolicies: [c.policy] }, request).decision === decision)
    .map((c) => ({ SourcePolicyId: c.source.id, SourcePolicyType: c.source.type }));
}

/** ContextEntries as condition keys: list types are multivalued keys. */
function conditionContext(entries: NonNullable<SimulationRequest['ContextEntries']>): ConditionContext {
  const context: ConditionContext = {};
  for (const entry of entries) {
    const values = entry.ContextKeyValues ?? [];
    context[entry.ContextKeyName!] = entry.ContextKeyType?.endsWith('List') ? values : values[0];
  }
  return context;
}
