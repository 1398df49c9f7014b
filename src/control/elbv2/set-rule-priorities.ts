import type { SetRulePrioritiesInput, SetRulePrioritiesOutput } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { RuleRecord } from '../../core/elbv2.js';
import { OperationNotPermitted, PriorityInUse } from '../../core/elbv2-errors.js';
import type { ControlContext } from '../context.js';
import { resolveRule } from './lookups.js';
import { checkPriority, checkPriorityFree } from './rules.js';

/** Sets the priorities of several rules at once: they are checked against each other and the rules not moved. */
export async function setRulePriorities(ctx: ControlContext, input: SetRulePrioritiesInput): Promise<SetRulePrioritiesOutput> {
  const rules = await ctx.state.mutate((tx) => {
    const moves = (input.RulePriorities ?? []).map(({ RuleArn, Priority }) => {
      const found = resolveRule(ctx.state, RuleArn!);
      if ('default' in found) throw new OperationNotPermitted(`The priority of default rule '${RuleArn}' cannot be changed`);
      return { rule: found, priority: checkPriority(Priority) };
    });
    const moved = new Set(moves.map((m) => m.rule.RuleArn));
    const claimed = new Set<string>();
    return moves.map(({ rule, priority }): RuleRecord => {
      const slot = `${rule.ListenerArn} ${priority}`;
      if (claimed.has(slot)) throw new PriorityInUse(`Priority '${priority}' is currently in use`);
      claimed.add(slot);
      checkPriorityFree(ctx.state, rule.ListenerArn, priority, moved);
      return tx.put('rule', rule.RuleArn, { ...rule, Priority: String(priority) });
    });
  });
  return { Rules: rules };
}
