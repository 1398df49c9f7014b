import type { UpdateAutoScalingGroupType } from '@aws-sdk/client-auto-scaling';
import { TERMINATION_POLICIES } from '../../core/autoscaling.js';
import { ValidationError } from '../../core/errors.js';
import type { ControlContext } from '../context.js';
import { capacityCause, checkLaunchTemplate, checkSizes, groupNamed, placementOf, templateSpec } from './groups.js';

export function checkTerminationPolicies(policies: string[]): string[] {
  for (const p of policies) {
    // Custom policies are Lambda function ARNs, which Wharf cannot call.
    if (!(TERMINATION_POLICIES as readonly string[]).includes(p)) throw new ValidationError(`Termination policy ${p} is not a valid termination policy.`);
  }
  return policies;
}

/**
 * Changes a group's settings; what is not given stays. A new minimum or maximum that leaves the desired
 * capacity outside them moves it to the nearest bound, as AWS does; the controller then converges.
 */
export async function updateAutoScalingGroup(ctx: ControlContext, input: UpdateAutoScalingGroupType): Promise<Record<string, never>> {
  const name = input.AutoScalingGroupName!;
  if (input.LaunchTemplate || input.MixedInstancesPolicy) checkLaunchTemplate(ctx, { LaunchTemplate: input.LaunchTemplate, MixedInstancesPolicy: input.MixedInstancesPolicy });
  const placement = input.VPCZoneIdentifier !== undefined || input.AvailabilityZones !== undefined ? placementOf(ctx, input) : undefined;
  const policies = input.TerminationPolicies && checkTerminationPolicies(input.TerminationPolicies);
  await ctx.state.mutate((tx) => {
    const group = groupNamed(tx, name);
    if (group.Status === 'Delete in progress') throw new ValidationError(`AutoScalingGroup ${name} is pending delete.`);
    const min = input.MinSize ?? group.MinSize;
    const max = input.MaxSize ?? group.MaxSize;
    if (min > max) checkSizes(min, max, min);
    const desired = input.DesiredCapacity ?? Math.min(max, Math.max(min, group.DesiredCapacity));
    checkSizes(min, max, desired);
    const request = `a user request update of AutoScalingGroup constraints to min: ${min}, max: ${max}, desired: ${desired}`;
    tx.put('autoScalingGroup', name, {
      ...group,
      ...(input.LaunchTemplate && { LaunchTemplate: templateSpec(ctx, input.LaunchTemplate), MixedInstancesPolicy: undefined }),
      ...(input.MixedInstancesPolicy && { MixedInstancesPolicy: input.MixedInstancesPolicy, LaunchTemplate: undefined }),
      MinSize: min,
      MaxSize: max,
      DesiredCapacity: desired,
      ...(input.DefaultCooldown !== undefined && { DefaultCooldown: input.DefaultCooldown }),
      ...(placement && { AvailabilityZones: placement.zones, subnetsByZone: placement.subnetsByZone, VPCZoneIdentifier: input.VPCZoneIdentifier }),
      ...(input.HealthCheckType !== undefined && { HealthCheckType: input.HealthCheckType }),
      ...(input.HealthCheckGracePeriod !== undefined && { HealthCheckGracePeriod: input.HealthCheckGracePeriod }),
      ...(policies && { TerminationPolicies: policies }),
      ...(input.NewInstancesProtectedFromScaleIn !== undefined && { NewInstancesProtectedFromScaleIn: input.NewInstancesProtectedFromScaleIn }),
      ...(input.CapacityRebalance !== undefined && { CapacityRebalance: input.CapacityRebalance }),
      ...(input.DefaultInstanceWarmup !== undefined && { DefaultInstanceWarmup: input.DefaultInstanceWarmup }),
      ...(input.MaxInstanceLifetime !== undefined && { MaxInstanceLifetime: input.MaxInstanceLifetime }),
      ...(input.ServiceLinkedRoleARN !== undefined && { ServiceLinkedRoleARN: input.ServiceLinkedRoleARN }),
      ...(desired !== group.DesiredCapacity && { capacityCause: capacityCause(ctx.clock.now(), request, group.DesiredCapacity, desired) }),
    });
  });
  return {};
}
