// The authorisation step of every call (the gateway's `authorize` hook): root is allowed everything
// without evaluation, as in AWS; any other caller's requests are evaluated against its policies, and the
// first that is not allowed refuses the call with its protocol's denial and AWS's message.
import type { AuthorizationCall } from '../../core/authorization.js';
import type { Caller } from '../../core/caller.js';
import { AccessDeniedException, type AwsError } from '../../core/errors.js';
import { AccessDenied, UnauthorizedOperation } from '../../core/iam-errors.js';
import { denialMessage, evaluate } from '../../core/policy/evaluate.js';
import type { ControlContext } from '../context.js';
import { loadServiceCatalogue, iamPrefixOf, type ServiceCatalogue } from './catalogue.js';
import { Principals } from './principals.js';
import { requestsFor } from './requests.js';
import type { ServiceRules } from './rules.js';
import { SERVICE_RULES } from './services.js';

const NO_RULES: ServiceRules = {};

/** The gateway's `authorize` hook. Synchronous: every decision reads memory only. */
export function authorizer(ctx: ControlContext): (request: AuthorizationCall) => void {
  const catalogues = new Map<string, ServiceCatalogue>();
  const principals = new Principals(ctx.state);
  return ({ service, protocol, operation, input, call }) => {
    const { caller } = call;
    if (isRoot(caller)) return;
    const prefix = iamPrefixOf(service);
    const rules = SERVICE_RULES[prefix] ?? NO_RULES;
    if (rules.unauthorized?.includes(operation)) return;
    let catalogue = catalogues.get(service);
    if (!catalogue) catalogues.set(service, (catalogue = loadServiceCatalogue(service)));
    const evaluation = principals.evaluationInput(caller);
    for (const request of requestsFor(ctx, catalogue, rules, operation, input, call, evaluation.tags)) {
      const result = evaluate(evaluation, request);
      if (result.decision !== 'Allow') throw denial(protocol, denialMessage(caller.arn, request, result));
    }
  };
}

/** Root (and Wharf's own calls, which carry no principal type) is never refused by policy. */
const isRoot = (caller: Caller) => caller.type === undefined || caller.type === 'root';

/** The denial in the form of the service's protocol: JSON services answer 400, query services 403, EC2 its own code. */
function denial(protocol: string, message: string): AwsError {
  switch (protocol) {
    case 'query':
      return new AccessDenied(message);
    case 'ec2':
      return new UnauthorizedOperation(`You are not authorized to perform this operation. ${message}`);
    default:
      return new AccessDeniedException(message);
  }
}
