// EC2 instances: launching them (RunInstances, and Auto Scaling through the same function) and changing
// their state (Start/Stop/TerminateInstances). These only write the records: an instance is asked to be
// `pending`, `stopping` or `shutting-down`, and the instance controller (instance-controller.ts) makes it
// so with the instance launcher (starting or stopping the instance's agent), then records `running`,
// `stopped` or `terminated`, as EC2 moves instances on its own time.
import type { InstanceStateChange, Tag } from '@aws-sdk/client-ec2';
import type { SecurityGroupRecord, SubnetRecord } from '../../core/ec2.js';
import {
  instanceId,
  instanceState,
  nextState,
  reservationId,
  spotInterruptionBehavior,
  userInitiated,
  type InstanceRecord,
  type InstanceStateName,
} from '../../core/ec2-instances.js';
import {
  IdempotentParameterMismatch,
  IncorrectInstanceState,
  InsufficientFreeAddressesInSubnet,
  InvalidAMIIDMalformed,
  InvalidInstanceIDMalformed,
  InvalidInstanceIDNotFound,
  InvalidKeyPairNotFound,
  OperationNotPermitted,
} from '../../core/ec2-instances-errors.js';
import { InvalidParameter } from '../../core/ec2-errors.js';
import { InvalidParameterValue, MissingParameter } from '../../core/errors.js';
import type { ControlContext } from '../context.js';
import type { Reader } from '../ecs/lookups.js';
import { findProfile } from '../iam/instance-join.js';
import type { Transaction } from '../state.js';
import { securityGroupsByVpc, subnetsByVpc } from './indexes.js';
import { instanceTypeSpec } from './instance-types.js';
import { launchTemplateData, type LaunchTemplateRef } from './launch-templates.js';
import { resolveSecurityGroup, resolveSubnet, defaultVpc } from './lookups.js';
import { createTaskInterface } from './network-interfaces.js';

/** What to launch: RunInstances' parameters, or an Auto Scaling group's, after its launch template if any. */
export interface LaunchRequest {
  count: number;
  instanceType?: string;
  imageId?: string;
  /** Instance n goes to subnet n modulo their number; by default the default VPC's subnet of the zone. */
  subnetIds?: string[];
  availabilityZone?: string;
  securityGroupIds?: string[];
  /** Base64, as RunInstances takes it. */
  userData?: string;
  iamInstanceProfile?: { Arn?: string; Name?: string };
  keyName?: string;
  launchTemplate?: LaunchTemplateRef;
  tags?: Tag[];
  market?: 'spot' | 'on-demand';
  /** RunInstances' InstanceMarketOptions.SpotOptions and HibernationOptions.Configured (else the template's). */
  spotOptions?: { InstanceInterruptionBehavior?: string; SpotInstanceType?: string };
  hibernationConfigured?: boolean;
  clientToken?: string;
  disableApiTermination?: boolean;
}

