// ModifyInstanceAttribute and DescribeInstanceAttribute, for what ECS users change: the instance type and
// user data (while stopped, as EC2 requires), termination and stop protection, security groups, and
// source/dest checking.
import type { DescribeInstanceAttributeRequest, InstanceAttribute, ModifyInstanceAttributeRequest } from '@aws-sdk/client-ec2';
import type { InstanceRecord } from '../../core/ec2-instances.js';
import { IncorrectInstanceState } from '../../core/ec2-instances-errors.js';
import { InvalidParameterCombination } from '../../core/ec2-errors.js';
import { InvalidParameterValue, MissingParameter } from '../../core/errors.js';
import type { ControlContext } from '../context.js';
import { instanceTypeSpec } from './instance-types.js';
import { resolveInstances } from './instances.js';
import { resolveSecurityGroup } from './lookups.js';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export async function modifyInstanceAttribute(ctx: ControlContext, input: ModifyInstanceAttributeRequest): Promise<void> {
  if (input.InstanceId === undefined) throw new MissingParameter('The request must contain the parameter InstanceId');
  // Either Attribute with Value, or one attribute's own member.
  const value = input.Value;
  const change = {
    instanceType: input.InstanceType?.Value ?? (input.Attribute === 'instanceType' ? value : undefined),
    userData: input.UserData?.Value !== undefined ? Buffer.from(input.UserData.Value).toString('base64') : input.Attribute === 'userData' ? value : undefined,
    disableApiTermination: input.DisableApiTermination?.Value ?? (input.Attribute === 'disableApiTermination' && value !== undefined ? value === 'true' : undefined),
    disableApiStop: input.DisableApiStop?.Value ?? (input.Attribute === 'disableApiStop' && value !== undefined ? value === 'true' : undefined),
    sourceDestCheck: input.SourceDestCheck?.Value ?? (input.Attribute === 'sourceDestCheck' && value !== undefined ? value === 'true' : undefined),
    groups: input.Groups,
  };
  const given = Object.values(change).filter((v) => v !== undefined).length;
  if (given === 0) throw new MissingParameter('The request must contain the parameter attribute or one of its values');
  if (given > 1) throw new InvalidParameterCombination('Fields for multiple attribute types specified');
  await ctx.state.mutate((tx) => {
    const [instance] = resolveInstances(tx, [input.InstanceId!]);
    let next: InstanceRecord = { ...instance! };
    const stopped = instance!.State.Name === 'stopped';
    if (change.instanceType !== undefined) {
      if (!instanceTypeSpec(change.instanceType)) throw new InvalidParameterValue(`Invalid value '${change.instanceType}' for InstanceType.`);
      if (!stopped) throw new IncorrectInstanceState(`The instance '${instance!.InstanceId}' is not in the 'stopped' state.`);
      next = { ...next, InstanceType: change.instanceType as InstanceRecord['InstanceType'] };
    }
    if (change.userData !== undefined) {
      if (!stopped) throw new IncorrectInstanceState(`The instance '${instance!.InstanceId}' is not in the 'stopped' state.`);
      if (!BASE64.test(change.userData)) throw new InvalidParameterValue('Invalid BASE64 encoding of user data.');
      // Empty user data removes it, as EC2 does.
      const { userData: _removed, ...rest } = next;
      next = change.userData ? { ...rest, userData: change.userData } : rest;
    }
    if (change.disableApiTermination !== undefined) next = { ...next, disableApiTermination: change.disableApiTermination };
    if (change.disableApiStop !== undefined) next = { ...next, disableApiStop: change.disableApiStop };
    if (change.sourceDestCheck !== undefined) next = { ...next, SourceDestCheck: change.sourceDestCheck };
    if (change.groups !== undefined) {
      const groups = change.groups.map((id) => resolveSecurityGroup(tx, id)).map((g) => ({ GroupId: g.GroupId, GroupName: g.GroupName }));
      next = { ...next, SecurityGroups: groups, NetworkInterfaces: next.NetworkInterfaces?.map((n) => ({ ...n, Groups: groups })) };
    }
    tx.put('instance', instance!.InstanceId, next);
  });
  ctx.log.info('instance attribute modified', { instanceId: input.InstanceId });
}

export async function describeInstanceAttribute(ctx: ControlContext, input: DescribeInstanceAttributeRequest): Promise<InstanceAttribute> {
  const [i] = resolveInstances(ctx.state, [input.InstanceId ?? '']);
  const instance = i!;
  const base = { InstanceId: instance.InstanceId };
  switch (input.Attribute) {
    case 'instanceType':
      return { ...base, InstanceType: { Value: instance.InstanceType } };
    case 'userData':
      return { ...base, UserData: instance.userData === undefined ? {} : { Value: instance.userData } };
    case 'disableApiTermination':
      return { ...base, DisableApiTermination: { Value: instance.disableApiTermination ?? false } };
    case 'disableApiStop':
      return { ...base, DisableApiStop: { Value: instance.disableApiStop ?? false } };
    case 'sourceDestCheck':
      return { ...base, SourceDestCheck: { Value: instance.SourceDestCheck ?? true } };
    case 'groupSet':
      return { ...base, Groups: instance.SecurityGroups ?? [] };
    case 'instanceInitiatedShutdownBehavior':
      return { ...base, InstanceInitiatedShutdownBehavior: { Value: 'stop' } };
    case 'rootDeviceName':
      return { ...base, RootDeviceName: { Value: instance.RootDeviceName } };
    case 'ebsOptimized':
      return { ...base, EbsOptimized: { Value: instance.EbsOptimized ?? false } };
    case 'enaSupport':
      return { ...base, EnaSupport: { Value: instance.EnaSupport ?? false } };
    case 'blockDeviceMapping':
      return { ...base, BlockDeviceMappings: instance.BlockDeviceMappings ?? [] };
    case 'productCodes':
      return { ...base, ProductCodes: [] };
    case 'kernel':
      return { ...base, KernelId: {} };
    case 'ramdisk':
      return { ...base, RamdiskId: {} };
    case 'sriovNetSupport':
      return { ...base, SriovNetSupport: {} };
    case 'enclaveOptions':
      return { ...base, EnclaveOptions: { Enabled: false } };
    default:
      throw new InvalidParameterValue(`Value (${input.Attribute}) for parameter attribute is invalid. Unknown attribute.`);
  }
}
