// Carrying out a scaling decision: a scaling activity as Application Auto Scaling records it ("Setting
// desired count to 3." -> "Successfully set desired count to 3. Change successfully fulfilled by ecs."),
// and the change itself through ECS's UpdateService, so the service scheduler starts or stops the tasks and
// writes its own service events.
import { activityText, targetKey, uuidOf, type ScalableTargetRecord, type ScalingActivityRecord, type ScalingHistory } from '../../core/app-autoscaling.js';
import type { ControlContext } from '../context.js';
import { updateService } from '../ecs/update-service.js';
import type { Transaction } from '../state.js';
import { activitiesByTarget, checkTargetRef } from './targets.js';

/** Activities kept per target (AWS keeps six weeks of them; a bound keeps the state small). */
const ACTIVITIES_KEPT = 100;

/** Records an activity of `target`, dropping its oldest past the bound. */
export function recordActivity(ctx: ControlContext, tx: Transaction, target: ScalableTargetRecord, activity: Omit<ScalingActivityRecord, 'ActivityId' | 'ServiceNamespace' | 'ResourceId' | 'ScalableDimension' | 'target' | 'StartTime'>): ScalingActivityRecord {
  const record: ScalingActivityRecord = {
    ActivityId: uuidOf(ctx.ids.id()),
    ServiceNamespace: target.ServiceNamespace,
    ResourceId: target.ResourceId,
    ScalableDimension: target.ScalableDimension,
    target: targetKey(target),
    StartTime: ctx.clock.now(),
    ...activity,
  };
  tx.put('scalingActivity', record.ActivityId, record);
  const older = ctx.state.where(activitiesByTarget, record.target).sort((a, b) => new Date(b.StartTime).getTime() - new Date(a.StartTime).getTime());
  for (const old of older.slice(ACTIVITIES_KEPT - 1)) tx.delete('scalingActivity', old.ActivityId);
  return record;
}

/**
 * Sets the target's capacity: an InProgress activity (and the target's new scaling history, for
 * cooldowns) in one mutation, then ECS's UpdateService, then the activity's outcome.
 */
export async function setCapacity(
  ctx: ControlContext,
  target: ScalableTargetRecord,
  change: { capacity: number; cause: string; history?: ScalingHistory },
): Promise<void> {
  const names = checkTargetRef(target);
  const activity = await ctx.state.mutate((tx) => {
    const current = tx.get('scalableTarget', targetKey(target));
    if (!current) return undefined;
    if (change.history) tx.put('scalableTarget', targetKey(target), { ...current, history: change.history });
    return recordActivity(ctx, tx, current, { Description: activityText.setting(change.capacity), Cause: change.cause, StatusCode: 'InProgress' });
  });
  if (!activity) return;
  let outcome: Pick<ScalingActivityRecord, 'StatusCode' | 'StatusMessage'>;
  try {
    await updateService(ctx, { cluster: names.cluster, service: names.service, desiredCount: change.capacity });
    outcome = { StatusCode: 'Successful', StatusMessage: activityText.done(change.capacity) };
    ctx.log.info('scalable target scaled', { resourceId: target.ResourceId, capacity: change.capacity, cause: change.cause });
  } catch (err) {
    outcome = { StatusCode: 'Failed', StatusMessage: activityText.failed(change.capacity, (err as Error).message) };
    ctx.log.warn('scalable target not scaled', { resourceId: target.ResourceId, capacity: change.capacity, err: (err as Error).message });
  }
  await ctx.state.mutate((tx) => {
    const current = tx.get('scalingActivity', activity.ActivityId);
    if (current) tx.put('scalingActivity', activity.ActivityId, { ...current, ...outcome, EndTime: ctx.clock.now() });
  });
}
