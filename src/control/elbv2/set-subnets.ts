import type { SetSubnetsInput, SetSubnetsOutput } from '@aws-sdk/client-elastic-load-balancing-v2';
import { InvalidConfigurationRequest, InvalidSubnet } from '../../core/elbv2-errors.js';
import { ValidationError } from '../../core/errors.js';
import type { ControlContext } from '../context.js';
import { availabilityZones, checkSubnets } from './load-balancers.js';
import { resolveLoadBalancer } from './lookups.js';

/**
 * Places a load balancer in other subnets of its VPC. Its listeners keep binding on this host: the zones
 * are recorded (DescribeLoadBalancers, target zones) and checked as ELBv2 checks them; a network load
 * balancer, as ELBv2's, can add zones but not leave one.
 */
export async function setSubnets(ctx: ControlContext, input: SetSubnetsInput): Promise<SetSubnetsOutput> {
  const requested = [...(input.Subnets ?? []), ...(input.SubnetMappings ?? []).map((m) => m.SubnetId ?? '')];
  if (requested.length === 0) throw new ValidationError('At least one subnet must be specified');
  const updated = await ctx.state.mutate((tx) => {
    const lb = resolveLoadBalancer(tx, input.LoadBalancerArn!);
    const subnets = checkSubnets(tx, lb.Type, requested);
    const outside = subnets.find((s) => s.VpcId !== lb.VpcId);
    if (outside) throw new InvalidSubnet(`Subnet '${outside.SubnetId}' is not in the load balancer's VPC '${lb.VpcId}'`);
    if (lb.Type === 'network') {
      const kept = new Set(subnets.map((s) => s.AvailabilityZone));
      const left = (lb.AvailabilityZones ?? []).find((z) => !kept.has(z.ZoneName!));
      if (left) throw new InvalidConfigurationRequest(`A network load balancer cannot leave Availability Zone '${left.ZoneName}'`);
    }
    const ipAddressType = input.IpAddressType ?? lb.IpAddressType;
    return tx.put('loadBalancer', lb.LoadBalancerArn, { ...lb, AvailabilityZones: availabilityZones(subnets), ...(ipAddressType && { IpAddressType: ipAddressType }) });
  });
  return { AvailabilityZones: updated.AvailabilityZones, ...(updated.IpAddressType && { IpAddressType: updated.IpAddressType }) };
}
