// Creating VPC records, shared by CreateVpc, CreateSubnet, CreateSecurityGroup and the default VPC: each VPC
// comes with its `default` security group (all traffic in from its own members, all traffic out), and a
// region starts with a default VPC (172.31.0.0/16) holding one default /20 subnet per availability zone.
import { DEFAULT_SECURITY_GROUP, DEFAULT_SUBNET_PREFIX, DEFAULT_VPC_CIDR, ec2Id, type Ec2Tag, type SecurityGroupRecord, type SubnetRecord, type VpcRecord } from '../../core/ec2.js';
import { formatCidr, parseCidr } from '../../core/ipv4.js';
import type { ControlContext } from '../context.js';
import type { Transaction } from '../state.js';
import { defaultVpc, securityGroupArn, subnetArn } from './lookups.js';
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
  };
}

export function newSecurityGroup(ctx: ControlContext, vpcId: string, name: string, description: string, tags: Ec2Tag[] = []): SecurityGroupRecord {
  const groupId = ec2Id('sg', ctx.ids.id());
  return {
    GroupId: groupId,
    GroupName: name,
    Description: description,
    VpcId: vpcId,
    OwnerId: ctx.partition.accountId,
    SecurityGroupArn: securityGroupArn(ctx, groupId),
    // EC2's defaults: a new group lets nothing in and everything out.
    IpPermissions: [],
    IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] }],
    Tags: tags,
  };
}

/** A VPC's `default` group: its members reach each other on everything. */
export function newDefaultSecurityGroup(ctx: ControlContext, vpcId: string): SecurityGroupRecord {
  const group = newSecurityGroup(ctx, vpcId, DEFAULT_SECURITY_GROUP, 'default VPC security group');
  const self = { GroupId: group.GroupId, UserId: ctx.partition.accountId };
  return { ...group, IpPermissions: [{ IpProtocol: '-1', IpRanges: [], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [self] }] };
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

/** Writes a VPC with its default security group; answers the VPC. */
export function putVpc(ctx: ControlContext, tx: Transaction, vpc: VpcRecord): VpcRecord {
  tx.put('vpc', vpc.VpcId, vpc);
  const group = newDefaultSecurityGroup(ctx, vpc.VpcId);
  tx.put('securityGroup', group.GroupId, group);
  return vpc;
}

/** Creates the region's default VPC, its default subnets and group, unless it has a default VPC already. */
export async function ensureDefaultVpc(ctx: ControlContext): Promise<VpcRecord> {
  return ctx.state.mutate((tx) => {
    const existing = defaultVpc(ctx);
    if (existing) return existing;
    const vpc = putVpc(ctx, tx, newVpc(ctx, DEFAULT_VPC_CIDR, true));
    const { base } = parseCidr(DEFAULT_VPC_CIDR)!;
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