const AMI_ID = /^ami-([0-9a-f]{8}|[0-9a-f]{17})$/;
const INSTANCE_ID = /^i-([0-9a-f]{8}|[0-9a-f]{17})$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Launches `count` instances in one reservation, `pending`; their hosts start once the instance controller sees them. */
export async function launchInstances(ctx: ControlContext, request: LaunchRequest): Promise<InstanceRecord[]> {
  if (!Number.isInteger(request.count) || request.count < 1) throw new InvalidParameterValue(`Value (${request.count}) for parameter count is invalid. Expected a positive integer.`);
  if (request.clientToken !== undefined) {
    const earlier = [...ctx.state.all('instance')].filter((i) => i.ClientToken === request.clientToken);
    if (earlier.length) {
      if (earlier.length !== request.count) throw new IdempotentParameterMismatch(`Arguments on this idempotent request are inconsistent with arguments used in previous request(s).`);
      return earlier;
    }
  }
  const template = request.launchTemplate && launchTemplateData(ctx.state, request.launchTemplate);
  const data = template?.data ?? {};
  const instanceType = request.instanceType ?? data.InstanceType;
  if (instanceType === undefined) throw new MissingParameter('The request must contain the parameter InstanceType');
  const spec = instanceTypeSpec(instanceType);
  if (!spec) throw new InvalidParameterValue(`Invalid value '${instanceType}' for InstanceType.`);
  const imageId = request.imageId ?? data.ImageId;
  if (imageId === undefined) throw new MissingParameter('The request must contain the parameter ImageId');
  if (!AMI_ID.test(imageId)) throw new InvalidAMIIDMalformed(`Invalid id: "${imageId}" (expecting "ami-...")`);
  // Empty user data is none, as EC2 answers it (DescribeInstanceAttribute's `<userData/>`).
  const userData = request.userData || data.UserData || undefined;
  if (userData !== undefined && !BASE64.test(userData)) throw new InvalidParameterValue('Invalid BASE64 encoding of user data.');
  const profileRef = request.iamInstanceProfile ?? data.IamInstanceProfile;
  const profile = profileRef && (profileRef.Arn !== undefined || profileRef.Name !== undefined) ? findProfile(ctx, { IamInstanceProfile: profileRef }) : undefined;
  const keyName = request.keyName ?? data.KeyName;
  if (keyName !== undefined && ![...ctx.state.all('keyPair')].some((k) => k.KeyName === keyName)) throw new InvalidKeyPairNotFound(`The key pair '${keyName}' does not exist`);
  const market = request.market ?? (data.InstanceMarketOptions?.MarketType === 'spot' ? 'spot' : 'on-demand');
  const interruption = market === 'spot' ? spotInterruptionBehavior(request.spotOptions ?? data.InstanceMarketOptions?.SpotOptions, request.hibernationConfigured ?? data.HibernationOptions?.Configured) : 'terminate';
  const templateInterface = data.NetworkInterfaces?.[0];
  const subnetIds = request.subnetIds?.length ? request.subnetIds : templateInterface?.SubnetId !== undefined ? [templateInterface.SubnetId] : undefined;
  const groupIds = request.securityGroupIds?.length ? request.securityGroupIds : data.SecurityGroupIds?.length ? data.SecurityGroupIds : templateInterface?.Groups;
  const tags = [
    ...(data.TagSpecifications ?? []).filter((s) => s.ResourceType === 'instance').flatMap((s) => s.Tags ?? []),
    ...(request.tags ?? []),
  ];
  const merged = new Map(tags.map((t) => [t.Key!, { Key: t.Key!, Value: t.Value ?? '' }]));
  if (template) {
    merged.set('aws:ec2launchtemplate:id', { Key: 'aws:ec2launchtemplate:id', Value: template.id });
    merged.set('aws:ec2launchtemplate:version', { Key: 'aws:ec2launchtemplate:version', Value: String(template.version) });
  }

  const launched = await ctx.state.mutate((tx) => {
    const subnets = (subnetIds ?? [defaultSubnet(ctx, request.availabilityZone || data.Placement?.AvailabilityZone || undefined).SubnetId]).map((id) => resolveSubnet(tx, id));
    const reservation = reservationId(ctx.ids.id());
    const now = ctx.clock.now();
    return Array.from({ length: request.count }, (_, n) => {
      const subnet = subnets[n % subnets.length]!;
      const id = instanceId(ctx.ids.id());
      const groups = groupsFor(ctx, tx, subnet, groupIds);
      const eni = primaryInterface(ctx, tx, id, subnet, groups);
      const record: InstanceRecord = {
        InstanceId: id,
        ImageId: imageId,
        InstanceType: instanceType as InstanceRecord['InstanceType'],
        State: instanceState('pending'),
        LaunchTime: now,
        Placement: { AvailabilityZone: subnet.AvailabilityZone, Tenancy: 'default', GroupName: '' },
        SubnetId: subnet.SubnetId,
        VpcId: subnet.VpcId,
        PrivateIpAddress: eni.PrivateIpAddress,
        PrivateDnsName: eni.PrivateDnsName,
        PublicDnsName: '',
        AmiLaunchIndex: n,
        StateTransitionReason: '',
        Architecture: spec.architecture,
        // EC2 answers `xen` for Nitro instances too (HypervisorType has no other value for them).
        Hypervisor: 'xen',
        VirtualizationType: 'hvm',
        RootDeviceType: 'ebs',
        RootDeviceName: '/dev/xvda',
        EbsOptimized: false,
        EnaSupport: spec.hypervisor === 'nitro',
        SourceDestCheck: true,
        Monitoring: { State: 'disabled' },
        SecurityGroups: groups.map((g) => ({ GroupId: g.GroupId, GroupName: g.GroupName })),
        NetworkInterfaces: [
          {
            NetworkInterfaceId: eni.NetworkInterfaceId,
            SubnetId: subnet.SubnetId,
            VpcId: subnet.VpcId,
            PrivateIpAddress: eni.PrivateIpAddress,
            PrivateDnsName: eni.PrivateDnsName,
            MacAddress: eni.MacAddress,
            OwnerId: ctx.partition.accountId,
            Status: 'in-use',
            SourceDestCheck: true,
            InterfaceType: 'interface',
            Groups: groups.map((g) => ({ GroupId: g.GroupId, GroupName: g.GroupName })),
            Attachment: { AttachmentId: eni.Attachment!.AttachmentId!, AttachTime: now, DeleteOnTermination: true, DeviceIndex: 0, NetworkCardIndex: 0, Status: 'attached' },
            PrivateIpAddresses: [{ Primary: true, PrivateIpAddress: eni.PrivateIpAddress, PrivateDnsName: eni.PrivateDnsName }],
            Ipv6Addresses: [],
          },
        ],
        PlatformDetails: 'Linux/UNIX',
        UsageOperation: 'RunInstances',
        MetadataOptions: { State: 'applied', HttpTokens: 'required', HttpPutResponseHopLimit: 2, HttpEndpoint: 'enabled', HttpProtocolIpv6: 'disabled', InstanceMetadataTags: 'disabled' },
        CpuOptions: { CoreCount: spec.vcpu, ThreadsPerCore: 1 },
        ...(profile && { IamInstanceProfile: { Arn: profile.Arn, Id: profile.InstanceProfileId } }),
        ...(keyName !== undefined && { KeyName: keyName }),
        ...(request.clientToken !== undefined && { ClientToken: request.clientToken }),
        ...(market === 'spot' && { InstanceLifecycle: 'spot' as const, SpotInstanceRequestId: `sir-${ctx.ids.id().slice(-8)}` }),
        Tags: [...merged.values()],
        reservationId: reservation,
        ...(userData !== undefined && { userData }),
        ...(template && { launchTemplate: { id: template.id, version: String(template.version) } }),
        spot: market === 'spot',
        ...(interruption !== 'terminate' && { spotInterruptionBehavior: interruption }),
        ...((request.disableApiTermination ?? data.DisableApiTermination) && { disableApiTermination: true }),
        ...(data.DisableApiStop && { disableApiStop: true }),
      };
      return tx.put('instance', id, record);
    });
  });
  ctx.log.info('instances launched', { count: launched.length, instanceType, reservationId: launched[0]!.reservationId });
  return launched;
}

