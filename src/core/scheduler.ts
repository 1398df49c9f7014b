// EventBridge Scheduler: schedule groups and schedules (records), and when a schedule fires. Expressions
// are `at(yyyy-mm-ddThh:mm:ss)`, `rate(value unit)` and EventBridge's six-field `cron(...)`, wall-clock
// times read in the schedule's ScheduleExpressionTimezone (UTC by default), bounded by StartDate/EndDate;
// a FLEXIBLE time window moves each firing to a point drawn within MaximumWindowInMinutes after it.
// Pure: the time to look from and the random draw are given.
import { wallClockToUtc } from './app-autoscaling-schedule.js';
import { arn, type Partition } from './arn.js';
import { ValidationException } from './errors.js';
import type { EcsParameters, EventsTag } from './events.js';
import { parseSchedule } from './events-schedule.js';

export const DEFAULT_SCHEDULE_GROUP = 'default';

export const scheduleGroupArn = (p: Partition, name: string) => arn(p, 'scheduler', `schedule-group/${name}`);
export const scheduleArn = (p: Partition, group: string, name: string) => arn(p, 'scheduler', `schedule/${group}/${name}`);

export interface ScheduleGroupRecord {
  Name: string;
  Arn: string;
  State: 'ACTIVE' | 'DELETING';
  CreationDate: Date;
  LastModificationDate: Date;
  tags: EventsTag[];
}

/** Scheduler's EcsParameters: EventBridge's, but Tags are a list of maps. */
export type SchedulerEcsParameters = Omit<EcsParameters, 'Tags'> & { Tags?: Record<string, string>[] };

export interface SchedulerTarget {
  Arn: string;
  RoleArn: string;
  Input?: string;
  EcsParameters?: SchedulerEcsParameters;
  RetryPolicy?: { MaximumEventAgeInSeconds?: number; MaximumRetryAttempts?: number };
  DeadLetterConfig?: { Arn?: string };
  [other: string]: unknown;
}

export interface FlexibleTimeWindow {
  Mode: 'OFF' | 'FLEXIBLE';
  MaximumWindowInMinutes?: number;
}

export interface ScheduleRecord {
  Name: string;
  GroupName: string;
  Arn: string;
  Description?: string;
  ScheduleExpression: string;
  ScheduleExpressionTimezone?: string;
  StartDate?: Date;
  EndDate?: Date;
  FlexibleTimeWindow: FlexibleTimeWindow;
  State: 'ENABLED' | 'DISABLED';
  ActionAfterCompletion: 'NONE' | 'DELETE';
  KmsKeyArn?: string;
  Target: SchedulerTarget;
  CreationDate: Date;
  LastModificationDate: Date;
}

declare module './records.js' {
  interface RecordKinds {
    scheduleGroup: ScheduleGroupRecord;
    schedule: ScheduleRecord;
  }
}

/** When a schedule's expression fires: the first time strictly after `after`; a rate counts from `anchor`. */
export type Firings = (after: number, anchor: number) => number | undefined;

/** Reads an expression in a time zone; Scheduler's ValidationException when it would refuse either. */
export function scheduleFirings(expression: string, timezone = 'UTC'): Firings {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
  } catch {
    throw new ValidationException(`Invalid ScheduleExpressionTimezone ${timezone}.`);
  }
  const at = /^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$/.exec(expression);
  if (at) {
    if (Number.isNaN(Date.parse(`${at[1]}Z`))) throw invalidExpression(expression);
    const time = wallClockToUtc(at[1]!, timezone);
    return (after) => (time > after ? time : undefined);
  }
  const schedule = parseSchedule(expression, timezone);
  if (!schedule) throw invalidExpression(expression);
  return (after, anchor) => schedule.next(new Date(after), new Date(anchor))?.getTime();
}

const invalidExpression = (expression: string) => new ValidationException(`Invalid Schedule Expression ${expression}.`);

