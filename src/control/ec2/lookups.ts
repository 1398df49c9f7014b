// How EC2 resolves the ids callers pass for VPCs, subnets and security groups, with EC2's not-found errors.
import { arn } from '../../core/arn.js';
import type { AddressRecord, InternetGatewayRecord, NatGatewayRecord, RouteTableRecord, SecurityGroupRecord, SubnetRecord, VpcEndpointRecord, VpcRecord } from '../../core/ec2.js';
import {
  InvalidGroupNotFound,
  InvalidSubnetIDNotFound,
  InvalidVpcIDNotFound,
} from '../../core/ec2-errors.js';
import type { ControlContext } from '../context.js';
import type { Reader } from '../ecs/lookups.js';
import { securityGroupsByVpc } from './indexes.js';
import { EC2_RESOURCES } from './resources.js';

export function resolveVpc(reader: Reader, vpcId: string): VpcRecord {
  const vpc = reader.get('vpc', vpcId);
  if (!vpc) throw new InvalidVpcIDNotFound(`The vpc ID '${vpcId}' does not exist`);
  return vpc;
}

export function resolveSubnet(reader: Reader, subnetId: string): SubnetRecord {
  const subnet = reader.get('subnet', subnetId);
  if (!subnet) throw new InvalidSubnetIDNotFound(`The subnet ID '${subnetId}' does not exist`);
  return subnet;
}

export function resolveSecurityGroup(reader: Reader, groupId: string): SecurityGroupRecord {
  const group = reader.get('securityGroup', groupId);
  if (!group) throw new InvalidGroupNotFound(`The security group '${groupId}' does not exist`);
  return group;
}

/** The default VPC of the region, if it has one. */
export function defaultVpc(ctx: Pick<ControlContext, 'state'>): VpcRecord | undefined {
  for (const vpc of ctx.state.all('vpc')) if (vpc.IsDefault) return vpc;
  return undefined;
}

/** A security group by id, or by name in a VPC (the default VPC when none is named), as EC2 finds group names. */
export function findSecurityGroup(
  ctx: Pick<ControlContext, 'state'>,
  reader: Reader,
  ref: { GroupId?: string; GroupName?: string; VpcId?: string },
): SecurityGroupRecord {
  if (ref.GroupId) return resolveSecurityGroup(reader, ref.GroupId);
  const vpcId = ref.VpcId ?? defaultVpc(ctx)?.VpcId;
  const group = vpcId === undefined ? undefined : ctx.state.where(securityGroupsByVpc, vpcId).find((g) => g.GroupName === ref.GroupName);
  if (!group) {
    throw new InvalidGroupNotFound(`The security group '${ref.GroupName ?? ''}' does not exist in default VPC '${vpcId ?? 'none'}'`);
  }
  return reader.get('securityGroup', group.GroupId) ?? group;
}

export const subnetArn = (ctx: Pick<ControlContext, 'partition'>, subnetId: string) => arn(ctx.partition, 'ec2', `subnet/${subnetId}`);
export const securityGroupArn = (ctx: Pick<ControlContext, 'partition'>, groupId: string) =>
  arn(ctx.partition, 'ec2', `security-group/${groupId}`);
export const securityGroupRuleArn = (ctx: Pick<ControlContext, 'partition'>, ruleId: string) =>
  arn(ctx.partition, 'ec2', `security-group-rule/${ruleId}`);

export function resolveInternetGateway(reader: Reader, id: string): InternetGatewayRecord {
  const gateway = reader.get('internetGateway', id);
  if (!gateway) throw EC2_RESOURCES.igw!.notFound(id);
  return gateway;
}

export function resolveRouteTable(reader: Reader, id: string): RouteTableRecord {
  const table = reader.get('routeTable', id);
  if (!table) throw EC2_RESOURCES.rtb!.notFound(id);
  return table;
}

export function resolveNatGateway(reader: Reader, id: string): NatGatewayRecord {
  const gateway = reader.get('natGateway', id);
  if (!gateway || gateway.State === 'deleted') throw EC2_RESOURCES.nat!.notFound(id);
  return gateway;
}

export function resolveAddress(reader: Reader, allocationId: string): AddressRecord {
  const address = reader.get('elasticIp', allocationId);
  if (!address) throw EC2_RESOURCES.eipalloc!.notFound(allocationId);
  return address;
}

export function resolveVpcEndpoint(reader: Reader, id: string): VpcEndpointRecord {
  const endpoint = reader.get('vpcEndpoint', id);
  if (!endpoint) throw EC2_RESOURCES.vpce!.notFound(id);
  return endpoint;
}
