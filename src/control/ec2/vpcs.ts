// Creating VPC records, shared by CreateVpc, CreateSubnet, CreateSecurityGroup and the default VPC: each VPC
// comes with its `default` security group (all traffic in from its own members, all traffic out), its main
// route table (the local route) and its default network ACL (everything allowed), and a region starts with
// a default VPC (172.31.0.0/16) holding one default /20 subnet per availability zone and an attached
// internet gateway its main route table sends 0.0.0.0/0 to, as on AWS.
import {
  DEFAULT_SECURITY_GROUP,
  DEFAULT_SUBNET_PREFIX,
  DEFAULT_VPC_CIDR,
  ec2Id,
  vpcAttributes,
  type Ec2Tag,
  type InternetGatewayRecord,
  type NetworkAclRecord,
  type RouteTableRecord,
  type SecurityGroupRecord,
  type SubnetRecord,
  type VpcRecord,
} from '../../core/ec2.js';
import { formatCidr, parseCidr } from '../../core/ipv4.js';
import type { ControlContext } from '../context.js';
import type { Transaction } from '../state.js';
import { defaultVpc, securityGroupArn, securityGroupRuleArn, subnetArn } from './lookups.js';
import { networkAclsByVpc, routeTablesByVpc } from './indexes.js';
import { entriesOf, ruleOf, withRules, type RuleEntry } from './security-group-rules.js';
import { availabilityZones } from './zones.js';

export function newVpc(ctx: ControlContext, cidrBlock: string, isDefault: boolean, tags: Ec2Tag[] = []): VpcRecord {
  const vpcId = ec2Id('vpc', ctx.ids.id());
  return {
    VpcId: vpcId,
    CidrBlock: cidrBlock,
    IsDefault: isDefault,
    State: 'available',
    OwnerId: ctx.partition.accountId,
    InstanceTenancy: 'default',
    DhcpOptionsId: 'default',
    CidrBlockAssociationSet: [{ AssociationId: `vpc-cidr-assoc-${ctx.ids.id().slice(-17)}`, CidrBlock: cidrBlock, CidrBlockState: { State: 'associated' } }],
    Ipv6CidrBlockAssociationSet: [],
    Tags: tags,
    attributes: vpcAttributes(isDefault),
  };
}

export function newSecurityGroup(ctx: ControlContext, vpcId: string, name: string, description: string, tags: Ec2Tag[] = []): SecurityGroupRecord {
  const groupId = ec2Id('sg', ctx.ids.id());
  const group: SecurityGroupRecord = {
    GroupId: groupId,
    GroupName: name,
    Description: description,
    VpcId: vpcId,
    OwnerId: ctx.partition.accountId,
    SecurityGroupArn: securityGroupArn(ctx, groupId),
    IpPermissions: [],
    IpPermissionsEgress: [],
    rules: [],
    Tags: tags,
  };
  // EC2's defaults: a new group lets nothing in and everything out.
  return withRules(group, [newRule(ctx, group, { protocol: '-1', source: { cidr: '0.0.0.0/0' } }, true)]);
}

/** A new rule of `group`, with a fresh id. */
export function newRule(ctx: ControlContext, group: SecurityGroupRecord, entry: RuleEntry, isEgress: boolean, tags: Ec2Tag[] = []) {
  const id = ec2Id('sgr', ctx.ids.id());
  return ruleOf(group, entry, isEgress, id, tags, securityGroupRuleArn(ctx, id));
}

/** A VPC's `default` group: its members reach each other on everything. */
export function newDefaultSecurityGroup(ctx: ControlContext, vpcId: string): SecurityGroupRecord {
  const group = newSecurityGroup(ctx, vpcId, DEFAULT_SECURITY_GROUP, 'default VPC security group');
  const self = newRule(ctx, group, { protocol: '-1', source: { groupId: group.GroupId, userId: ctx.partition.accountId } }, false);
  return withRules(group, [self, ...group.rules]);
}

/** A VPC's main route table: the local route (the VPC's block to `local`), associated with every subnet not given another. */
export function newMainRouteTable(ctx: ControlContext, vpc: VpcRecord): RouteTableRecord {
  const table = newRouteTable(ctx, vpc);
  return { ...table, Associations: [{ Main: true, RouteTableAssociationId: ec2Id('rtbassoc', ctx.ids.id()), RouteTableId: table.RouteTableId, AssociationState: { State: 'associated' } }] };
}

export function newRouteTable(ctx: ControlContext, vpc: VpcRecord, tags: Ec2Tag[] = []): RouteTableRecord {
  return {
    RouteTableId: ec2Id('rtb', ctx.ids.id()),
    VpcId: vpc.VpcId,
    OwnerId: ctx.partition.accountId,
    Routes: [{ DestinationCidrBlock: vpc.CidrBlock, GatewayId: 'local', Origin: 'CreateRouteTable', State: 'active' }],
    Associations: [],
    PropagatingVgws: [],
    Tags: tags,
  };
}

/** A VPC's default network ACL: rule 100 allows everything in and out, the catch-all denies the rest. */
export function newDefaultNetworkAcl(ctx: ControlContext, vpc: VpcRecord): NetworkAclRecord {
  const entries = [false, true].flatMap((egress) => [
    { CidrBlock: '0.0.0.0/0', Egress: egress, Protocol: '-1', RuleAction: 'allow' as const, RuleNumber: 100 },
    { CidrBlock: '0.0.0.0/0', Egress: egress, Protocol: '-1', RuleAction: 'deny' as const, RuleNumber: 32767 },
  ]);
  return { NetworkAclId: ec2Id('acl', ctx.ids.id()), VpcId: vpc.VpcId, IsDefault: true, OwnerId: ctx.partition.accountId, Entries: entries, Associations: [], Tags: [] };
}

