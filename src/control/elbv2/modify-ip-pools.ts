import type { ModifyIpPoolsInput, ModifyIpPoolsOutput } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { ControlContext } from '../context.js';
import { resolveLoadBalancer } from './lookups.js';

/**
 * Sets or removes the IPAM pool a load balancer takes its IPv4 addresses from. Wharf's listeners bind this
 * host's address, so the pool is recorded and reported (LoadBalancer.IpamPools), as ELBv2 reports it.
 */
export async function modifyIpPools(ctx: ControlContext, input: ModifyIpPoolsInput): Promise<ModifyIpPoolsOutput> {
  const updated = await ctx.state.mutate((tx) => {
    const lb = resolveLoadBalancer(tx, input.LoadBalancerArn!);
    const { IpamPools: current, ...rest } = lb;
    const removed = input.RemoveIpamPools?.includes('ipv4') === true;
    const pools = removed ? undefined : (input.IpamPools ?? current);
    return tx.put('loadBalancer', lb.LoadBalancerArn, { ...rest, ...(pools?.Ipv4IpamPoolId && { IpamPools: pools }) });
  });
  return { ...(updated.IpamPools && { IpamPools: updated.IpamPools }) };
}
