import type { DeregisterScalableTargetRequest } from '@aws-sdk/client-application-auto-scaling';
import { targetKey } from '../../core/app-autoscaling.js';
import type { ControlContext } from '../context.js';
import { deleteScalingAlarms } from './alarms.js';
import { activitiesByTarget, checkTargetRef, policiesByTarget, resolveTarget, scheduledActionsByTarget, type TargetRef } from './targets.js';

/** Deregisters a scalable target with its scaling policies (their alarms too), scheduled actions and activities. */
export async function deregisterScalableTarget(ctx: ControlContext, input: DeregisterScalableTargetRequest & TargetRef): Promise<Record<string, never>> {
  checkTargetRef(input);
  const alarms = await ctx.state.mutate((tx) => {
    const key = targetKey(resolveTarget(tx, input));
    tx.delete('scalableTarget', key);
    const policies = ctx.state.where(policiesByTarget, key);
    for (const policy of policies) tx.delete('scalingPolicy', policy.PolicyARN);
    for (const action of ctx.state.where(scheduledActionsByTarget, key)) tx.delete('scalingScheduledAction', action.ScheduledActionARN);
    for (const activity of ctx.state.where(activitiesByTarget, key)) tx.delete('scalingActivity', activity.ActivityId);
    return policies.flatMap((p) => p.Alarms.map((a) => a.AlarmName));
  });
  await deleteScalingAlarms(ctx, alarms);
  ctx.log.info('scalable target deregistered', { resourceId: input.ResourceId });
  return {};
}
