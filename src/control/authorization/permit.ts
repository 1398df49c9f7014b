// One permission asked outside an API operation: an action on a resource, for a caller, with the service's
// own condition keys beside the global ones. The agent channel asks ecs:Poll for each connection (and again
// when IAM changes); the join step asks what launching an instance with a profile needs. Root is allowed
// everything, as the authorizer allows it.
import type { CallContext } from '../../core/caller.js';
import { AccessDeniedException } from '../../core/errors.js';
import { denialMessage, evaluate } from '../../core/policy/evaluate.js';
import type { ConditionContext } from '../../core/policy/types.js';
import type { ControlContext } from '../context.js';
import { Principals } from './principals.js';
import { globalKeys } from './requests.js';

/** Returns when policy lets `call` perform `action` on `resource`; throws AccessDeniedException with AWS's message when not. */
export type Permit = (call: CallContext, action: string, resource: string, keys?: ConditionContext) => void;

export function permitter(ctx: ControlContext): Permit {
  const principals = new Principals(ctx.state);
  return (call, action, resource, keys = {}) => {
    const { caller } = call;
    if (caller.type === undefined || caller.type === 'root') return;
    const input = principals.evaluationInput(caller);
    const request = { action, resource, context: { ...globalKeys(ctx, call, input.tags), ...keys } };
    const result = evaluate(input, request);
    if (result.decision !== 'Allow') throw new AccessDeniedException(denialMessage(caller.arn, request, result));
  };
}
