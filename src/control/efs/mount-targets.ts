// Mount targets: CreateMountTarget (one per Availability Zone per file system, all in one VPC, each with a
// requester-managed network interface in its subnet, which EC2 shows and its security groups hold),
// DescribeMountTargets, DeleteMountTarget, Describe/ModifyMountTargetSecurityGroups.
import { efsId, type MountTargetRecord } from '../../core/efs.js';
import {
  AvailabilityZonesMismatch,
  BadRequest,
  IpAddressInUse,
  MountTargetConflict,
  MountTargetNotFound,
  NoFreeAddressesInSubnet,
  SecurityGroupLimitExceeded,
  SecurityGroupNotFound,
  SubnetNotFound,
} from '../../core/efs-errors.js';
import { addressIn, parseCidr, parseIpv4 } from '../../core/ipv4.js';
import type { SecurityGroupRecord, SubnetRecord } from '../../core/ec2.js';
import type { ControlContext } from '../context.js';
import { networkInterfacesBySubnet, securityGroupsByVpc } from '../ec2/indexes.js';
import { createTaskInterface, privateDnsName } from '../ec2/network-interfaces.js';
import type { Reader } from '../ecs/lookups.js';
import type { Transaction } from '../state.js';
import { resolveAccessPoint } from './access-points.js';
import { resolveFileSystem } from './file-systems.js';
import { mountTargetsByFileSystem } from './indexes.js';
import { page } from './pages.js';

const MAX_SECURITY_GROUPS = 5;

export function resolveMountTarget(reader: Reader, id: string): MountTargetRecord {
  const record = reader.get('efsMountTarget', id);
  if (!record) throw new MountTargetNotFound(`Mount target '${id}' does not exist.`);
  return record;
}

/** The groups named (or the VPC's default group), each in the mount target's VPC. */
function securityGroups(ctx: ControlContext, reader: Reader, vpcId: string, ids: readonly string[] | undefined): SecurityGroupRecord[] {
  if (ids && ids.length > MAX_SECURITY_GROUPS) throw new SecurityGroupLimitExceeded(`A mount target can have at most ${MAX_SECURITY_GROUPS} security groups.`);
  if (!ids?.length) {
    const group = ctx.state.where(securityGroupsByVpc, vpcId).find((g) => g.GroupName === 'default');
    if (!group) throw new SecurityGroupNotFound(`VPC '${vpcId}' has no default security group.`);
    return [group];
  }
  return [...new Set(ids)].map((id) => {
    const group = reader.get('securityGroup', id);
    if (!group || group.VpcId !== vpcId) throw new SecurityGroupNotFound(`Security group '${id}' does not exist in VPC '${vpcId}'.`);
    return group;
  });
}

/** The address asked for: in the subnet's usable range and not held by another interface. */
function checkAddress(ctx: ControlContext, subnet: SubnetRecord, address: string): void {
  const value = parseIpv4(address);
  const cidr = parseCidr(subnet.CidrBlock)!;
  if (value === undefined || !addressIn(value, cidr) || value - cidr.base < 4) {
    throw new BadRequest(`IP address ${address} is not in the usable range of subnet '${subnet.SubnetId}' (${subnet.CidrBlock}).`);
  }
  if (ctx.state.where(networkInterfacesBySubnet, subnet.SubnetId).some((eni) => eni.PrivateIpAddress === address)) {
    throw new IpAddressInUse(`IP address ${address} is already in use in subnet '${subnet.SubnetId}'.`);
  }
}

