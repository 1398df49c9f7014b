// DescribeInstances and DescribeInstanceStatus: instances by id, EC2's documented filters, pages; grouped in
// the reservations they were launched in. Terminated instances stay visible for an hour (instance-controller).
import type {
  DescribeInstancesRequest,
  DescribeInstancesResult,
  DescribeInstanceStatusRequest,
  DescribeInstanceStatusResult,
  InstanceStatus,
  Reservation,
} from '@aws-sdk/client-ec2';
import { INSTANCE_STATE_CODES, type InstanceRecord } from '../../core/ec2-instances.js';
import { InvalidInstanceIDNotFound } from '../../core/ec2-instances-errors.js';
import { InvalidParameterCombination } from '../../core/ec2-errors.js';
import type { ControlContext } from '../context.js';
import { describe, type FilterFields } from './describe.js';
import { resolveInstances } from './instances.js';
import { findZone } from './zones.js';

const eni = (i: InstanceRecord) => i.NetworkInterfaces?.[0];

export const INSTANCE_FIELDS: FilterFields<InstanceRecord> = {
  architecture: (i) => i.Architecture,
  'availability-zone': (i) => i.Placement.AvailabilityZone,
  'client-token': (i) => i.ClientToken,
  'dns-name': (i) => i.PublicDnsName,
  'ebs-optimized': (i) => i.EbsOptimized,
  'ena-support': (i) => i.EnaSupport,
  hypervisor: (i) => i.Hypervisor,
  'iam-instance-profile.arn': (i) => i.IamInstanceProfile?.Arn,
  'iam-instance-profile.id': (i) => i.IamInstanceProfile?.Id,
  'image-id': (i) => i.ImageId,
  'instance-id': (i) => i.InstanceId,
  'instance-lifecycle': (i) => i.InstanceLifecycle,
  'instance-state-code': (i) => i.State.Code,
  'instance-state-name': (i) => i.State.Name,
  'instance-type': (i) => i.InstanceType,
  'instance.group-id': (i) => (i.SecurityGroups ?? []).map((g) => g.GroupId),
  'instance.group-name': (i) => (i.SecurityGroups ?? []).map((g) => g.GroupName),
  'key-name': (i) => i.KeyName,
  'launch-index': (i) => i.AmiLaunchIndex,
  'launch-time': (i) => new Date(i.LaunchTime).toISOString(),
  'metadata-options.http-tokens': (i) => i.MetadataOptions?.HttpTokens,
  'metadata-options.http-endpoint': (i) => i.MetadataOptions?.HttpEndpoint,
  'metadata-options.state': (i) => i.MetadataOptions?.State,
  'monitoring-state': (i) => i.Monitoring?.State,
  'network-interface.network-interface-id': (i) => eni(i)?.NetworkInterfaceId,
  'network-interface.private-ip-address': (i) => eni(i)?.PrivateIpAddress,
  'network-interface.subnet-id': (i) => eni(i)?.SubnetId,
  'network-interface.vpc-id': (i) => eni(i)?.VpcId,
  'network-interface.mac-address': (i) => eni(i)?.MacAddress,
  'network-interface.group-id': (i) => (eni(i)?.Groups ?? []).map((g) => g.GroupId),
  'network-interface.attachment.instance-id': (i) => i.InstanceId,
  'network-interface.attachment.device-index': () => 0,
  'network-interface.status': (i) => eni(i)?.Status,
  'owner-id': () => undefined,
  'platform-details': (i) => i.PlatformDetails,
  'private-dns-name': (i) => i.PrivateDnsName,
  'private-ip-address': (i) => i.PrivateIpAddress,
  reason: (i) => i.StateTransitionReason,
  'reservation-id': (i) => i.reservationId,
  'root-device-name': (i) => i.RootDeviceName,
  'root-device-type': (i) => i.RootDeviceType,
  'source-dest-check': (i) => i.SourceDestCheck,
  'spot-instance-request-id': (i) => i.SpotInstanceRequestId,
  'state-reason-code': (i) => i.StateReason?.Code,
  'state-reason-message': (i) => i.StateReason?.Message,
  'subnet-id': (i) => i.SubnetId,
  tenancy: (i) => i.Placement.Tenancy,
  'usage-operation': (i) => i.UsageOperation,
  'virtualization-type': (i) => i.VirtualizationType,
  'vpc-id': (i) => i.VpcId,
};

