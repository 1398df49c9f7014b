// VPC endpoints as records: a gateway endpoint (S3, DynamoDB) adds a route to its service's prefix list in
// each of its route tables, as EC2 does; an interface endpoint holds subnets and security groups. Wharf
// routes nothing through them: tasks reach every service through the host.
import type {
  CreateVpcEndpointRequest,
  CreateVpcEndpointResult,
  DeleteVpcEndpointsRequest,
  DeleteVpcEndpointsResult,
  DescribePrefixListsRequest,
  DescribePrefixListsResult,
  DescribeVpcEndpointServicesRequest,
  DescribeVpcEndpointServicesResult,
  DescribeVpcEndpointsRequest,
  DescribeVpcEndpointsResult,
  ModifyVpcEndpointRequest,
  ModifyVpcEndpointResult,
} from '@aws-sdk/client-ec2';
import { DEFAULT_SECURITY_GROUP, ec2Id, type VpcEndpointRecord } from '../../core/ec2.js';
import { endpointServices, endpointTypesOf, managedPrefixLists, type ManagedPrefixList } from '../../core/ec2-endpoint-services.js';
import { InvalidParameter, InvalidPrefixListIDNotFound, InvalidServiceName } from '../../core/ec2-errors.js';
import { InvalidParameterValue } from '../../core/errors.js';
import type { ControlContext } from '../context.js';
import type { Transaction } from '../state.js';
import { describe, tagsFor, type FilterFields } from './describe.js';
import { securityGroupsByVpc } from './indexes.js';
import { resolveRouteTable, resolveSecurityGroup, resolveSubnet, resolveVpc, resolveVpcEndpoint } from './lookups.js';
import { EC2_RESOURCES } from './resources.js';

