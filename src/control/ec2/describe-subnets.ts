import type { DescribeSubnetsRequest, DescribeSubnetsResult } from '@aws-sdk/client-ec2';
import type { SubnetRecord } from '../../core/ec2.js';
import { InvalidSubnetIDNotFound } from '../../core/ec2-errors.js';
import type { ControlContext } from '../context.js';
import { describe, type FilterFields } from './describe.js';
import { availableAddressCount } from './network-interfaces.js';

const FIELDS: FilterFields<SubnetRecord> = {
  'available-ip-address-count': (s) => s.AvailableIpAddressCount,
  'subnet-id': (s) => s.SubnetId,
  'vpc-id': (s) => s.VpcId,
  'cidr-block': (s) => s.CidrBlock,
  cidr: (s) => s.CidrBlock,
  cidrBlock: (s) => s.CidrBlock,
  'availability-zone': (s) => s.AvailabilityZone,
  availabilityZone: (s) => s.AvailabilityZone,
  'availability-zone-id': (s) => s.AvailabilityZoneId,
  'default-for-az': (s) => s.DefaultForAz,
  defaultForAz: (s) => s.DefaultForAz,
  'map-public-ip-on-launch': (s) => s.MapPublicIpOnLaunch,
  'map-customer-owned-ip-on-launch': (s) => s.MapCustomerOwnedIpOnLaunch,
  'customer-owned-ipv4-pool': (s) => s.CustomerOwnedIpv4Pool,
  'enable-dns64': (s) => s.EnableDns64,
  'enable-lni-at-device-index': (s) => s.EnableLniAtDeviceIndex,
  'ipv6-cidr-block-association.ipv6-cidr-block': (s) => (s.Ipv6CidrBlockAssociationSet ?? []).map((a) => a.Ipv6CidrBlock),
  'ipv6-cidr-block-association.association-id': (s) => (s.Ipv6CidrBlockAssociationSet ?? []).map((a) => a.AssociationId),
  'ipv6-cidr-block-association.state': (s) => (s.Ipv6CidrBlockAssociationSet ?? []).map((a) => a.Ipv6CidrBlockState?.State),
  'ipv6-native': (s) => s.Ipv6Native,
  'outpost-arn': (s) => s.OutpostArn,
  'private-dns-name-options-on-launch.hostname-type': (s) => s.PrivateDnsNameOptionsOnLaunch?.HostnameType,
  state: (s) => s.State,
  'owner-id': (s) => s.OwnerId,
  'subnet-arn': (s) => s.SubnetArn,
  subnetId: (s) => s.SubnetId,
  vpcId: (s) => s.VpcId,
};

/** Subnets with how many addresses they have left (those task interfaces do not hold). */
export async function describeSubnets(ctx: ControlContext, input: DescribeSubnetsRequest): Promise<DescribeSubnetsResult> {
  const counted = [...ctx.state.all('subnet')].map((s) => ({ ...s, AvailableIpAddressCount: availableAddressCount(ctx.state, s) }));
  const { items, NextToken } = describe(counted, (s) => s.SubnetId, { ...input, ids: input.SubnetIds }, FIELDS, (id) =>
    new InvalidSubnetIDNotFound(`The subnet ID '${id}' does not exist`),
  );
  return { Subnets: items, ...(NextToken !== undefined && { NextToken }) };
}