/** Instances by reservation, each reservation listing its instances in launch order. */
export async function describeInstances(ctx: ControlContext, input: DescribeInstancesRequest): Promise<DescribeInstancesResult> {
  if (input.InstanceIds?.length && input.MaxResults !== undefined) {
    throw new InvalidParameterCombination('The parameter instancesSet cannot be used with the parameter maxResults');
  }
  const named = input.InstanceIds?.length ? resolveInstances(ctx.state, input.InstanceIds) : ctx.state.all('instance');
  const owner = ctx.partition.accountId;
  const fields: FilterFields<InstanceRecord> = { ...INSTANCE_FIELDS, 'owner-id': () => owner };
  // Pages are of instances, in launch order within a reservation (the ids are resolved above).
  const { items, NextToken } = describe(named, (i) => `${i.reservationId}:${String(i.AmiLaunchIndex).padStart(5, '0')}:${i.InstanceId}`, input, fields, notFound);
  const reservations = new Map<string, Reservation & { Instances: InstanceRecord[] }>();
  for (const instance of items) {
    let r = reservations.get(instance.reservationId);
    if (!r) reservations.set(instance.reservationId, (r = { ReservationId: instance.reservationId, OwnerId: owner, Groups: [], Instances: [] }));
    r.Instances.push(instance);
  }
  return { Reservations: [...reservations.values()], ...(NextToken !== undefined && { NextToken }) };
}

const notFound = (id: string) => new InvalidInstanceIDNotFound(`The instance ID '${id}' does not exist`);

/** An instance's status checks: both `ok` while it runs (Wharf's hosts pass them once started). */
function statusOf(region: string, i: InstanceRecord): InstanceStatus {
  const running = i.State.Name === 'running';
  const summary = { Status: running ? ('ok' as const) : ('not-applicable' as const), Details: running ? [{ Name: 'reachability' as const, Status: 'passed' as const }] : [] };
  return {
    InstanceId: i.InstanceId,
    AvailabilityZone: i.Placement.AvailabilityZone,
    AvailabilityZoneId: findZone(region, i.Placement.AvailabilityZone)?.ZoneId,
    InstanceState: { Code: i.State.Code, Name: i.State.Name },
    InstanceStatus: summary,
    SystemStatus: summary,
    Events: [],
  };
}

type StatusOf = InstanceStatus & { key: string };

const STATUS_FIELDS: FilterFields<StatusOf> = {
  'availability-zone': (s) => s.AvailabilityZone,
  'availability-zone-id': (s) => s.AvailabilityZoneId,
  'instance-state-code': (s) => s.InstanceState?.Code,
  'instance-state-name': (s) => s.InstanceState?.Name,
  'instance-status.reachability': (s) => s.InstanceStatus?.Details?.[0]?.Status,
  'instance-status.status': (s) => s.InstanceStatus?.Status,
  'system-status.reachability': (s) => s.SystemStatus?.Details?.[0]?.Status,
  'system-status.status': (s) => s.SystemStatus?.Status,
  'event.code': () => undefined,
};

/** Running instances' statuses (every instance's with IncludeAllInstances). */
export async function describeInstanceStatus(ctx: ControlContext, input: DescribeInstanceStatusRequest): Promise<DescribeInstanceStatusResult> {
  if (input.InstanceIds?.length) resolveInstances(ctx.state, input.InstanceIds);
  const statuses = [...ctx.state.all('instance')]
    .filter((i) => input.IncludeAllInstances || i.State.Code === INSTANCE_STATE_CODES.running)
    .map((i) => ({ ...statusOf(ctx.partition.region, i), key: i.InstanceId }));
  const { items, NextToken } = describe(statuses, (s) => s.key, { ...input, ids: input.InstanceIds?.filter((id) => statuses.some((s) => s.key === id)) }, STATUS_FIELDS, notFound);
  return { InstanceStatuses: items.map(({ key: _key, ...s }) => s), ...(NextToken !== undefined && { NextToken }) };
}