/** The default VPC's subnet in `zone` (the first zone's when none is named). */
function defaultSubnet(ctx: ControlContext, zone: string | undefined): SubnetRecord {
  const vpc = defaultVpc(ctx);
  const subnets = vpc ? ctx.state.where(subnetsByVpc, vpc.VpcId).filter((s) => s.DefaultForAz) : [];
  const subnet = zone === undefined ? subnets.sort((a, b) => a.AvailabilityZone.localeCompare(b.AvailabilityZone))[0] : subnets.find((s) => s.AvailabilityZone === zone);
  if (!subnet) throw new InvalidParameterValue(zone === undefined ? 'No default subnet for availability zone: null.' : `No default subnet for availability zone: '${zone}'.`);
  return subnet;
}

/** The groups an instance gets in `subnet`: those named (in the subnet's VPC), else its VPC's `default`. */
function groupsFor(ctx: ControlContext, reader: Reader, subnet: SubnetRecord, groupIds: readonly string[] | undefined): SecurityGroupRecord[] {
  if (!groupIds?.length) return ctx.state.where(securityGroupsByVpc, subnet.VpcId).filter((g) => g.GroupName === 'default');
  return groupIds.map((id) => {
    const group = resolveSecurityGroup(reader, id);
    if (group.VpcId !== subnet.VpcId) throw new InvalidParameter(`Security group ${id} and subnet ${subnet.SubnetId} belong to different networks.`);
    return group;
  });
}

