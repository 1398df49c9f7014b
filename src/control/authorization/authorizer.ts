// The authorisation step of every call (the gateway's `authorize` hook), and the same decision for
// permissions asked outside API operations (`permit`: the agent channel's ecs:Poll, the join step's): root
// is allowed everything without evaluation, as in AWS; any other caller's requests are evaluated against its
// policies, and the first that is not allowed refuses the call with its protocol's denial and AWS's message.
import type { AuthorizationCall } from '../../core/authorization.js';
import type { CallContext, Caller } from '../../core/caller.js';
import { AccessDeniedException, type AwsError } from '../../core/errors.js';
import { AccessDenied, UnauthorizedOperation } from '../../core/iam-errors.js';
import { denialMessage, evaluate } from '../../core/policy/evaluate.js';
import type { AuthorizationRequest, ConditionContext } from '../../core/policy/types.js';
import type { ControlContext } from '../context.js';
import { inRegion } from '../regions.js';
import { loadServiceCatalogue, iamPrefixOf, type ServiceCatalogue } from './catalogue.js';
import { PolicyCompiler, Principals } from './principals.js';
import { globalKeys, requestsOf, scopeOf } from './requests.js';
import { CallShapes } from './shapes.js';
import type { ServiceRules } from './rules.js';

const NO_RULES: ServiceRules = {};

/** Returns when policy lets `call` perform `action` on `resource`; throws AccessDeniedException with AWS's message when not. */
export type Permit = (call: CallContext, action: string, resource: string, keys?: ConditionContext) => void;

export interface Authorization {
  /** The gateway's `authorize` hook. Synchronous: every decision reads memory only. */
  authorize(request: AuthorizationCall): void;
  permit: Permit;
}

/** Each served service's additions to the generic rule, by its signing name (from the service modules). */
export type RulesBySigningName = Readonly<Record<string, ServiceRules>>;

export function authorization(ctx: ControlContext, rules: RulesBySigningName): Authorization {
  const catalogues = new Map<string, ServiceCatalogue>();
  const principals = new Principals(ctx.state);
  const shapes = new CallShapes();
  const compiler = new PolicyCompiler();
  return {
    authorize: ({ service, protocol, operation, input, call }) => {
      const { caller } = call;
      if (isRoot(caller)) return;
      const serviceRules = rules[service] ?? NO_RULES;
      if (serviceRules.unauthorized?.includes(operation)) return;
      let catalogue = catalogues.get(service);
      if (!catalogue) catalogues.set(service, (catalogue = loadServiceCatalogue(service)));
      const evaluation = principals.evaluationInput(caller);
      // Names resolve to the resources of the call's region.
      const regional = inRegion(ctx, call.region);
      const shape = shapes.of(regional, catalogue, serviceRules, operation, input, scopeOf(call));
      for (const request of requestsOf(shape, regional, call, evaluation.tags)) {
        const policy = serviceRules.resourcePolicy?.(regional, request.resource);
        const result = policy ? evaluate({ ...evaluation, resourcePolicy: compiler.compile(policy, 'resource') }, request) : decide(evaluation, request);
        if (result.decision !== 'Allow') throw denial(protocol, denialMessage(caller.arn, request, result));
      }
    },
    permit: (call, action, resource, keys = {}) => {
      const { caller } = call;
      if (isRoot(caller)) return;
      const evaluation = principals.evaluationInput(caller);
      const request = { action, resource, context: { ...globalKeys(ctx, call, evaluation.tags), ...keys } };
      const result = decide(evaluation, request);
      if (result.decision !== 'Allow') throw new AccessDeniedException(denialMessage(caller.arn, request, result));
    },
  };
}

/** The identity's kept decision when there is one to keep (no session policies), else a fresh evaluation. */
const decide = (evaluation: ReturnType<Principals['evaluationInput']>, request: AuthorizationRequest) =>
  evaluation.decisions ? evaluation.decisions.decide(evaluation, request) : evaluate(evaluation, request);

/** Root (and Wharf's own calls, which carry no principal type) is never refused by policy. */
const isRoot = (caller: Caller) => caller.type === undefined || caller.type === 'root';

/** The denial in the form of the service's protocol: JSON services answer 400, query services and S3 403, EC2 its own code. */
function denial(protocol: string, message: string): AwsError {
  switch (protocol) {
    case 'query':
    case 'rest-xml':
      return new AccessDenied(message);
    case 'ec2':
      return new UnauthorizedOperation(`You are not authorized to perform this operation. ${message}`);
    default:
      return new AccessDeniedException(message);
  }
}
