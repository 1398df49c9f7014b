import type { DeleteRuleInput, DeleteRuleOutput } from '@aws-sdk/client-elastic-load-balancing-v2';
import { OperationNotPermitted } from '../../core/elbv2-errors.js';
import type { ControlContext } from '../context.js';
import { resolveRule } from './lookups.js';

export async function deleteRule(ctx: ControlContext, input: DeleteRuleInput): Promise<DeleteRuleOutput> {
  await ctx.state.mutate((tx) => {
    const found = resolveRule(ctx.state, input.RuleArn!);
    if ('default' in found) throw new OperationNotPermitted(`Default rule '${input.RuleArn}' cannot be deleted`);
    tx.delete('rule', found.RuleArn);
  });
  return {};
}
