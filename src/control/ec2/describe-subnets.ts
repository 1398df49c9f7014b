import type { DescribeSubnetsRequest, DescribeSubnetsResult } from '@aws-sdk/client-ec2';
import type { SubnetRecord } from '../../core/ec2.js';
import { InvalidSubnetIDNotFound } from '../../core/ec2-errors.js';
import type { ControlContext } from '../context.js';
import { describe, type FilterFields } from './describe.js';
import { availableAddressCount } from './network-interfaces.js';

const FIELDS: FilterFields<SubnetRecord> = {
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
  state: (s) => s.State,
  'owner-id': (s) => s.OwnerId,
  'subnet-arn': (s) => s.SubnetArn,
};

/** Subnets with how many addresses they have left (those task interfaces do not hold). */
export async function describeSubnets(ctx: ControlContext, input: DescribeSubnetsRequest): Promise<DescribeSubnetsResult> {
  const { items, NextToken } = describe(ctx.state.all('subnet'), (s) => s.SubnetId, { ...input, ids: input.SubnetIds }, FIELDS, (id) =>
    new InvalidSubnetIDNotFound(`The subnet ID '${id}' does not exist`),
  );
  return { Subnets: items.map((s) => ({ ...s, AvailableIpAddressCount: availableAddressCount(ctx.state, s) })), ...(NextToken !== undefined && { NextToken }) };
}
