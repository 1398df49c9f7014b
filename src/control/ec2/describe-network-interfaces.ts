import type { DescribeNetworkInterfacesRequest, DescribeNetworkInterfacesResult } from '@aws-sdk/client-ec2';
import type { NetworkInterfaceRecord } from '../../core/ec2.js';
import { InvalidNetworkInterfaceIDNotFound } from '../../core/ec2-errors.js';
import type { ControlContext } from '../context.js';
import { describe, type FilterFields } from './describe.js';

const FIELDS: FilterFields<NetworkInterfaceRecord> = {
  'network-interface-id': (n) => n.NetworkInterfaceId,
  'subnet-id': (n) => n.SubnetId,
  'vpc-id': (n) => n.VpcId,
  'availability-zone': (n) => n.AvailabilityZone,
  'private-ip-address': (n) => n.PrivateIpAddress,
  'addresses.private-ip-address': (n) => n.PrivateIpAddress,
  'private-dns-name': (n) => n.PrivateDnsName,
  'mac-address': (n) => n.MacAddress,
  'group-id': (n) => n.Groups.map((g) => g.GroupId),
  'group-name': (n) => n.Groups.map((g) => g.GroupName),
  status: (n) => n.Status,
  description: (n) => n.Description,
  'interface-type': (n) => n.InterfaceType,
  'requester-id': (n) => n.RequesterId,
  'requester-managed': (n) => n.RequesterManaged,
  'owner-id': (n) => n.OwnerId,
  'attachment.status': (n) => n.Attachment?.Status,
};

/** The interfaces of running awsvpc tasks: each task has one until it stops. */
export async function describeNetworkInterfaces(
  ctx: ControlContext,
  input: DescribeNetworkInterfacesRequest,
): Promise<DescribeNetworkInterfacesResult> {
  const { items, NextToken } = describe(ctx.state.all('networkInterface'), (n) => n.NetworkInterfaceId, { ...input, ids: input.NetworkInterfaceIds }, FIELDS, (id) =>
    new InvalidNetworkInterfaceIDNotFound(`The networkInterface ID '${id}' does not exist`),
  );
  return { NetworkInterfaces: items, ...(NextToken !== undefined && { NextToken }) };
}
