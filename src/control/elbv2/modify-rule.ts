import type { ModifyRuleInput, ModifyRuleOutput } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ValidationError } from '../../core/errors.js';
import type { ControlContext } from '../context.js';
import { checkActions, checkConditions } from './actions.js';
import { resolveListener, resolveLoadBalancer, resolveRule } from './lookups.js';
import { defaultRule } from './rules.js';

/** Replaces a rule's conditions and/or actions; the default rule's actions are its listener's default actions. */
export async function modifyRule(ctx: ControlContext, input: ModifyRuleInput): Promise<ModifyRuleOutput> {
  const conditions = input.Conditions ? checkConditions(input.Conditions) : undefined;
  const rule = await ctx.state.mutate((tx) => {
    const found = resolveRule(ctx.state, input.RuleArn!);
    const listener = resolveListener(tx, 'default' in found ? found.default.ListenerArn : found.ListenerArn);
    const lb = resolveLoadBalancer(tx, listener.LoadBalancerArn);
    const actions = input.Actions ? checkActions(ctx.state, lb, listener.Protocol, input.Actions) : undefined;
    if ('default' in found) {
      if (conditions) throw new ValidationError('Conditions cannot be specified for the default rule');
      return defaultRule(tx.put('listener', listener.ListenerArn, { ...listener, DefaultActions: actions ?? listener.DefaultActions }));
    }
    return tx.put('rule', found.RuleArn, { ...found, Conditions: conditions ?? found.Conditions, Actions: actions ?? found.Actions });
  });
  return { Rules: [rule] };
}
