// awsvpc networking of tasks, both launch types: the network configuration a launch request gives (subnets
// and security groups, checked as ECS checks them against EC2), and the elastic network interface each task
// gets, shown in the task's `attachments` and its containers' `networkInterfaces` as ECS fills them.
import type { AwsVpcConfiguration, KeyValuePair } from '@aws-sdk/client-ecs';
import type { TaskNetwork } from '../../core/agent-protocol.js';
import type { SecurityGroupRecord, SubnetRecord } from '../../core/ec2.js';
import { DEFAULT_SECURITY_GROUP } from '../../core/ec2.js';
import type { TaskRecord } from '../../core/ecs.js';
import { InvalidParameterException } from '../../core/ecs-errors.js';
import { formatIpv4, parseCidr, subnetGateway } from '../../core/ipv4.js';
import { applyTaskReport, requestStop } from '../../core/task-lifecycle.js';
import type { ControlContext } from '../context.js';
import { createTaskInterface } from '../ec2/network-interfaces.js';
import { firewallRules } from '../ec2/security-group-rules.js';
import type { State, Transaction } from '../state.js';
import type { Reader } from './lookups.js';
import { networkInterfacesBySubnet, networkInterfacesByTask, securityGroupsByVpc } from '../ec2/indexes.js';

const MAX_SUBNETS = 16;
const MAX_SECURITY_GROUPS = 5;

/** Where a task's interface may go and the groups it is in, once checked. */
export interface TaskNetworkPlacement {
  subnets: SubnetRecord[];
  groups: SecurityGroupRecord[];
}

/** The subnets and security groups of an awsvpc configuration, each checked to exist and to share one VPC. */
export function resolveAwsvpcConfiguration(ctx: ControlContext, config: AwsVpcConfiguration, reader: Reader): TaskNetworkPlacement {
  const subnetIds = config.subnets ?? [];
  if (subnetIds.length === 0) throw new InvalidParameterException('subnets can not be empty.');
  if (subnetIds.length > MAX_SUBNETS) throw new InvalidParameterException(`At most ${MAX_SUBNETS} subnets can be specified.`);
  const groupIds = config.securityGroups ?? [];
  if (groupIds.length > MAX_SECURITY_GROUPS) throw new InvalidParameterException(`At most ${MAX_SECURITY_GROUPS} security groups can be specified.`);

  const missingSubnets = subnetIds.filter((id) => !reader.get('subnet', id));
  if (missingSubnets.length > 0) {
    throw new InvalidParameterException(
      `Error retrieving subnet information for [${missingSubnets.join(', ')}]: The subnet ID '${missingSubnets[0]}' does not exist (ErrorCode: InvalidSubnetID.NotFound)`,
    );
  }
  const subnets = [...new Set(subnetIds)].map((id) => reader.get('subnet', id)!);
  const vpcId = subnets[0]!.VpcId;
  if (subnets.some((s) => s.VpcId !== vpcId)) throw new InvalidParameterException('The subnets must all be in the same VPC.');

  const missingGroups = groupIds.filter((id) => !reader.get('securityGroup', id));
  if (missingGroups.length > 0) {
    throw new InvalidParameterException(
      `Error retrieving security group information for [${missingGroups.join(', ')}]: The security group '${missingGroups[0]}' does not exist (ErrorCode: InvalidGroup.NotFound)`,
    );
  }
  // Without groups, the task's interface is in its VPC's default group.
  const groups = groupIds.length
    ? [...new Set(groupIds)].map((id) => reader.get('securityGroup', id)!)
    : ctx.state.where(securityGroupsByVpc, vpcId).filter((g) => g.GroupName === DEFAULT_SECURITY_GROUP);
  const stranger = groups.find((g) => g.VpcId !== vpcId);
  if (stranger) {
    throw new InvalidParameterException(`Security group ${stranger.GroupId} does not appear to belong to the same VPC as the input subnets.`);
  }
  if (groups.length === 0) throw new InvalidParameterException('security group cannot be blank.');
  return { subnets, groups };
}

