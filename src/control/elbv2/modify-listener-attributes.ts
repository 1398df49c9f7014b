import type { ModifyListenerAttributesInput, ModifyListenerAttributesOutput } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { ControlContext } from '../context.js';
import { attributeList } from './load-balancers.js';
import { checkListenerAttributes, listenerAttributes } from './listeners.js';
import { resolveListener } from './lookups.js';

/** Changes the named attributes; the answer lists every attribute, as ModifyLoadBalancerAttributes' does. */
export async function modifyListenerAttributes(ctx: ControlContext, input: ModifyListenerAttributesInput): Promise<ModifyListenerAttributesOutput> {
  const updated = await ctx.state.mutate((tx) => {
    const listener = resolveListener(tx, input.ListenerArn!);
    const changes = checkListenerAttributes(listener, input.Attributes ?? []);
    return tx.put('listener', listener.ListenerArn, { ...listener, attributes: { ...listenerAttributes(listener), ...changes } });
  });
  return { Attributes: attributeList(listenerAttributes(updated)) };
}
