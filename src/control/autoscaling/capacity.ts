// Changing what a group holds: SetDesiredCapacity, SetInstanceProtection and
// TerminateInstanceInAutoScalingGroup; and taking instances out of service, which the group controller does
// the same way on a scale-in (a termination activity, then the lifecycle hook's wait if the group has one).
import type {
  ActivityType,
  SetDesiredCapacityType,
  SetInstanceProtectionQuery,
  TerminateInstanceInAutoScalingGroupType,
} from '@aws-sdk/client-auto-scaling';
import { causeTime, type AutoScalingGroupRecord } from '../../core/autoscaling.js';
import { ValidationError } from '../../core/errors.js';
import type { ControlContext } from '../context.js';
import type { Transaction } from '../state.js';
import { activityDetails, capacityCause, groupNamed, recordActivity } from './groups.js';
import { hookWait, TERMINATING } from './lifecycle-hooks.js';

export async function setDesiredCapacity(ctx: ControlContext, input: SetDesiredCapacityType): Promise<Record<string, never>> {
  const desired = input.DesiredCapacity!;
  await ctx.state.mutate((tx) => {
    const group = groupNamed(tx, input.AutoScalingGroupName!);
    if (desired > group.MaxSize) throw new ValidationError(`New SetDesiredCapacity value ${desired} is above max value ${group.MaxSize} for the AutoScalingGroup.`);
    if (desired < group.MinSize) throw new ValidationError(`New SetDesiredCapacity value ${desired} is below min value ${group.MinSize} for the AutoScalingGroup.`);
    setCapacity(ctx, tx, group, desired, 'a user request explicitly set group desired capacity');
  });
  return {};
}

/** Sets a group's desired capacity for `request` (the cause its next activities give); the controller converges. */
export function setCapacity(ctx: ControlContext, tx: Transaction, group: AutoScalingGroupRecord, desired: number, request: string): AutoScalingGroupRecord {
  if (desired === group.DesiredCapacity) return group;
  return tx.put('autoScalingGroup', group.AutoScalingGroupName, {
    ...group,
    DesiredCapacity: desired,
    capacityCause: capacityCause(ctx.clock.now(), request, group.DesiredCapacity, desired),
  });
}

export async function setInstanceProtection(ctx: ControlContext, input: SetInstanceProtectionQuery): Promise<Record<string, never>> {
  const ids = input.InstanceIds!;
  await ctx.state.mutate((tx) => {
    const group = groupNamed(tx, input.AutoScalingGroupName!);
    for (const id of ids) {
      if (!group.Instances.some((i) => i.InstanceId === id)) throw new ValidationError(`The instance ${id} is not part of Auto Scaling group ${group.AutoScalingGroupName}.`);
    }
    const protect = input.ProtectedFromScaleIn!;
    tx.put('autoScalingGroup', group.AutoScalingGroupName, {
      ...group,
      Instances: group.Instances.map((i) => (ids.includes(i.InstanceId) ? { ...i, ProtectedFromScaleIn: protect } : i)),
    });
  });
  return {};
}

/** Terminates one instance of a group, lowering the desired capacity or leaving the controller to replace it. */
export async function terminateInstanceInAutoScalingGroup(ctx: ControlContext, input: TerminateInstanceInAutoScalingGroupType): Promise<ActivityType> {
  const id = input.InstanceId!;
  const activity = await ctx.state.mutate((tx) => {
    const found = [...ctx.state.all('autoScalingGroup')].find((g) => g.Instances.some((i) => i.InstanceId === id));
    if (!found) throw new ValidationError(`Instance Id not found - No managed instance found for instance ID: ${id}`);
    let group = groupNamed(tx, found.AutoScalingGroupName);
    const now = ctx.clock.now();
    let cause = `At ${causeTime(now)} instance ${id} was taken out of service in response to a user request.`;
    if (input.ShouldDecrementDesiredCapacity) {
      if (group.DesiredCapacity <= group.MinSize) {
        throw new ValidationError(
          `Currently, desiredSize equals minSize (${group.MinSize}). Terminating instance without replacement will violate group's min size constraint. Either set shouldDecrementDesiredCapacity flag to false or lower group's min size.`,
        );
      }
      group = tx.put('autoScalingGroup', group.AutoScalingGroupName, { ...group, DesiredCapacity: group.DesiredCapacity - 1 });
      cause = `At ${causeTime(now)} instance ${id} was taken out of service in response to a user request, shrinking the capacity from ${group.DesiredCapacity + 1} to ${group.DesiredCapacity}.`;
    }
    return beginTermination(ctx, tx, group, [id], () => cause)[0]!;
  });
  return { Activity: activity };
}

/**
 * Takes instances out of service: a termination activity each, then Terminating:Wait while the group's
 * termination hook holds them, or Terminating at once (the controller asks EC2 to terminate them). A group
 * being force-deleted skips its hooks.
 */
export function beginTermination(
  ctx: ControlContext,
  tx: Transaction,
  group: AutoScalingGroupRecord,
  ids: readonly string[],
  causeOf: (id: string) => string,
  { skipHooks = false } = {},
) {
  const activities = ids.map((id) =>
    recordActivity(ctx, tx, group, {
      Description: `Terminating EC2 instance: ${id}`,
      Cause: causeOf(id),
      StatusCode: 'InProgress',
      Details: activityDetails(ctx, id),
    }),
  );
  const current = tx.get('autoScalingGroup', group.AutoScalingGroupName)!;
  tx.put('autoScalingGroup', group.AutoScalingGroupName, {
    ...current,
    Instances: current.Instances.map((i) => {
      const n = ids.indexOf(i.InstanceId);
      if (n < 0) return i;
      const hook = skipHooks ? undefined : hookWait(ctx, current, TERMINATING);
      return { ...i, LifecycleState: hook ? 'Terminating:Wait' : 'Terminating', ...(hook && { hook }), activityId: activities[n]!.ActivityId };
    }),
  });
  return activities;
}
