import type { DeleteListenerInput, DeleteListenerOutput } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { ControlContext } from '../context.js';
import { resolveListener } from './lookups.js';
import { rulesByListener } from './indexes.js';

/** Deletes a listener and its rules. */
export async function deleteListener(ctx: ControlContext, input: DeleteListenerInput): Promise<DeleteListenerOutput> {
  await ctx.state.mutate((tx) => {
    const listener = resolveListener(tx, input.ListenerArn!);
    for (const rule of ctx.state.where(rulesByListener, listener.ListenerArn)) tx.delete('rule', rule.RuleArn);
    tx.delete('listener', listener.ListenerArn);
  });
  return {};
}
