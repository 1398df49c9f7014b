// Elastic IPs as records: an allocation holds an address from the documentation range 198.51.100.0/24
// (routed nowhere: Wharf's tasks reach out through the host), which a NAT gateway may hold. EC2's default
// quota of five per region applies.
import type {
  AssociateAddressRequest,
  AssociateAddressResult,
  DisassociateAddressRequest,
  AllocateAddressRequest,
  AllocateAddressResult,
  DescribeAddressesAttributeRequest,
  DescribeAddressesAttributeResult,
  DescribeAddressesRequest,
  DescribeAddressesResult,
  ReleaseAddressRequest,
} from '@aws-sdk/client-ec2';
import { ec2Id, type AddressRecord } from '../../core/ec2.js';
import { AddressLimitExceeded, InvalidAssociationIDNotFound, InvalidIPAddressInUse, InvalidNetworkInterfaceIDNotFound } from '../../core/ec2-errors.js';
import { InvalidParameterValue, MissingParameter } from '../../core/errors.js';
import type { ControlContext } from '../context.js';
import { describe, tagsFor, type FilterFields } from './describe.js';
import { resolveAddress } from './lookups.js';
import { EC2_RESOURCES } from './resources.js';

/** EC2's default Elastic IP quota per region. */
export const ADDRESS_QUOTA = 5;
const ADDRESS_RANGE = '198.51.100.';

const FIELDS: FilterFields<AddressRecord> = {
  'allocation-id': (a) => a.AllocationId,
  'association-id': (a) => a.AssociationId,
  domain: (a) => a.Domain,
  'network-border-group': (a) => a.NetworkBorderGroup,
  'network-interface-id': (a) => a.NetworkInterfaceId,
  'private-ip-address': (a) => a.PrivateIpAddress,
  'public-ip': (a) => a.PublicIp,
};

export async function allocateAddress(ctx: ControlContext, input: AllocateAddressRequest): Promise<AllocateAddressResult> {
  if (input.Domain !== undefined && input.Domain !== 'vpc') throw new InvalidParameterValue(`Invalid value '${input.Domain}' for domain.`);
  const address = await ctx.state.mutate((tx) => {
    const taken = new Set([...ctx.state.all('elasticIp')].map((a) => a.PublicIp));
    if (taken.size >= ADDRESS_QUOTA) throw new AddressLimitExceeded('The maximum number of addresses has been reached.');
    let host = 1;
    while (taken.has(`${ADDRESS_RANGE}${host}`)) host++;
    const record: AddressRecord = {
      AllocationId: ec2Id('eipalloc', ctx.ids.id()),
      PublicIp: `${ADDRESS_RANGE}${host}`,
      Domain: 'vpc',
      PublicIpv4Pool: 'amazon',
      NetworkBorderGroup: ctx.partition.region,
      Tags: tagsFor('elastic-ip', input.TagSpecifications),
    };
    return tx.put('elasticIp', record.AllocationId, record);
  });
  ctx.log.info('address allocated', { allocationId: address.AllocationId, publicIp: address.PublicIp });
  const { AllocationId, PublicIp, Domain, PublicIpv4Pool, NetworkBorderGroup } = address;
  return { AllocationId, PublicIp, Domain, PublicIpv4Pool, NetworkBorderGroup };
}

/** An address goes unless something (a NAT gateway) holds it. */
export async function releaseAddress(ctx: ControlContext, input: ReleaseAddressRequest): Promise<void> {
  if (!input.AllocationId) throw new InvalidParameterValue('A VPC address must be released by its allocation id.');
  await ctx.state.mutate((tx) => {
    const address = resolveAddress(tx, input.AllocationId!);
    if (address.AssociationId) throw new InvalidIPAddressInUse(`Address ${address.PublicIp} is in use.`);
    tx.delete('elasticIp', address.AllocationId);
  });
  ctx.log.info('address released', { allocationId: input.AllocationId });
}

export async function describeAddresses(ctx: ControlContext, input: DescribeAddressesRequest): Promise<DescribeAddressesResult> {
  const all = [...ctx.state.all('elasticIp')];
  const byIp = input.PublicIps?.length ? describe(all, (a) => a.PublicIp, { ids: input.PublicIps }, {}, (ip) => new InvalidParameterValue(`Address '${ip}' not found.`)).items : all;
  const { items } = describe(byIp, (a) => a.AllocationId, { ids: input.AllocationIds, Filters: input.Filters }, FIELDS, EC2_RESOURCES.eipalloc!.notFound);
  return { Addresses: items };
}

/** An address given to a task's network interface (the record only: nothing is routed to it). */
export async function associateAddress(ctx: ControlContext, input: AssociateAddressRequest): Promise<AssociateAddressResult> {
  if (!input.AllocationId) throw new MissingParameter('The request must include the AllocationId parameter. Add the required parameter and retry the request.');
  if (!input.NetworkInterfaceId) {
    throw new MissingParameter('The request must include the NetworkInterfaceId parameter. Add the required parameter and retry the request.');
  }
  const AssociationId = await ctx.state.mutate((tx) => {
    const address = resolveAddress(tx, input.AllocationId!);
    const eni = tx.get('networkInterface', input.NetworkInterfaceId!);
    if (!eni) throw new InvalidNetworkInterfaceIDNotFound(`The networkInterface ID '${input.NetworkInterfaceId}' does not exist`);
    if (address.AssociationId && !input.AllowReassociation) throw new InvalidIPAddressInUse(`Address ${address.PublicIp} is already associated.`);
    const associationId = ec2Id('eipassoc', ctx.ids.id());
    tx.put('elasticIp', address.AllocationId, { ...address, AssociationId: associationId, NetworkInterfaceId: eni.NetworkInterfaceId, PrivateIpAddress: input.PrivateIpAddress ?? eni.PrivateIpAddress });
    return associationId;
  });
  return { AssociationId };
}

/** An association ends; a NAT gateway's address stays with it until the gateway goes. */
export async function disassociateAddress(ctx: ControlContext, input: DisassociateAddressRequest): Promise<void> {
  await ctx.state.mutate((tx) => {
    const address = [...ctx.state.all('elasticIp')].find((a) => a.AssociationId !== undefined && a.AssociationId === input.AssociationId);
    if (!address) throw new InvalidAssociationIDNotFound(`The association ID '${input.AssociationId ?? ''}' does not exist`);
    const nat = [...ctx.state.all('natGateway')].some((g) => g.State !== 'deleted' && g.NatGatewayAddresses?.some((a) => a.AssociationId === address.AssociationId));
    if (nat) throw new InvalidIPAddressInUse(`Address ${address.PublicIp} is in use by a NAT gateway.`);
    const { AssociationId: _a, NetworkInterfaceId: _n, PrivateIpAddress: _p, ...released } = address;
    tx.put('elasticIp', address.AllocationId, released);
  });
}

/** No address has a reverse DNS name here: the attribute answers each address with none. */
export async function describeAddressesAttribute(ctx: ControlContext, input: DescribeAddressesAttributeRequest): Promise<DescribeAddressesAttributeResult> {
  const addresses = (input.AllocationIds ?? [...ctx.state.all('elasticIp')].map((a) => a.AllocationId)).map((id) => resolveAddress(ctx.state, id));
  return { Addresses: addresses.map((a) => ({ AllocationId: a.AllocationId, PublicIp: a.PublicIp })) };
}