/** The policy an endpoint has until one is given: everyone, everything (EC2's default). */
const FULL_ACCESS = JSON.stringify({ Version: '2008-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }] });

const FIELDS: FilterFields<VpcEndpointRecord> = {
  'ip-address-type': (e) => e.IpAddressType,
  'service-name': (e) => e.ServiceName,
  'vpc-id': (e) => e.VpcId,
  'vpc-endpoint-id': (e) => e.VpcEndpointId,
  'vpc-endpoint-state': (e) => e.State,
  'vpc-endpoint-type': (e) => e.VpcEndpointType,
};

export async function createVpcEndpoint(ctx: ControlContext, input: CreateVpcEndpointRequest): Promise<CreateVpcEndpointResult> {
  const type = input.VpcEndpointType ?? 'Gateway';
  const types = endpointTypesOf(ctx.partition.region, input.ServiceName ?? '');
  if (!types) throw new InvalidServiceName(`The Vpc Endpoint Service '${input.ServiceName}' does not exist`);
  if (!(types as readonly string[]).includes(type)) {
    throw new InvalidParameter(`The Vpc Endpoint Service '${input.ServiceName}' does not support endpoint type '${type}'.`);
  }
  if (type === 'Gateway' && (input.SubnetIds?.length || input.SecurityGroupIds?.length)) {
    throw new InvalidParameter('Subnets and security groups can only be specified for interface endpoints.');
  }
  if (type === 'Interface' && input.RouteTableIds?.length) throw new InvalidParameter('Route tables can only be specified for gateway endpoints.');
  const endpoint = await ctx.state.mutate((tx) => {
    const vpc = resolveVpc(tx, input.VpcId!);
    const id = ec2Id('vpce', ctx.ids.id());
    const groups =
      type === 'Interface'
        ? (input.SecurityGroupIds?.length
            ? input.SecurityGroupIds.map((g) => resolveSecurityGroup(tx, g))
            : ctx.state.where(securityGroupsByVpc, vpc.VpcId).filter((g) => g.GroupName === DEFAULT_SECURITY_GROUP)
          ).map((g) => ({ GroupId: g.GroupId, GroupName: g.GroupName }))
        : [];
    const record: VpcEndpointRecord = {
      VpcEndpointId: id,
      VpcEndpointType: type,
      VpcId: vpc.VpcId,
      ServiceName: input.ServiceName!,
      State: 'available',
      PolicyDocument: input.PolicyDocument ?? FULL_ACCESS,
      RouteTableIds: [],
      SubnetIds: (input.SubnetIds ?? []).map((s) => resolveSubnet(tx, s).SubnetId),
      Groups: groups,
      IpAddressType: 'ipv4',
      ...(type === 'Interface' && { DnsOptions: { DnsRecordIpType: 'ipv4' }, PrivateDnsEnabled: input.PrivateDnsEnabled ?? true }),
      RequesterManaged: false,
      NetworkInterfaceIds: [],
      DnsEntries: [],
      CreationTimestamp: ctx.clock.now(),
      OwnerId: ctx.partition.accountId,
      Tags: tagsFor('vpc-endpoint', input.TagSpecifications),
    };
    return tx.put('vpcEndpoint', id, routeThrough(ctx, tx, record, input.RouteTableIds ?? []));
  });
  ctx.log.info('vpc endpoint created', { vpcEndpointId: endpoint.VpcEndpointId, serviceName: endpoint.ServiceName });
  return { VpcEndpoint: endpoint as unknown as CreateVpcEndpointResult['VpcEndpoint'], ...(input.ClientToken !== undefined && { ClientToken: input.ClientToken }) };
}

export async function modifyVpcEndpoint(ctx: ControlContext, input: ModifyVpcEndpointRequest): Promise<ModifyVpcEndpointResult> {
  await ctx.state.mutate((tx) => {
    let endpoint = resolveVpcEndpoint(tx, input.VpcEndpointId!);
    const without = (list: string[] | undefined, remove: string[] | undefined) => (list ?? []).filter((x) => !(remove ?? []).includes(x));
    if (input.RemoveRouteTableIds?.length) endpoint = unroute(tx, endpoint, input.RemoveRouteTableIds);
    if (input.AddRouteTableIds?.length) endpoint = routeThrough(ctx, tx, endpoint, input.AddRouteTableIds);
    const subnets = [...without(endpoint.SubnetIds, input.RemoveSubnetIds), ...(input.AddSubnetIds ?? []).map((s) => resolveSubnet(tx, s).SubnetId)];
    const removedGroups = new Set(input.RemoveSecurityGroupIds ?? []);
    const groups = [
      ...(endpoint.Groups ?? []).filter((g) => !removedGroups.has(g.GroupId!)),
      ...(input.AddSecurityGroupIds ?? []).map((g) => resolveSecurityGroup(tx, g)).map((g) => ({ GroupId: g.GroupId, GroupName: g.GroupName })),
    ];
    const policy = input.ResetPolicy ? FULL_ACCESS : (input.PolicyDocument ?? endpoint.PolicyDocument);
    tx.put('vpcEndpoint', endpoint.VpcEndpointId, {
      ...endpoint,
      SubnetIds: [...new Set(subnets)],
      Groups: groups,
      PolicyDocument: policy,
      ...(input.PrivateDnsEnabled !== undefined && { PrivateDnsEnabled: input.PrivateDnsEnabled }),
    });
  });
  return { Return: true };
}

/** Each endpoint that exists goes (with its routes); each that does not is listed as unsuccessful. */
export async function deleteVpcEndpoints(ctx: ControlContext, input: DeleteVpcEndpointsRequest): Promise<DeleteVpcEndpointsResult> {
  const Unsuccessful: NonNullable<DeleteVpcEndpointsResult['Unsuccessful']> = [];
  await ctx.state.mutate((tx) => {
    for (const id of input.VpcEndpointIds ?? []) {
      const endpoint = tx.get('vpcEndpoint', id);
      if (!endpoint) {
        const { code, message } = EC2_RESOURCES.vpce!.notFound(id);
        Unsuccessful.push({ ResourceId: id, Error: { Code: code, Message: message } });
        continue;
      }
      unroute(tx, endpoint, endpoint.RouteTableIds ?? []);
      tx.delete('vpcEndpoint', id);
    }
  });
  ctx.log.info('vpc endpoints deleted', { vpcEndpointIds: input.VpcEndpointIds });
  return { Unsuccessful };
}

export async function describeVpcEndpoints(ctx: ControlContext, input: DescribeVpcEndpointsRequest): Promise<DescribeVpcEndpointsResult> {
  const { items, NextToken } = describe(ctx.state.all('vpcEndpoint'), (e) => e.VpcEndpointId, { ...input, ids: input.VpcEndpointIds }, FIELDS, EC2_RESOURCES.vpce!.notFound);
  return { VpcEndpoints: items as unknown as DescribeVpcEndpointsResult['VpcEndpoints'], ...(NextToken !== undefined && { NextToken }) };
}

export async function describeVpcEndpointServices(ctx: ControlContext, input: DescribeVpcEndpointServicesRequest): Promise<DescribeVpcEndpointServicesResult> {
  const region = ctx.partition.region;
  const details = endpointServices(region).flatMap(({ name, types }) =>
    types.map((type) => ({
      ServiceName: name,
      ServiceId: `vpce-svc-${name.split('.').at(-1)}`,
      ServiceType: [{ ServiceType: type }],
      AvailabilityZones: ['a', 'b', 'c'].map((z) => `${region}${z}`),
      Owner: 'amazon',
      BaseEndpointDnsNames: [`${name.split('.').slice(3).join('.')}.${region}.vpce.amazonaws.com`],
      ...(type === 'Interface' && { PrivateDnsName: `${name.split('.').slice(3).join('.')}.${region}.amazonaws.com` }),
      VpcEndpointPolicySupported: true,
      AcceptanceRequired: false,
      ManagesVpcEndpoints: false,
      SupportedIpAddressTypes: ['ipv4' as const],
    })),
  );
  const fields: FilterFields<(typeof details)[number]> = {
    'service-name': (s) => s.ServiceName,
    'service-type': (s) => s.ServiceType[0]!.ServiceType,
    owner: (s) => s.Owner,
  };
  const named = input.ServiceNames?.length ? details.filter((d) => input.ServiceNames!.includes(d.ServiceName)) : details;
  const unknown = input.ServiceNames?.find((n) => !details.some((d) => d.ServiceName === n));
  if (unknown !== undefined) throw new InvalidServiceName(`The Vpc Endpoint Service '${unknown}' does not exist`);
  const { items } = describe(named, (s) => `${s.ServiceName} ${s.ServiceType[0]!.ServiceType}`, { Filters: input.Filters }, fields, () => new InvalidServiceName('unknown'));
  return { ServiceNames: [...new Set(items.map((s) => s.ServiceName))], ServiceDetails: items };
}

export async function describePrefixLists(ctx: ControlContext, input: DescribePrefixListsRequest): Promise<DescribePrefixListsResult> {
  const fields: FilterFields<ManagedPrefixList> = { 'prefix-list-id': (p) => p.PrefixListId, 'prefix-list-name': (p) => p.PrefixListName };
  const notFound = (id: string) => new InvalidPrefixListIDNotFound(`The prefix list ID '${id}' does not exist`);
  const { items, NextToken } = describe(managedPrefixLists(ctx.partition.region), (p) => p.PrefixListId, { ...input, ids: input.PrefixListIds }, fields, notFound);
  return { PrefixLists: items, ...(NextToken !== undefined && { NextToken }) };
}

/** The endpoint with a route to its service's prefix list added to each table (a gateway endpoint only). */
function routeThrough(ctx: ControlContext, tx: Transaction, endpoint: VpcEndpointRecord, tableIds: readonly string[]): VpcEndpointRecord {
  if (tableIds.length === 0) return endpoint;
  if (endpoint.VpcEndpointType !== 'Gateway') throw new InvalidParameter('Route tables can only be specified for gateway endpoints.');
  const list = managedPrefixLists(ctx.partition.region).find((p) => p.PrefixListName === endpoint.ServiceName)!;
  for (const id of tableIds) {
    const table = resolveRouteTable(tx, id);
    if (table.VpcId !== endpoint.VpcId) throw new InvalidParameterValue(`route table ${id} and vpc endpoint ${endpoint.VpcEndpointId} belong to different networks`);
    if (table.Routes.some((r) => r.GatewayId === endpoint.VpcEndpointId)) continue;
    const route = { DestinationPrefixListId: list.PrefixListId, GatewayId: endpoint.VpcEndpointId, Origin: 'CreateRoute' as const, State: 'active' as const };
    tx.put('routeTable', id, { ...table, Routes: [...table.Routes, route] });
  }
  return { ...endpoint, RouteTableIds: [...new Set([...(endpoint.RouteTableIds ?? []), ...tableIds])] };
}

/** The endpoint without its routes in `tableIds`. */
function unroute(tx: Transaction, endpoint: VpcEndpointRecord, tableIds: readonly string[]): VpcEndpointRecord {
  for (const id of tableIds) {
    const table = tx.get('routeTable', id);
    if (table) tx.put('routeTable', id, { ...table, Routes: table.Routes.filter((r) => r.GatewayId !== endpoint.VpcEndpointId) });
  }
  return { ...endpoint, RouteTableIds: (endpoint.RouteTableIds ?? []).filter((t) => !tableIds.includes(t)) };
}
