import type { ModifySubnetAttributeRequest } from '@aws-sdk/client-ec2';
import type { SubnetRecord } from '../../core/ec2.js';
import { InvalidParameterValue } from '../../core/errors.js';
import type { ControlContext } from '../context.js';
import { resolveSubnet } from './lookups.js';

/**
 * Sets a subnet's launch settings (a public address on launch, DNS name options...). Kept and answered by
 * DescribeSubnets; awsvpc tasks get no public address in Wharf whatever MapPublicIpOnLaunch says.
 */
export async function modifySubnetAttribute(ctx: ControlContext, input: ModifySubnetAttributeRequest): Promise<void> {
  const flag = (v: { Value?: boolean } | undefined) => v?.Value;
  const changes: Partial<SubnetRecord> = {
    ...(flag(input.MapPublicIpOnLaunch) !== undefined && { MapPublicIpOnLaunch: flag(input.MapPublicIpOnLaunch) }),
    ...(flag(input.AssignIpv6AddressOnCreation) !== undefined && { AssignIpv6AddressOnCreation: flag(input.AssignIpv6AddressOnCreation) }),
    ...(flag(input.MapCustomerOwnedIpOnLaunch) !== undefined && { MapCustomerOwnedIpOnLaunch: flag(input.MapCustomerOwnedIpOnLaunch) }),
    ...(flag(input.EnableDns64) !== undefined && { EnableDns64: flag(input.EnableDns64) }),
  };
  await ctx.state.mutate((tx) => {
    const subnet = resolveSubnet(tx, input.SubnetId!);
    if (changes.AssignIpv6AddressOnCreation) throw new InvalidParameterValue(`Subnet ${subnet.SubnetId} has no IPv6 CIDR block`);
    if (changes.MapCustomerOwnedIpOnLaunch) throw new InvalidParameterValue('CustomerOwnedIpv4Pool is required when MapCustomerOwnedIpOnLaunch is true');
    const dns = subnet.PrivateDnsNameOptionsOnLaunch ?? {};
    const options = {
      ...dns,
      ...(input.PrivateDnsHostnameTypeOnLaunch !== undefined && { HostnameType: input.PrivateDnsHostnameTypeOnLaunch }),
      ...(flag(input.EnableResourceNameDnsARecordOnLaunch) !== undefined && { EnableResourceNameDnsARecord: flag(input.EnableResourceNameDnsARecordOnLaunch) }),
      ...(flag(input.EnableResourceNameDnsAAAARecordOnLaunch) !== undefined && { EnableResourceNameDnsAAAARecord: flag(input.EnableResourceNameDnsAAAARecordOnLaunch) }),
    };
    tx.put('subnet', subnet.SubnetId, { ...subnet, ...changes, PrivateDnsNameOptionsOnLaunch: options });
  });
  ctx.log.info('subnet attribute modified', { subnetId: input.SubnetId });
}