/** Fargate's and ECS's words when a subnet has no address left for a task's interface. */
export const addressesExhausted = (subnetId: string) =>
  `ResourceInitializationError: Unexpected EC2 error while attempting to Create Network Interface in subnet '${subnetId}': InsufficientFreeAddressesInSubnet`;

/**
 * Gives a new task its interface: in the subnet (of those allowed) in `zone` if there is one, else the one
 * with the fewest interfaces. A subnet without a free address fails the task, as ECS does, with the task
 * STOPPED at once; nothing is left behind.
 */
export function attachTaskNetwork(ctx: ControlContext, tx: Transaction, task: TaskRecord, placement: TaskNetworkPlacement, zone?: string): TaskRecord {
  const inZone = placement.subnets.filter((s) => s.AvailabilityZone === zone);
  const candidates = inZone.length ? inZone : placement.subnets;
  const load = (s: SubnetRecord) => ctx.state.where(networkInterfacesBySubnet, s.SubnetId).length;
  const subnet = candidates.reduce((a, b) => (load(b) < load(a) ? b : a));
  const attachmentId = uuid(ctx.ids.id());
  const eni = createTaskInterface(ctx, tx, { taskArn: task.taskArn, attachmentId, subnet, groups: placement.groups });
  if (!eni) {
    const now = ctx.clock.now();
    const reason = addressesExhausted(subnet.SubnetId);
    ctx.log.warn('task network interface not created', { taskArn: task.taskArn, subnetId: subnet.SubnetId });
    const stopping = requestStop(task, { stopCode: 'TaskFailedToStart', stoppedReason: reason }, now);
    return applyTaskReport(stopping, { status: 'STOPPED', reason }, now);
  }
  const details: KeyValuePair[] = [
    { name: 'subnetId', value: subnet.SubnetId },
    { name: 'networkInterfaceId', value: eni.NetworkInterfaceId },
    { name: 'macAddress', value: eni.MacAddress },
    { name: 'privateDnsName', value: eni.PrivateDnsName },
    { name: 'privateIPv4Address', value: eni.PrivateIpAddress },
  ];
  return {
    ...task,
    availabilityZone: subnet.AvailabilityZone,
    attachments: [...(task.attachments ?? []), { id: attachmentId, type: 'ElasticNetworkInterface', status: 'PRECREATED', details }],
    containers: task.containers.map((c) => ({ ...c, networkInterfaces: [{ attachmentId, privateIpv4Address: eni.PrivateIpAddress }] })),
  };
}

/** A UUID (8-4-4-4-12) from 32 hex digits, as ECS writes attachment ids. */
export const uuid = (hex: string) => `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;

/** An awsvpc task's interface as its agent sets it up, with what its security groups let in now. */
export function taskNetwork(state: Pick<State, 'where' | 'get' | 'all'>, task: TaskRecord): TaskNetwork | undefined {
  const attachment = task.attachments?.find((a) => a.type === 'ElasticNetworkInterface');
  const eni = state.where(networkInterfacesByTask, task.taskArn)[0];
  const subnet = eni && state.get('subnet', eni.SubnetId);
  if (!attachment?.id || !eni || !subnet) return undefined;
  const cidr = parseCidr(subnet.CidrBlock)!;
  return {
    attachmentId: attachment.id,
    networkInterfaceId: eni.NetworkInterfaceId,
    subnetId: subnet.SubnetId,
    vpcId: subnet.VpcId,
    subnetCidr: subnet.CidrBlock,
    gateway: formatIpv4(subnetGateway(cidr)),
    privateIpv4Address: eni.PrivateIpAddress,
    macAddress: eni.MacAddress,
    privateDnsName: eni.PrivateDnsName,
    ...firewallRules(state, eni.Groups.map((g) => g.GroupId)),
  };
}
