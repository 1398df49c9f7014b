import type { DeleteLoadBalancerInput, DeleteLoadBalancerOutput } from '@aws-sdk/client-elastic-load-balancing-v2';
import { OperationNotPermitted } from '../../core/elbv2-errors.js';
import type { ControlContext } from '../context.js';
import { resolveLoadBalancer } from './lookups.js';
import { listenersByLoadBalancer, rulesByListener } from './indexes.js';

/** Deletes a load balancer with its listeners and their rules; its target groups stay (as in ELBv2). */
export async function deleteLoadBalancer(ctx: ControlContext, input: DeleteLoadBalancerInput): Promise<DeleteLoadBalancerOutput> {
  const arn = input.LoadBalancerArn!;
  await ctx.state.mutate((tx) => {
    const lb = resolveLoadBalancer(tx, arn);
    if (lb.attributes['deletion_protection.enabled'] === 'true')
      throw new OperationNotPermitted(`Load balancer '${arn}' cannot be deleted because deletion protection is enabled`);
    for (const listener of ctx.state.where(listenersByLoadBalancer, arn)) {
      for (const rule of ctx.state.where(rulesByListener, listener.ListenerArn)) tx.delete('rule', rule.RuleArn);
      tx.delete('listener', listener.ListenerArn);
    }
    tx.delete('loadBalancer', arn);
  });
  ctx.log.info('load balancer deleted', { loadBalancerArn: arn });
  return {};
}
