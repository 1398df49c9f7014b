import type { CreateRuleInput, CreateRuleOutput } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ruleArn, type RuleRecord } from '../../core/elbv2.js';
import type { ControlContext } from '../context.js';
import { checkActions, checkConditions, checkRulesAllowed } from './actions.js';
import { elbId, resolveListener, resolveLoadBalancer } from './lookups.js';
import { checkPriority, checkPriorityFree, checkRuleQuota } from './rules.js';
import { validateTags } from './tags.js';

export async function createRule(ctx: ControlContext, input: CreateRuleInput): Promise<CreateRuleOutput> {
  const priority = checkPriority(input.Priority);
  const conditions = checkConditions(input.Conditions ?? []);
  const tags = input.Tags ?? [];
  validateTags(tags);
  const rule = await ctx.state.mutate((tx) => {
    const listener = resolveListener(tx, input.ListenerArn!);
    const lb = resolveLoadBalancer(tx, listener.LoadBalancerArn);
    checkRulesAllowed(lb, listener);
    checkPriorityFree(ctx.state, listener.ListenerArn, priority);
    checkRuleQuota(ctx.state, lb.LoadBalancerArn);
    const arn = ruleArn(listener.ListenerArn, elbId(ctx.ids));
    const fresh: RuleRecord = {
      RuleArn: arn,
      ListenerArn: listener.ListenerArn,
      Priority: String(priority),
      Conditions: conditions,
      Actions: checkActions(ctx.state, lb, listener.Protocol, input.Actions ?? []),
      IsDefault: false,
      tags,
    };
    return tx.put('rule', arn, fresh);
  });
  ctx.log.info('rule created', { ruleArn: rule.RuleArn, priority });
  return { Rules: [rule] };
}
