import type { CreateAutoScalingGroupType, LifecycleHook } from '@aws-sdk/client-auto-scaling';
import { uuidOf } from '../../core/app-autoscaling.js';
import { autoScalingGroupArn, type AutoScalingGroupRecord } from '../../core/autoscaling.js';
import { AlreadyExists } from '../../core/autoscaling-errors.js';
import type { ControlContext } from '../context.js';
import { capacityCause, checkLaunchTemplate, checkSizes, placementOf, templateSpec } from './groups.js';
import { checkHook } from './lifecycle-hooks.js';
import { checkTerminationPolicies } from './update-auto-scaling-group.js';
import { groupTags } from './tags.js';

/**
 * A group of instances from a launch template (or a mixed instances policy), kept at its desired capacity
 * across its zones by the group controller. The desired capacity is the minimum unless given.
 */
export async function createAutoScalingGroup(ctx: ControlContext, input: CreateAutoScalingGroupType): Promise<Record<string, never>> {
  const name = input.AutoScalingGroupName!;
  const min = input.MinSize!;
  const max = input.MaxSize!;
  const desired = input.DesiredCapacity ?? min;
  checkSizes(min, max, desired);
  checkLaunchTemplate(ctx, input);
  const { zones, subnetsByZone } = placementOf(ctx, input);
  const policies = checkTerminationPolicies(input.TerminationPolicies ?? ['Default']);
  const hooks: LifecycleHook[] = (input.LifecycleHookSpecificationList ?? []).map((spec) => checkHook({ ...spec, AutoScalingGroupName: name }));
  const now = ctx.clock.now();
  await ctx.state.mutate((tx) => {
    if (tx.get('autoScalingGroup', name)) throw new AlreadyExists(`AutoScalingGroup by this name already exists - A group with the name ${name} already exists`);
    const record: AutoScalingGroupRecord = {
      AutoScalingGroupName: name,
      AutoScalingGroupARN: autoScalingGroupArn(ctx.partition, uuidOf(ctx.ids.id()), name),
      ...(input.LaunchTemplate && { LaunchTemplate: templateSpec(ctx, input.LaunchTemplate) }),
      ...(input.MixedInstancesPolicy && { MixedInstancesPolicy: input.MixedInstancesPolicy }),
      MinSize: min,
      MaxSize: max,
      DesiredCapacity: desired,
      DefaultCooldown: input.DefaultCooldown ?? 300,
      AvailabilityZones: zones,
      LoadBalancerNames: input.LoadBalancerNames ?? [],
      TargetGroupARNs: input.TargetGroupARNs ?? [],
      HealthCheckType: input.HealthCheckType ?? 'EC2',
      HealthCheckGracePeriod: input.HealthCheckGracePeriod ?? 0,
      Instances: [],
      CreatedTime: now,
      SuspendedProcesses: [],
      ...(input.VPCZoneIdentifier !== undefined && { VPCZoneIdentifier: input.VPCZoneIdentifier }),
      EnabledMetrics: [],
      Tags: groupTags(name, input.Tags ?? []),
      TerminationPolicies: policies,
      NewInstancesProtectedFromScaleIn: input.NewInstancesProtectedFromScaleIn ?? false,
      ServiceLinkedRoleARN: input.ServiceLinkedRoleARN ?? `arn:aws:iam::${ctx.partition.accountId}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`,
      CapacityRebalance: input.CapacityRebalance ?? false,
      ...(input.DefaultInstanceWarmup !== undefined && { DefaultInstanceWarmup: input.DefaultInstanceWarmup }),
      ...(input.MaxInstanceLifetime !== undefined && { MaxInstanceLifetime: input.MaxInstanceLifetime }),
      TrafficSources: input.TrafficSources ?? [],
      DeletionProtection: input.DeletionProtection ?? 'none',
      subnetsByZone,
      lifecycleHooks: hooks,
      capacityCause: capacityCause(now, 'a user request created an AutoScalingGroup', 0, desired),
    };
    tx.put('autoScalingGroup', name, record);
  });
  ctx.log.info('auto scaling group created', { name, desired });
  return {};
}
