// Task network interfaces (awsvpc): each task gets one, in a subnet it was given, with an address Wharf
// picks from the subnet (round-robin past the addresses in use) and a MAC address of its own. The interface
// lives as long as its task: it shows in DescribeNetworkInterfaces until the task stops.
import { arn } from '../../core/arn.js';
import { ec2Id, type NetworkInterfaceRecord, type SecurityGroupRecord, type SubnetRecord } from '../../core/ec2.js';
import { formatIpv4, nextFreeAddress, parseCidr, parseIpv4, usableAddresses } from '../../core/ipv4.js';
import type { ControlContext } from '../context.js';
import type { State, Transaction } from '../state.js';
import { networkInterfacesBySubnet, networkInterfacesByTask } from './indexes.js';

/** The account AWS's managed interfaces (Fargate's, ECS's) are requested by. */
const ECS_REQUESTER_ID = '578734482556';

/** Addresses held in a subnet: by its interfaces, including those this mutation just made. */
function takenAddresses(state: Pick<State, 'where'>, tx: Transaction, subnetId: string): Set<number> {
  const taken = new Set<number>();
  const add = (eni: NetworkInterfaceRecord | undefined) => {
    if (eni?.SubnetId === subnetId) taken.add(parseIpv4(eni.PrivateIpAddress)!);
  };
  for (const eni of state.where(networkInterfacesBySubnet, subnetId)) add(tx.get('networkInterface', eni.NetworkInterfaceId));
  for (const staged of tx.staged.values()) if (staged.kind === 'networkInterface') add(staged.doc as NetworkInterfaceRecord | undefined);
  return taken;
}

/** How many addresses of the subnet are free (DescribeSubnets' AvailableIpAddressCount). */
export function availableAddressCount(state: Pick<State, 'where'>, subnet: SubnetRecord): number {
  return usableAddresses(parseCidr(subnet.CidrBlock)!) - state.where(networkInterfacesBySubnet, subnet.SubnetId).length;
}

/** The DNS name EC2 gives an address: `ip-10-0-0-5.ec2.internal` in us-east-1, `ip-...<region>.compute.internal` elsewhere. */
export function privateDnsName(region: string, address: string): string {
  const host = `ip-${address.replaceAll('.', '-')}`;
  return region === 'us-east-1' ? `${host}.ec2.internal` : `${host}.${region}.compute.internal`;
}

/** A locally administered, unicast MAC address (`0a:` and five random bytes), as EC2's look. */
const macAddress = (hex: string) => ['0a', ...hex.slice(-10).match(/../g)!].join(':');

/**
 * A new interface for a task in `subnet` with `groups`, written in `tx`; undefined when the subnet has no
 * free address left.
 */
export function createTaskInterface(
  ctx: ControlContext,
  tx: Transaction,
  request: { taskArn: string; attachmentId: string; subnet: SubnetRecord; groups: SecurityGroupRecord[] },
): NetworkInterfaceRecord | undefined {
  const subnet = tx.get('subnet', request.subnet.SubnetId) ?? request.subnet;
  const cidr = parseCidr(subnet.CidrBlock)!;
  const next = nextFreeAddress(cidr, takenAddresses(ctx.state, tx, subnet.SubnetId), subnet.nextOffset);
  if (!next) return undefined;
  tx.put('subnet', subnet.SubnetId, { ...subnet, nextOffset: next.nextOffset });
  const address = formatIpv4(next.address);
  const eniId = ec2Id('eni', ctx.ids.id());
  const eni: NetworkInterfaceRecord = {
    NetworkInterfaceId: eniId,
    SubnetId: subnet.SubnetId,
    VpcId: subnet.VpcId,
    AvailabilityZone: subnet.AvailabilityZone,
    AvailabilityZoneId: subnet.AvailabilityZoneId,
    PrivateIpAddress: address,
    PrivateIpAddresses: [{ Primary: true, PrivateIpAddress: address, PrivateDnsName: privateDnsName(ctx.partition.region, address) }],
    PrivateDnsName: privateDnsName(ctx.partition.region, address),
    MacAddress: macAddress(ctx.ids.id()),
    Status: 'in-use',
    InterfaceType: 'interface',
    // ECS names the interface after the task's attachment, and manages it for the user.
    Description: arn(ctx.partition, 'ecs', `attachment/${request.attachmentId}`),
    RequesterId: ECS_REQUESTER_ID,
    RequesterManaged: true,
    SourceDestCheck: true,
    OwnerId: ctx.partition.accountId,
    Groups: request.groups.map((g) => ({ GroupId: g.GroupId, GroupName: g.GroupName })),
    Ipv6Addresses: [],
    TagSet: [],
    Attachment: {
      AttachmentId: `ela-attach-${ctx.ids.id().slice(-17)}`,
      AttachTime: ctx.clock.now(),
      DeleteOnTermination: true,
      DeviceIndex: 1,
      NetworkCardIndex: 0,
      InstanceOwnerId: ECS_REQUESTER_ID,
      Status: 'attached',
    },
    taskArn: request.taskArn,
  };
  tx.put('networkInterface', eniId, eni);
  return eni;
}

/** Deletes a task's interfaces (its task has stopped); answers how many went. */
export function deleteTaskInterfaces(state: Pick<State, 'where'>, tx: Transaction, taskArn: string): number {
  const enis = state.where(networkInterfacesByTask, taskArn);
  for (const eni of enis) tx.delete('networkInterface', eni.NetworkInterfaceId);
  return enis.length;
}