/** The instance's primary interface (device 0), holding its private address in the subnet while it exists. */
function primaryInterface(ctx: ControlContext, tx: Transaction, id: string, subnet: SubnetRecord, groups: SecurityGroupRecord[]) {
  // The interface belongs to the instance as a task's to its task: deleteTaskInterfaces(id) removes it.
  const eni = createTaskInterface(ctx, tx, { taskArn: id, attachmentId: id, subnet, groups });
  if (!eni) throw new InsufficientFreeAddressesInSubnet(`There are not enough free addresses in subnet '${subnet.SubnetId}' to satisfy the requested number of instances.`);
  const owned = {
    ...eni,
    Description: '',
    RequesterManaged: false,
    RequesterId: undefined,
    Attachment: { ...eni.Attachment, AttachmentId: `eni-attach-${ctx.ids.id().slice(-17)}`, DeviceIndex: 0, InstanceId: id, InstanceOwnerId: ctx.partition.accountId },
  };
  return tx.put('networkInterface', eni.NetworkInterfaceId, owned);
}

/** The instances named, each of which must exist (EC2 names every missing one at once). */
export function resolveInstances(reader: Reader, ids: readonly string[]): InstanceRecord[] {
  const malformed = ids.find((id) => !INSTANCE_ID.test(id));
  if (malformed !== undefined) throw new InvalidInstanceIDMalformed(`Invalid id: "${malformed}"`);
  const missing = ids.filter((id) => !reader.get('instance', id));
  if (missing.length === 1) throw new InvalidInstanceIDNotFound(`The instance ID '${missing[0]}' does not exist`);
  if (missing.length > 1) throw new InvalidInstanceIDNotFound(`The instance IDs '${missing.join(', ')}' do not exist`);
  return [...new Set(ids)].map((id) => reader.get('instance', id)!);
}

type StateRequest = 'stop' | 'start' | 'terminate';
const VERB: Record<StateRequest, string> = { stop: 'stopped', start: 'started', terminate: 'terminated' };

/** Asks each instance to stop, start or terminate; nothing changes if any one cannot. */
async function requestStates(ctx: ControlContext, ids: readonly string[], request: StateRequest): Promise<InstanceStateChange[]> {
  if (!ids.length) throw new MissingParameter('The request must contain the parameter InstanceId');
  const changes = await ctx.state.mutate((tx) =>
    resolveInstances(tx, ids).map((instance) => {
      const previous = instance.State.Name;
      if (request === 'terminate' && instance.disableApiTermination) {
        throw new OperationNotPermitted(`The instance '${instance.InstanceId}' may not be terminated. Modify its 'disableApiTermination' instance attribute and try again.`);
      }
      if (request === 'stop' && instance.disableApiStop) {
        throw new OperationNotPermitted(`The instance '${instance.InstanceId}' may not be stopped. Modify its 'disableApiStop' instance attribute and try again.`);
      }
      const next = nextState(previous, request);
      if (next === 'incorrect') throw new IncorrectInstanceState(`The instance '${instance.InstanceId}' is not in a state from which it can be ${VERB[request]}.`);
      const current: InstanceStateName = next === 'unchanged' ? previous : next;
      if (next !== 'unchanged') tx.put('instance', instance.InstanceId, { ...instance, State: instanceState(next), StateTransitionReason: userInitiated(ctx.clock.now()) });
      return { InstanceId: instance.InstanceId, PreviousState: instanceState(previous), CurrentState: instanceState(current) };
    }),
  );
  ctx.log.info('instance states requested', { request, instanceIds: ids.join(',') });
  return changes;
}

export const terminateInstances = (ctx: ControlContext, ids: readonly string[]) => requestStates(ctx, ids, 'terminate');
export const stopInstances = (ctx: ControlContext, ids: readonly string[]) => requestStates(ctx, ids, 'stop');
export const startInstances = (ctx: ControlContext, ids: readonly string[]) => requestStates(ctx, ids, 'start');
