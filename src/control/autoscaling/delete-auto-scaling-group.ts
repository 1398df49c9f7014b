import type { DeleteAutoScalingGroupType } from '@aws-sdk/client-auto-scaling';
import { ResourceInUse, ScalingActivityInProgress } from '../../core/autoscaling-errors.js';
import type { ControlContext } from '../context.js';
import { activitiesByGroup, capacityCause, groupNamed } from './groups.js';
import { deleteGroupPolicies } from './scaling-policies.js';

/**
 * Deletes a group with no instances at once. With ForceDelete, a group with instances is marked
 * "Delete in progress": the controller terminates them all (outstanding lifecycle actions dropped) and
 * then forgets the group. Without it, instances or activities under way refuse the deletion, as on AWS.
 */
export async function deleteAutoScalingGroup(ctx: ControlContext, input: DeleteAutoScalingGroupType): Promise<Record<string, never>> {
  const name = input.AutoScalingGroupName!;
  await ctx.state.mutate((tx) => {
    const group = groupNamed(tx, name);
    if (!input.ForceDelete) {
      if (group.Instances.length) throw new ResourceInUse('You cannot delete an AutoScalingGroup while there are instances or pending Spot instance request(s) still in the group.');
      if (ctx.state.where(activitiesByGroup, name).some((a) => a.StatusCode === 'InProgress')) {
        throw new ScalingActivityInProgress('You cannot delete an AutoScalingGroup while there are scaling activities in progress for that group.');
      }
    }
    if (!group.Instances.length) {
      tx.delete('autoScalingGroup', name);
      return;
    }
    const request = 'a user request deleted the AutoScalingGroup';
    tx.put('autoScalingGroup', name, {
      ...group,
      Status: 'Delete in progress',
      MinSize: 0,
      MaxSize: 0,
      DesiredCapacity: 0,
      capacityCause: capacityCause(ctx.clock.now(), request, group.DesiredCapacity, 0),
      Instances: group.Instances.map(({ hook: _, ...i }) => (i.LifecycleState === 'Terminating:Wait' ? { ...i, LifecycleState: 'Terminating:Proceed' } : i)),
    });
  });
  // Its policies go with it (their alarms too, a target-tracking policy's).
  await deleteGroupPolicies(ctx, name);
  ctx.log.info('auto scaling group deleted', { name, force: input.ForceDelete ?? false });
  return {};
}
