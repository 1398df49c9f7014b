// PutScheduledAction and DeleteScheduledAction; the controller that runs them lives in scheduler.ts.
import type { DeleteScheduledActionRequest, PutScheduledActionRequest } from '@aws-sdk/client-application-auto-scaling';
import { scheduledActionArn, targetKey, uuidOf, type ScheduledActionRecord } from '../../core/app-autoscaling.js';
import { ObjectNotFoundException } from '../../core/app-autoscaling-errors.js';
import { nextRun, parseSchedule } from '../../core/app-autoscaling-schedule.js';
import { LimitExceededException, ValidationException } from '../../core/errors.js';
import type { ControlContext } from '../context.js';
import { checkTargetRef, resolveTarget, scheduledActionsByTarget, type TargetRef } from './targets.js';

/** Application Auto Scaling's quota of scheduled actions per scalable target. */
const ACTIONS_PER_TARGET = 200;
const UTC = 'Etc/UTC';

/** When an action runs next after `after` (undefined: never again). */
export function nextRunOf(action: Pick<ScheduledActionRecord, 'Schedule' | 'Timezone' | 'StartTime' | 'EndTime' | 'CreationTime'>, after: number): number | undefined {
  const timezone = action.Timezone ?? UTC;
  const schedule = parseSchedule(action.Schedule!, timezone);
  const start = action.StartTime && new Date(action.StartTime).getTime();
  return nextRun(schedule, timezone, after, {
    anchor: start ?? new Date(action.CreationTime).getTime(),
    ...(start !== undefined && { start }),
    ...(action.EndTime && { end: new Date(action.EndTime).getTime() }),
  });
}

/** Creates or replaces a scheduled action; only what is given changes on a replaced one. */
export async function putScheduledAction(ctx: ControlContext, input: PutScheduledActionRequest & TargetRef & { ScheduledActionName: string }): Promise<Record<string, never>> {
  checkTargetRef(input);
  const record = await ctx.state.mutate((tx) => {
    const target = resolveTarget(tx, input);
    const siblings = ctx.state.where(scheduledActionsByTarget, targetKey(target));
    const existing = siblings.find((a) => a.ScheduledActionName === input.ScheduledActionName);
    if (!existing && siblings.length >= ACTIONS_PER_TARGET) throw new LimitExceededException(`Maximum number of scheduled actions (${ACTIONS_PER_TARGET}) per scalable target reached`);
    const schedule = input.Schedule ?? existing?.Schedule;
    if (!schedule) throw new ValidationException('Schedule is required when creating a scheduled action');
    const action = { ...existing?.ScalableTargetAction, ...definedOnly(input.ScalableTargetAction ?? {}) };
    if (action.MinCapacity === undefined && action.MaxCapacity === undefined)
      throw new ValidationException('ScalableTargetAction must have at least one of MinCapacity and MaxCapacity');
    if (action.MinCapacity !== undefined && action.MaxCapacity !== undefined && action.MinCapacity > action.MaxCapacity)
      throw new ValidationException('Minimum capacity cannot be greater than maximum capacity');
    const now = ctx.clock.now();
    const next: ScheduledActionRecord = {
      ScheduledActionName: input.ScheduledActionName,
      ScheduledActionARN: existing?.ScheduledActionARN ?? scheduledActionArn(ctx.partition, uuidOf(ctx.ids.id()), input.ServiceNamespace, input.ResourceId, input.ScheduledActionName),
      ServiceNamespace: input.ServiceNamespace,
      ResourceId: input.ResourceId,
      ScalableDimension: input.ScalableDimension,
      Schedule: schedule,
      ...definedOnly({ Timezone: input.Timezone ?? existing?.Timezone, StartTime: input.StartTime ?? existing?.StartTime, EndTime: input.EndTime ?? existing?.EndTime }),
      ScalableTargetAction: action,
      CreationTime: existing?.CreationTime ?? now,
    };
    if (next.StartTime && next.EndTime && new Date(next.StartTime) > new Date(next.EndTime)) throw new ValidationException('StartTime must be before EndTime');
    const at = nextRunOf(next, now.getTime());
    return tx.put('scalingScheduledAction', next.ScheduledActionARN, { ...next, ...(at !== undefined && { nextRunAt: at }) });
  });
  ctx.log.info('scheduled action put', { arn: record.ScheduledActionARN, schedule: record.Schedule, nextRunAt: record.nextRunAt && new Date(record.nextRunAt) });
  return {};
}

export async function deleteScheduledAction(ctx: ControlContext, input: DeleteScheduledActionRequest & TargetRef & { ScheduledActionName: string }): Promise<Record<string, never>> {
  checkTargetRef(input);
  await ctx.state.mutate((tx) => {
    const action = ctx.state.where(scheduledActionsByTarget, targetKey(input)).find((a) => a.ScheduledActionName === input.ScheduledActionName);
    if (!action) throw new ObjectNotFoundException(`No scheduled action found for service namespace: ${input.ServiceNamespace}, resource ID: ${input.ResourceId}, scalable dimension: ${input.ScalableDimension}, scheduled action name: ${input.ScheduledActionName}`);
    tx.delete('scalingScheduledAction', action.ScheduledActionARN);
  });
  return {};
}

function definedOnly<T extends object>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<T>;
}