export async function createMountTarget(
  ctx: ControlContext,
  input: { FileSystemId: string; SubnetId: string; IpAddress?: string; IpAddressType?: string; SecurityGroups?: string[] },
) {
  if (input.IpAddressType !== undefined && input.IpAddressType !== 'IPV4_ONLY') throw new BadRequest('Only IPV4_ONLY mount targets are supported.');
  const record = await ctx.state.mutate((tx) => {
    const fs = resolveFileSystem(tx, input.FileSystemId);
    const subnet = tx.get('subnet', input.SubnetId);
    if (!subnet) throw new SubnetNotFound(`The subnet ID '${input.SubnetId}' does not exist`);
    if (fs.AvailabilityZoneName !== undefined && fs.AvailabilityZoneName !== subnet.AvailabilityZone) {
      throw new AvailabilityZonesMismatch(`One Zone file system '${fs.FileSystemId}' is in ${fs.AvailabilityZoneName}; subnet '${subnet.SubnetId}' is in ${subnet.AvailabilityZone}.`);
    }
    for (const other of ctx.state.where(mountTargetsByFileSystem, fs.FileSystemId)) {
      if (other.VpcId !== subnet.VpcId) {
        throw new MountTargetConflict(`File system '${fs.FileSystemId}' has mount targets in VPC '${other.VpcId}'; all of its mount targets must be in one VPC.`);
      }
      if (other.AvailabilityZoneName === subnet.AvailabilityZone) {
        throw new MountTargetConflict(`mount target already exists in this AZ (${other.MountTargetId} in ${subnet.AvailabilityZone}).`);
      }
    }
    const groups = securityGroups(ctx, tx, subnet.VpcId, input.SecurityGroups);
    if (input.IpAddress !== undefined) checkAddress(ctx, subnet, input.IpAddress);
    const id = efsId('fsmt', ctx.ids.id());
    const eni = createTaskInterface(ctx, tx, { taskArn: id, attachmentId: id, subnet, groups });
    if (!eni) throw new NoFreeAddressesInSubnet(`Subnet '${subnet.SubnetId}' has no free IP addresses.`);
    const address = input.IpAddress ?? eni.PrivateIpAddress;
    // EFS's interface is attached to no instance.
    const { Attachment: _attachment, ...unattached } = eni;
    tx.put('networkInterface', eni.NetworkInterfaceId, {
      ...unattached,
      Description: `EFS mount target for ${fs.FileSystemId} (${id})`,
      PrivateIpAddress: address,
      PrivateDnsName: privateDnsName(ctx.partition.region, address),
      PrivateIpAddresses: [{ Primary: true, PrivateIpAddress: address, PrivateDnsName: privateDnsName(ctx.partition.region, address) }],
    });
    const target: MountTargetRecord = {
      MountTargetId: id,
      FileSystemId: fs.FileSystemId,
      OwnerId: ctx.partition.accountId,
      SubnetId: subnet.SubnetId,
      VpcId: subnet.VpcId,
      LifeCycleState: 'available',
      IpAddress: address,
      NetworkInterfaceId: eni.NetworkInterfaceId,
      ...(subnet.AvailabilityZoneId && { AvailabilityZoneId: subnet.AvailabilityZoneId }),
      AvailabilityZoneName: subnet.AvailabilityZone,
      SecurityGroups: groups.map((g) => g.GroupId),
    };
    return tx.put('efsMountTarget', id, target);
  });
  ctx.log.info('mount target created', { mountTargetId: record.MountTargetId, fileSystemId: record.FileSystemId, subnetId: record.SubnetId });
  return describeMountTarget(record);
}

const describeMountTarget = ({ SecurityGroups: _groups, ...description }: MountTargetRecord) => description;

export function describeMountTargets(ctx: ControlContext, input: { MaxItems?: number; Marker?: string; FileSystemId?: string; MountTargetId?: string; AccessPointId?: string }) {
  const given = [input.FileSystemId, input.MountTargetId, input.AccessPointId].filter((x) => x !== undefined).length;
  if (given !== 1) throw new BadRequest('Exactly one of FileSystemId, MountTargetId or AccessPointId must be specified.');
  const fileSystemId = input.AccessPointId !== undefined ? resolveAccessPoint(ctx.state, input.AccessPointId).FileSystemId : input.FileSystemId;
  const all = input.MountTargetId !== undefined
    ? [resolveMountTarget(ctx.state, input.MountTargetId)]
    : ctx.state.where(mountTargetsByFileSystem, resolveFileSystem(ctx.state, fileSystemId!).FileSystemId).sort((a, b) => (a.MountTargetId < b.MountTargetId ? -1 : 1));
  const { items, next } = page(all, input.Marker, input.MaxItems);
  return { ...(input.Marker !== undefined && { Marker: input.Marker }), MountTargets: items.map(describeMountTarget), ...(next && { NextMarker: next }) };
}

/** Deletes a mount target and its interface. */
export async function deleteMountTarget(ctx: ControlContext, input: { MountTargetId: string }): Promise<Record<string, never>> {
  await ctx.state.mutate((tx) => {
    const target = resolveMountTarget(tx, input.MountTargetId);
    tx.delete('networkInterface', target.NetworkInterfaceId);
    tx.delete('efsMountTarget', target.MountTargetId);
  });
  ctx.log.info('mount target deleted', { mountTargetId: input.MountTargetId });
  return {};
}

export function describeMountTargetSecurityGroups(ctx: ControlContext, input: { MountTargetId: string }) {
  return { SecurityGroups: resolveMountTarget(ctx.state, input.MountTargetId).SecurityGroups };
}

export async function modifyMountTargetSecurityGroups(ctx: ControlContext, input: { MountTargetId: string; SecurityGroups?: string[] }): Promise<Record<string, never>> {
  await ctx.state.mutate((tx: Transaction) => {
    const target = resolveMountTarget(tx, input.MountTargetId);
    const groups = securityGroups(ctx, tx, target.VpcId, input.SecurityGroups);
    const eni = tx.get('networkInterface', target.NetworkInterfaceId);
    if (eni) tx.put('networkInterface', eni.NetworkInterfaceId, { ...eni, Groups: groups.map((g) => ({ GroupId: g.GroupId, GroupName: g.GroupName })) });
    tx.put('efsMountTarget', target.MountTargetId, { ...target, SecurityGroups: groups.map((g) => g.GroupId) });
  });
  return {};
}
