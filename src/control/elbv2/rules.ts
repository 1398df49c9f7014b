// What the rule operations share: priorities, and rules as DescribeRules shows them (with each listener's
// default rule, priority 'default', last).
import type { Rule } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { ListenerRecord, RuleRecord } from '../../core/elbv2.js';
import { PriorityInUse, TooManyRules } from '../../core/elbv2-errors.js';
import { ValidationError } from '../../core/errors.js';
import type { State } from '../state.js';
import { listenersByLoadBalancer, rulesByListener } from './indexes.js';

export function checkPriority(priority: number | undefined): number {
  if (priority === undefined) throw new ValidationError('A rule priority must be specified');
  if (!Number.isInteger(priority) || priority < 1 || priority > 50000) throw new ValidationError(`Priority '${priority}' must be between 1 and 50000`);
  return priority;
}

/** Refuses a priority another rule of the listener has. */
export function checkPriorityFree(state: Pick<State, 'where'>, listenerArn: string, priority: number, except?: ReadonlySet<string>): void {
  const taken = state.where(rulesByListener, listenerArn).some((r) => r.Priority === String(priority) && !except?.has(r.RuleArn));
  if (taken) throw new PriorityInUse(`Priority '${priority}' is currently in use`);
}

// AWS's quota: 100 rules per Application Load Balancer, its listeners' default rules not counted.
const MAX_RULES_PER_LOAD_BALANCER = 100;

/** Refuses one more rule on a load balancer that has its quota of them. */
export function checkRuleQuota(state: Pick<State, 'where'>, loadBalancerArn: string): void {
  let rules = 0;
  for (const listener of state.where(listenersByLoadBalancer, loadBalancerArn)) rules += state.where(rulesByListener, listener.ListenerArn).length;
  if (rules >= MAX_RULES_PER_LOAD_BALANCER)
    throw new TooManyRules(`You've reached the limit on the number of rules per load balancer (${MAX_RULES_PER_LOAD_BALANCER})`);
}

export const defaultRule = (listener: ListenerRecord): Rule => ({
  RuleArn: listener.defaultRuleArn,
  Priority: 'default',
  Conditions: [],
  Actions: listener.DefaultActions,
  IsDefault: true,
});

/** A listener's rules in evaluation order, its default rule last. */
export function listenerRules(state: Pick<State, 'where'>, listener: ListenerRecord): (RuleRecord | Rule)[] {
  const rules = state.where(rulesByListener, listener.ListenerArn).sort((a, b) => Number(a.Priority) - Number(b.Priority));
  return [...rules, defaultRule(listener)];
}
