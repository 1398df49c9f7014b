import type { DescribeRouteTablesRequest, DescribeRouteTablesResult } from '@aws-sdk/client-ec2';
import type { RouteTableRecord } from '../../core/ec2.js';
import type { ControlContext } from '../context.js';
import { describe, type FilterFields } from './describe.js';
import { EC2_RESOURCES } from './resources.js';

const routes = <K extends keyof RouteTableRecord['Routes'][number]>(key: K) => (t: RouteTableRecord) => t.Routes.map((r) => r[key] as string | undefined);
const associations = <K extends keyof RouteTableRecord['Associations'][number]>(key: K) => (t: RouteTableRecord) =>
  t.Associations.map((a) => (a[key] === undefined ? undefined : String(a[key])));

const FIELDS: FilterFields<RouteTableRecord> = {
  'association.gateway-id': associations('GatewayId'),
  'association.route-table-association-id': associations('RouteTableAssociationId'),
  'association.route-table-id': associations('RouteTableId'),
  'association.subnet-id': associations('SubnetId'),
  'association.main': (t) => (t.Associations.some((a) => a.Main) ? 'true' : 'false'),
  'owner-id': (t) => t.OwnerId,
  'route-table-id': (t) => t.RouteTableId,
  'route.destination-cidr-block': routes('DestinationCidrBlock'),
  'route.destination-ipv6-cidr-block': routes('DestinationIpv6CidrBlock'),
  'route.destination-prefix-list-id': routes('DestinationPrefixListId'),
  'route.egress-only-internet-gateway-id': routes('EgressOnlyInternetGatewayId'),
  'route.gateway-id': routes('GatewayId'),
  'route.instance-id': routes('InstanceId'),
  'route.nat-gateway-id': routes('NatGatewayId'),
  'route.transit-gateway-id': routes('TransitGatewayId'),
  'route.origin': routes('Origin'),
  'route.state': routes('State'),
  'route.vpc-peering-connection-id': routes('VpcPeeringConnectionId'),
  'vpc-id': (t) => t.VpcId,
};

export async function describeRouteTables(ctx: ControlContext, input: DescribeRouteTablesRequest): Promise<DescribeRouteTablesResult> {
  const { items, NextToken } = describe(ctx.state.all('routeTable'), (t) => t.RouteTableId, { ...input, ids: input.RouteTableIds }, FIELDS, EC2_RESOURCES.rtb!.notFound);
  return { RouteTables: items, ...(NextToken !== undefined && { NextToken }) };
}