export function newInternetGateway(ctx: ControlContext, tags: Ec2Tag[] = []): InternetGatewayRecord {
  return { InternetGatewayId: ec2Id('igw', ctx.ids.id()), OwnerId: ctx.partition.accountId, Attachments: [], Tags: tags };
}

export function newSubnet(
  ctx: ControlContext,
  vpcId: string,
  cidrBlock: string,
  zone: { ZoneName: string; ZoneId: string },
  defaultForAz: boolean,
  tags: Ec2Tag[] = [],
): SubnetRecord {
  const subnetId = ec2Id('subnet', ctx.ids.id());
  return {
    SubnetId: subnetId,
    SubnetArn: subnetArn(ctx, subnetId),
    VpcId: vpcId,
    CidrBlock: cidrBlock,
    AvailabilityZone: zone.ZoneName,
    AvailabilityZoneId: zone.ZoneId,
    DefaultForAz: defaultForAz,
    // Default subnets give instances public addresses; other subnets do not unless told.
    MapPublicIpOnLaunch: defaultForAz,
    MapCustomerOwnedIpOnLaunch: false,
    AssignIpv6AddressOnCreation: false,
    Ipv6CidrBlockAssociationSet: [],
    Ipv6Native: false,
    EnableDns64: false,
    OwnerId: ctx.partition.accountId,
    State: 'available',
    PrivateDnsNameOptionsOnLaunch: { HostnameType: 'ip-name', EnableResourceNameDnsARecord: false, EnableResourceNameDnsAAAARecord: false },
    Tags: tags,
  };
}

/**
 * Writes a VPC with its default security group, main route table (with `routes` after the local one) and
 * default network ACL; answers the VPC.
 */
export function putVpc(ctx: ControlContext, tx: Transaction, vpc: VpcRecord, routes: RouteTableRecord['Routes'] = []): VpcRecord {
  tx.put('vpc', vpc.VpcId, vpc);
  const group = newDefaultSecurityGroup(ctx, vpc.VpcId);
  tx.put('securityGroup', group.GroupId, group);
  const table = newMainRouteTable(ctx, vpc);
  tx.put('routeTable', table.RouteTableId, { ...table, Routes: [...table.Routes, ...routes] });
  const acl = newDefaultNetworkAcl(ctx, vpc);
  tx.put('networkAcl', acl.NetworkAclId, acl);
  return vpc;
}

/**
 * Gives records from before Wharf kept them what they now have: VPCs their attributes, main route table and
 * default network ACL, security groups their rules with ids. Runs at every start; nothing to do is cheap.
 */
export async function upgradeRecords(ctx: ControlContext): Promise<void> {
  const vpcs = [...ctx.state.all('vpc')].filter((v) => !v.attributes || !ctx.state.where(routeTablesByVpc, v.VpcId).some((t) => t.Associations.some((a) => a.Main)));
  const groups = [...ctx.state.all('securityGroup')].filter((g) => !g.rules);
  if (vpcs.length === 0 && groups.length === 0) return;
  await ctx.state.mutate((tx) => {
    for (const old of vpcs) {
      const vpc = { ...old, attributes: old.attributes ?? vpcAttributes(old.IsDefault) };
      tx.put('vpc', vpc.VpcId, vpc);
      const table = newMainRouteTable(ctx, vpc);
      tx.put('routeTable', table.RouteTableId, table);
      if (!ctx.state.where(networkAclsByVpc, vpc.VpcId).some((a) => a.IsDefault)) {
        const acl = newDefaultNetworkAcl(ctx, vpc);
        tx.put('networkAcl', acl.NetworkAclId, acl);
      }
    }
    for (const group of groups) {
      const rules = [false, true].flatMap((isEgress) =>
        entriesOf(isEgress ? group.IpPermissionsEgress : group.IpPermissions).map((entry) => newRule(ctx, group, entry, isEgress)),
      );
      tx.put('securityGroup', group.GroupId, withRules(group, rules));
    }
  });
  ctx.log.info('ec2 records upgraded', { vpcs: vpcs.length, securityGroups: groups.length });
}

/** Creates the region's default VPC, its default subnets and group, unless it has a default VPC already. */
export async function ensureDefaultVpc(ctx: ControlContext): Promise<VpcRecord> {
  return ctx.state.mutate((tx) => {
    const existing = defaultVpc(ctx);
    if (existing) return existing;
    const gateway = newInternetGateway(ctx);
    const range = ctx.defaultVpcCidr ?? DEFAULT_VPC_CIDR;
    const vpc = putVpc(ctx, tx, newVpc(ctx, range, true), [
      { DestinationCidrBlock: '0.0.0.0/0', GatewayId: gateway.InternetGatewayId, Origin: 'CreateRoute', State: 'active' },
    ]);
    tx.put('internetGateway', gateway.InternetGatewayId, { ...gateway, Attachments: [{ State: 'available', VpcId: vpc.VpcId }] });
    const { base } = parseCidr(range)!;
    const size = 2 ** (32 - DEFAULT_SUBNET_PREFIX);
    availabilityZones(ctx.partition.region).forEach((zone, i) => {
      const cidr = formatCidr({ base: base + i * size, prefix: DEFAULT_SUBNET_PREFIX });
      const subnet = newSubnet(ctx, vpc.VpcId, cidr, zone, true);
      tx.put('subnet', subnet.SubnetId, subnet);
    });
    ctx.log.info('default vpc created', { vpcId: vpc.VpcId });
    return vpc;
  });
}