/**
 * The schedule's next nominal firing strictly after `after`, within its StartDate and EndDate, or undefined
 * once it has no more. A rate counts from its StartDate, else from when the schedule was made.
 */
export function nextFiring(schedule: Pick<ScheduleRecord, 'ScheduleExpression' | 'ScheduleExpressionTimezone' | 'StartDate' | 'EndDate' | 'CreationDate'>, after: number): number | undefined {
  const firings = scheduleFirings(schedule.ScheduleExpression, schedule.ScheduleExpressionTimezone);
  const start = schedule.StartDate ? new Date(schedule.StartDate).getTime() : undefined;
  const anchor = start ?? new Date(schedule.CreationDate).getTime();
  const next = firings(Math.max(after, start === undefined ? -Infinity : start - 1), anchor);
  return next !== undefined && (schedule.EndDate === undefined || next <= new Date(schedule.EndDate).getTime()) ? next : undefined;
}

/** Where within a FLEXIBLE window a firing lands: `draw` in [0, 1) spreads it over the window's minutes. */
export function flexibleDelayMs(window: FlexibleTimeWindow, draw: number): number {
  return window.Mode === 'FLEXIBLE' ? Math.floor(draw * (window.MaximumWindowInMinutes ?? 0) * 60_000) : 0;
}

/** A draw in [0, 1) from an id (ctx.ids), so tests replay it. */
export const drawFromId = (id: string): number => parseInt(id.slice(0, 8), 16) / 2 ** 32;

/** Scheduler's context attributes, replaced in a target's Input as it is delivered. */
export function contextInput(input: string, context: { scheduleArn: string; scheduledTime: Date; executionId: string; attemptNumber: number }): string {
  return input
    .replaceAll('<aws.scheduler.schedule-arn>', context.scheduleArn)
    .replaceAll('<aws.scheduler.scheduled-time>', context.scheduledTime.toISOString().replace(/\.\d{3}Z$/, 'Z'))
    .replaceAll('<aws.scheduler.execution-id>', context.executionId)
    .replaceAll('<aws.scheduler.attempt-number>', String(context.attemptNumber));
}

/** Checks what CreateSchedule and UpdateSchedule are given beyond the model's own constraints. */
export function checkSchedule(input: Pick<ScheduleRecord, 'ScheduleExpression' | 'ScheduleExpressionTimezone' | 'StartDate' | 'EndDate' | 'FlexibleTimeWindow' | 'Target'>): void {
  scheduleFirings(input.ScheduleExpression, input.ScheduleExpressionTimezone);
  const { Mode, MaximumWindowInMinutes } = input.FlexibleTimeWindow;
  if (Mode === 'FLEXIBLE' && MaximumWindowInMinutes === undefined) throw new ValidationException('MaximumWindowInMinutes is required when FlexibleTimeWindow Mode is FLEXIBLE.');
  if (Mode === 'OFF' && MaximumWindowInMinutes !== undefined) throw new ValidationException('MaximumWindowInMinutes must not be specified when FlexibleTimeWindow Mode is OFF.');
  if (input.StartDate && input.EndDate && new Date(input.StartDate).getTime() >= new Date(input.EndDate).getTime())
    throw new ValidationException('The StartDate must be before the EndDate.');
  const { Target } = input;
  if (!/^arn:aws[\w-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(Target.RoleArn)) throw new ValidationException(`Invalid RoleArn ${Target.RoleArn}.`);
  if (/^arn:aws[\w-]*:ecs:[\w-]+:\d{12}:cluster\//.test(Target.Arn) && !Target.EcsParameters)
    throw new ValidationException('EcsParameters are required for an Amazon ECS target.');
  if (Target.EcsParameters && !/^arn:aws[\w-]*:ecs:[\w-]+:\d{12}:cluster\//.test(Target.Arn))
    throw new ValidationException('EcsParameters are only valid for an Amazon ECS cluster target.');
}
