// NAT gateways as records: a public gateway holds an Elastic IP, a private one an address of its subnet;
// either is `available` at once and `deleted` on deletion (EC2 keeps showing a deleted gateway a while, and
// Terraform waits for that state). Wharf's tasks reach out through the host whatever the routes say.
import type {
  CreateNatGatewayRequest,
  CreateNatGatewayResult,
  DeleteNatGatewayRequest,
  DeleteNatGatewayResult,
  DescribeNatGatewaysRequest,
  DescribeNatGatewaysResult,
} from '@aws-sdk/client-ec2';
import { ec2Id, type NatGatewayRecord } from '../../core/ec2.js';
import { InvalidIPAddressInUse } from '../../core/ec2-errors.js';
import { InvalidParameterValue, MissingParameter } from '../../core/errors.js';
import { cidrSize, formatIpv4, parseCidr } from '../../core/ipv4.js';
import type { ControlContext } from '../context.js';
import { describe, tagsFor, type FilterFields } from './describe.js';
import { resolveAddress, resolveNatGateway, resolveSubnet } from './lookups.js';
import { EC2_RESOURCES } from './resources.js';

const FIELDS: FilterFields<NatGatewayRecord> = {
  'nat-gateway-id': (g) => g.NatGatewayId,
  state: (g) => g.State,
  'subnet-id': (g) => g.SubnetId,
  'vpc-id': (g) => g.VpcId,
};

export async function createNatGateway(ctx: ControlContext, input: CreateNatGatewayRequest): Promise<CreateNatGatewayResult> {
  const connectivity = input.ConnectivityType ?? 'public';
  if (connectivity !== 'public' && connectivity !== 'private') throw new InvalidParameterValue(`Invalid value '${connectivity}' for ConnectivityType.`);
  if (!input.SubnetId) throw new MissingParameter('The request must include the SubnetId parameter. Add the required parameter and retry the request.');
  if (connectivity === 'public' && !input.AllocationId) {
    throw new MissingParameter('The request must include the AllocationId parameter. Add the required parameter and retry the request.');
  }
  const gateway = await ctx.state.mutate((tx) => {
    const subnet = resolveSubnet(tx, input.SubnetId!);
    const natGatewayId = ec2Id('nat', ctx.ids.id());
    // The subnet's last usable address: tasks' interfaces take theirs from the start of the block.
    const block = parseCidr(subnet.CidrBlock)!;
    const privateIp = input.PrivateIpAddress ?? formatIpv4(block.base + cidrSize(block) - 2);
    const eni = ec2Id('eni', ctx.ids.id());
    let address: NonNullable<NatGatewayRecord['NatGatewayAddresses']>[number] = { NetworkInterfaceId: eni, PrivateIp: privateIp, IsPrimary: true, Status: 'succeeded' };
    if (connectivity === 'public') {
      const eip = resolveAddress(tx, input.AllocationId!);
      if (eip.AssociationId) throw new InvalidIPAddressInUse(`Elastic IP address [${eip.AllocationId}] is already associated`);
      const associationId = ec2Id('eipassoc', ctx.ids.id());
      tx.put('elasticIp', eip.AllocationId, { ...eip, AssociationId: associationId, NetworkInterfaceId: eni, PrivateIpAddress: privateIp });
      address = { ...address, AllocationId: eip.AllocationId, PublicIp: eip.PublicIp, AssociationId: associationId };
    }
    const record: NatGatewayRecord = {
      NatGatewayId: natGatewayId,
      SubnetId: subnet.SubnetId,
      VpcId: subnet.VpcId,
      State: 'available',
      ConnectivityType: connectivity,
      CreateTime: ctx.clock.now(),
      NatGatewayAddresses: [address],
      Tags: tagsFor('natgateway', input.TagSpecifications),
    };
    return tx.put('natGateway', natGatewayId, record);
  });
  ctx.log.info('nat gateway created', { natGatewayId: gateway.NatGatewayId, subnetId: gateway.SubnetId });
  return { NatGateway: gateway, ...(input.ClientToken !== undefined && { ClientToken: input.ClientToken }) };
}

/** The gateway turns `deleted` and lets go of its Elastic IP. */
export async function deleteNatGateway(ctx: ControlContext, input: DeleteNatGatewayRequest): Promise<DeleteNatGatewayResult> {
  await ctx.state.mutate((tx) => {
    const gateway = resolveNatGateway(tx, input.NatGatewayId!);
    for (const a of gateway.NatGatewayAddresses ?? []) {
      const eip = a.AllocationId ? tx.get('elasticIp', a.AllocationId) : undefined;
      if (eip?.AssociationId === a.AssociationId) {
        const { AssociationId: _a, NetworkInterfaceId: _n, PrivateIpAddress: _p, ...released } = eip!;
        tx.put('elasticIp', eip!.AllocationId, released);
      }
    }
    tx.put('natGateway', gateway.NatGatewayId, { ...gateway, State: 'deleted', DeleteTime: ctx.clock.now() });
  });
  ctx.log.info('nat gateway deleted', { natGatewayId: input.NatGatewayId });
  return { NatGatewayId: input.NatGatewayId! };
}

export async function describeNatGateways(ctx: ControlContext, input: DescribeNatGatewaysRequest): Promise<DescribeNatGatewaysResult> {
  const filters = [...(input.Filter ?? [])];
  const { items, NextToken } = describe(ctx.state.all('natGateway'), (g) => g.NatGatewayId, { ...input, Filters: filters, ids: input.NatGatewayIds }, FIELDS, EC2_RESOURCES.nat!.notFound);
  return { NatGateways: items, ...(NextToken !== undefined && { NextToken }) };
}
