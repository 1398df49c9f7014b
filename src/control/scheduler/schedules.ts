// Schedules: CreateSchedule, GetSchedule, UpdateSchedule (which replaces the whole schedule, as on AWS),
// DeleteSchedule and ListSchedules, each schedule in a group (`default` unless named).
import { checkSchedule, DEFAULT_SCHEDULE_GROUP, scheduleArn, type ScheduleRecord } from '../../core/scheduler.js';
import { ConflictException, ResourceNotFoundException } from '../../core/scheduler-errors.js';
import type { ControlContext } from '../context.js';
import { page } from '../events/pagination.js';
import type { State, Transaction } from '../state.js';
import { resolveGroup } from './groups.js';

/** Scheduler retries for a day, 185 times, unless the target says less (GetSchedule shows the defaults). */
const DEFAULT_RETRY_POLICY = { MaximumEventAgeInSeconds: 86_400, MaximumRetryAttempts: 185 };

type ScheduleInput = Omit<ScheduleRecord, 'Arn' | 'GroupName' | 'State' | 'ActionAfterCompletion' | 'CreationDate' | 'LastModificationDate'> & {
  GroupName?: string;
  State?: ScheduleRecord['State'];
  ActionAfterCompletion?: ScheduleRecord['ActionAfterCompletion'];
  ClientToken?: string;
};

export function resolveSchedule(ctx: Pick<ControlContext, 'partition'>, state: Pick<State, 'get'> | Transaction, name: string, group = DEFAULT_SCHEDULE_GROUP): ScheduleRecord {
  const schedule = state.get('schedule', scheduleArn(ctx.partition, group, name));
  if (!schedule) throw new ResourceNotFoundException(`Schedule ${name} does not exist.`);
  return schedule;
}

/** The record a create or update makes of its input (everything not given is reset, as UpdateSchedule does). */
function scheduleRecord(ctx: ControlContext, input: ScheduleInput, group: string, created: Date): ScheduleRecord {
  checkSchedule(input);
  const { ClientToken: _token, GroupName: _group, State, ActionAfterCompletion, Target, ...rest } = input;
  return {
    ...rest,
    Name: input.Name,
    GroupName: group,
    Arn: scheduleArn(ctx.partition, group, input.Name),
    State: State ?? 'ENABLED',
    ActionAfterCompletion: ActionAfterCompletion ?? 'NONE',
    Target: { ...Target, RetryPolicy: { ...DEFAULT_RETRY_POLICY, ...Target.RetryPolicy } },
    CreationDate: created,
    LastModificationDate: ctx.clock.now(),
  };
}

export async function createSchedule(ctx: ControlContext, input: ScheduleInput) {
  const group = input.GroupName ?? DEFAULT_SCHEDULE_GROUP;
  const record = scheduleRecord(ctx, input, group, ctx.clock.now());
  await ctx.state.mutate((tx) => {
    resolveGroup(ctx, tx, group);
    if (tx.get('schedule', record.Arn)) throw new ConflictException(`Schedule ${input.Name} already exists.`);
    tx.put('schedule', record.Arn, record);
  });
  return { ScheduleArn: record.Arn };
}

export function getSchedule(ctx: ControlContext, input: { Name: string; GroupName?: string }): ScheduleRecord {
  return resolveSchedule(ctx, ctx.state, input.Name, input.GroupName);
}

export async function updateSchedule(ctx: ControlContext, input: ScheduleInput) {
  const group = input.GroupName ?? DEFAULT_SCHEDULE_GROUP;
  const record = await ctx.state.mutate((tx) => {
    resolveGroup(ctx, tx, group);
    const existing = resolveSchedule(ctx, tx, input.Name, group);
    return tx.put('schedule', existing.Arn, scheduleRecord(ctx, input, group, existing.CreationDate));
  });
  return { ScheduleArn: record.Arn };
}

export async function deleteSchedule(ctx: ControlContext, input: { Name: string; GroupName?: string }): Promise<Record<string, never>> {
  await ctx.state.mutate((tx) => {
    const schedule = resolveSchedule(ctx, tx, input.Name, input.GroupName);
    tx.delete('schedule', schedule.Arn);
  });
  return {};
}

export function listSchedules(ctx: ControlContext, input: { GroupName?: string; NamePrefix?: string; State?: string; MaxResults?: number; NextToken?: string }) {
  if (input.GroupName !== undefined) resolveGroup(ctx, ctx.state, input.GroupName);
  const schedules = [...ctx.state.all('schedule')]
    .filter((s) => (input.GroupName === undefined || s.GroupName === input.GroupName) && (input.NamePrefix === undefined || s.Name.startsWith(input.NamePrefix)) && (input.State === undefined || s.State === input.State))
    .sort((a, b) => a.GroupName.localeCompare(b.GroupName) || a.Name.localeCompare(b.Name))
    .map((s) => ({ Arn: s.Arn, Name: s.Name, GroupName: s.GroupName, State: s.State, CreationDate: s.CreationDate, LastModificationDate: s.LastModificationDate, Target: { Arn: s.Target.Arn } }));
  const { items, NextToken } = page(schedules, { NextToken: input.NextToken, Limit: input.MaxResults });
  return { Schedules: items, ...(NextToken && { NextToken }) };
}

