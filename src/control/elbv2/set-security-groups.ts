import type { EnforceSecurityGroupInboundRulesOnPrivateLinkTrafficEnum, SetSecurityGroupsInput, SetSecurityGroupsOutput } from '@aws-sdk/client-elastic-load-balancing-v2';
import { InvalidConfigurationRequest } from '../../core/elbv2-errors.js';
import { ValidationError } from '../../core/errors.js';
import type { ControlContext } from '../context.js';
import { checkSecurityGroups } from './load-balancers.js';
import { resolveLoadBalancer } from './lookups.js';

/**
 * Replaces a load balancer's security groups. Their inbound rules decide which clients its listeners
 * accept (data-plane-config.ts). As ELBv2: an application load balancer keeps at least one group; a
 * network load balancer created without groups cannot be given any, and one with groups can drop them all.
 */
export async function setSecurityGroups(ctx: ControlContext, input: SetSecurityGroupsInput): Promise<SetSecurityGroupsOutput> {
  const groups = input.SecurityGroups ?? [];
  const updated = await ctx.state.mutate((tx) => {
    const lb = resolveLoadBalancer(tx, input.LoadBalancerArn!);
    if (lb.Type === 'application' && groups.length === 0) throw new ValidationError('An application load balancer must have at least one security group');
    if (lb.Type === 'network' && !lb.SecurityGroups?.length && groups.length > 0)
      throw new InvalidConfigurationRequest('You cannot set security groups on a Network Load Balancer which was created without any security groups');
    const ids = checkSecurityGroups(tx, lb.VpcId, groups);
    const enforce = input.EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic ?? lb.EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic;
    return tx.put('loadBalancer', lb.LoadBalancerArn, {
      ...lb,
      SecurityGroups: ids,
      ...(lb.Type === 'network' && enforce && { EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic: enforce }),
    });
  });
  const enforce = updated.EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic as EnforceSecurityGroupInboundRulesOnPrivateLinkTrafficEnum | undefined;
  return { SecurityGroupIds: updated.SecurityGroups ?? [], ...(enforce && { EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic: enforce }) };
}
