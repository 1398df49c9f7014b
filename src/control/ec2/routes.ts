// What CreateRoute and ReplaceRoute share: a route's destination (an IPv4 block or a prefix list) and its
// one target, which must exist and, for an internet gateway, be attached to the table's VPC. Routes are
// records Wharf keeps and answers: its tasks' traffic takes the host's paths whatever the tables say.
import type { CreateRouteRequest, Route } from '@aws-sdk/client-ec2';
import type { RouteTableRecord } from '../../core/ec2.js';
import { InvalidParameterCombination } from '../../core/ec2-errors.js';
import { InvalidParameterValue, MissingParameter } from '../../core/errors.js';
import { parseCidr } from '../../core/ipv4.js';
import type { Reader } from '../ecs/lookups.js';
import { resolveInternetGateway } from './lookups.js';
import { resourceOf } from './resources.js';

/** The route's destination as EC2 compares routes. */
export function destinationOf(input: Pick<CreateRouteRequest, 'DestinationCidrBlock' | 'DestinationIpv6CidrBlock' | 'DestinationPrefixListId'>): Route {
  if (input.DestinationCidrBlock !== undefined) {
    if (!parseCidr(input.DestinationCidrBlock)) throw new InvalidParameterValue(`Value (${input.DestinationCidrBlock}) for parameter destinationCidrBlock is invalid. This is not a valid CIDR block.`);
    return { DestinationCidrBlock: input.DestinationCidrBlock };
  }
  if (input.DestinationPrefixListId !== undefined) return { DestinationPrefixListId: input.DestinationPrefixListId };
  if (input.DestinationIpv6CidrBlock !== undefined) throw new InvalidParameterValue('IPv6 routes are not supported: the VPC has no IPv6 CIDR block.');
  throw new MissingParameter('The request must contain the parameter destinationCidrBlock or destinationIpv6CidrBlock or destinationPrefixListId');
}

export const sameDestination = (a: Route, b: Route) => a.DestinationCidrBlock === b.DestinationCidrBlock && a.DestinationPrefixListId === b.DestinationPrefixListId;

/** The route for a request: its destination and its one target, checked to exist. */
export function routeOf(reader: Reader, table: RouteTableRecord, input: CreateRouteRequest): Route {
  const destination = destinationOf(input);
  const targets = (
    [
      ['GatewayId', input.GatewayId],
      ['NatGatewayId', input.NatGatewayId],
      ['NetworkInterfaceId', input.NetworkInterfaceId],
      ['VpcEndpointId', input.VpcEndpointId],
    ] as const
  ).filter((t): t is readonly [typeof t[0], string] => t[1] !== undefined);
  const unsupported = input.InstanceId ?? input.TransitGatewayId ?? input.VpcPeeringConnectionId ?? input.EgressOnlyInternetGatewayId ?? input.LocalGatewayId ?? input.CarrierGatewayId ?? input.CoreNetworkArn;
  if (unsupported !== undefined) throw new InvalidParameterValue(`Wharf does not route to ${unsupported}: routes may name an internet gateway, a NAT gateway, a network interface or a VPC endpoint.`);
  if (targets.length !== 1) throw new InvalidParameterCombination('The request must contain exactly one of gatewayId, natGatewayId, networkInterfaceId, vpcEndpointId');
  const [member, id] = targets[0]!;
  if (member === 'GatewayId' && id.startsWith('igw-')) {
    const gateway = resolveInternetGateway(reader, id);
    if (!gateway.Attachments.some((a) => a.VpcId === table.VpcId)) {
      throw new InvalidParameterValue(`route table ${table.RouteTableId} and network gateway ${id} belong to different networks`);
    }
  } else {
    const resource = resourceOf(id);
    if (!reader.get(resource.kind, id)) throw resource.notFound(id);
  }
  return { ...destination, [member]: id, Origin: 'CreateRoute', State: 'active' };
}
