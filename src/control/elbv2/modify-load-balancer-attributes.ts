import type { ModifyLoadBalancerAttributesInput, ModifyLoadBalancerAttributesOutput } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { ControlContext } from '../context.js';
import { attributeList, checkAttributes, LOAD_BALANCER_RANGES } from './load-balancers.js';
import { resolveLoadBalancer } from './lookups.js';

/** Changes the named attributes; the answer lists every attribute, as ELBv2's does. */
export async function modifyLoadBalancerAttributes(ctx: ControlContext, input: ModifyLoadBalancerAttributesInput): Promise<ModifyLoadBalancerAttributesOutput> {
  const updated = await ctx.state.mutate((tx) => {
    const lb = resolveLoadBalancer(tx, input.LoadBalancerArn!);
    const changes = checkAttributes(lb.attributes, input.Attributes ?? [], 'Load balancer', LOAD_BALANCER_RANGES);
    return tx.put('loadBalancer', lb.LoadBalancerArn, { ...lb, attributes: { ...lb.attributes, ...changes } });
  });
  return { Attributes: attributeList(updated.attributes) };
}
