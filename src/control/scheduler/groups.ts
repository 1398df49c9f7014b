// Schedule groups: the `default` group every region has, and named ones (CreateScheduleGroup,
// GetScheduleGroup, ListScheduleGroups, DeleteScheduleGroup, which takes the group's schedules with it),
// and their tags (Scheduler tags groups, not schedules).
import { ValidationException } from '../../core/errors.js';
import type { EventsTag } from '../../core/events.js';
import { DEFAULT_SCHEDULE_GROUP, scheduleGroupArn, type ScheduleGroupRecord } from '../../core/scheduler.js';
import { ConflictException, ResourceNotFoundException } from '../../core/scheduler-errors.js';
import type { ControlContext } from '../context.js';
import { page } from '../events/pagination.js';
import { checkTags } from '../events/tags.js';
import type { State, Transaction } from '../state.js';

export function resolveGroup(ctx: Pick<ControlContext, 'partition'>, state: Pick<State, 'get'> | Transaction, name = DEFAULT_SCHEDULE_GROUP): ScheduleGroupRecord {
  const group = state.get('scheduleGroup', scheduleGroupArn(ctx.partition, name));
  if (!group) throw new ResourceNotFoundException(`Schedule group ${name} does not exist.`);
  return group;
}

/** Every region has its default group from the start. */
export async function ensureDefaultGroup(ctx: ControlContext): Promise<void> {
  const arn = scheduleGroupArn(ctx.partition, DEFAULT_SCHEDULE_GROUP);
  if (ctx.state.get('scheduleGroup', arn)) return;
  await ctx.state.mutate((tx) => {
    if (tx.get('scheduleGroup', arn)) return;
    const now = ctx.clock.now();
    tx.put('scheduleGroup', arn, { Name: DEFAULT_SCHEDULE_GROUP, Arn: arn, State: 'ACTIVE', CreationDate: now, LastModificationDate: now, tags: [] });
  });
}

export async function createScheduleGroup(ctx: ControlContext, input: { Name: string; Tags?: EventsTag[] }) {
  const tags = checkTags(input.Tags ?? []);
  const record = await ctx.state.mutate((tx) => {
    const arn = scheduleGroupArn(ctx.partition, input.Name);
    if (tx.get('scheduleGroup', arn)) throw new ConflictException(`Schedule group ${input.Name} already exists.`);
    const now = ctx.clock.now();
    return tx.put('scheduleGroup', arn, { Name: input.Name, Arn: arn, State: 'ACTIVE', CreationDate: now, LastModificationDate: now, tags });
  });
  return { ScheduleGroupArn: record.Arn };
}

export function getScheduleGroup(ctx: ControlContext, input: { Name: string }) {
  const { tags: _tags, ...group } = resolveGroup(ctx, ctx.state, input.Name);
  return group;
}

export function listScheduleGroups(ctx: ControlContext, input: { NamePrefix?: string; MaxResults?: number; NextToken?: string }) {
  const groups = [...ctx.state.all('scheduleGroup')]
    .filter((g) => input.NamePrefix === undefined || g.Name.startsWith(input.NamePrefix))
    .sort((a, b) => a.Name.localeCompare(b.Name))
    .map(({ tags: _tags, ...group }) => group);
  const { items, NextToken } = page(groups, { NextToken: input.NextToken, Limit: input.MaxResults });
  return { ScheduleGroups: items, ...(NextToken && { NextToken }) };
}

/** Deletes the group and every schedule in it; the default group cannot be deleted. */
export async function deleteScheduleGroup(ctx: ControlContext, input: { Name: string }): Promise<Record<string, never>> {
  if (input.Name === DEFAULT_SCHEDULE_GROUP) throw new ValidationException('The default schedule group cannot be deleted.');
  await ctx.state.mutate((tx) => {
    const group = resolveGroup(ctx, tx, input.Name);
    for (const schedule of ctx.state.all('schedule')) if (schedule.GroupName === group.Name) tx.delete('schedule', schedule.Arn);
    tx.delete('scheduleGroup', group.Arn);
  });
  return {};
}

/** The group an ARN names (only groups carry tags). */
function taggedGroup(ctx: ControlContext, state: Pick<State, 'get'> | Transaction, resourceArn: string): ScheduleGroupRecord {
  const name = /^arn:aws[\w-]*:scheduler:[\w-]+:\d{12}:schedule-group\/([0-9a-zA-Z-_.]+)$/.exec(resourceArn)?.[1];
  if (!name) throw new ValidationException(`Invalid resource ARN ${resourceArn}.`);
  return resolveGroup(ctx, state, name);
}

export async function tagResource(ctx: ControlContext, input: { ResourceArn: string; Tags: EventsTag[] }): Promise<Record<string, never>> {
  await ctx.state.mutate((tx) => {
    const group = taggedGroup(ctx, tx, input.ResourceArn);
    const merged = new Map(group.tags.map((t) => [t.Key, t]));
    for (const tag of checkTags(input.Tags)) merged.set(tag.Key, tag);
    tx.put('scheduleGroup', group.Arn, { ...group, tags: checkTags([...merged.values()]) });
  });
  return {};
}

export async function untagResource(ctx: ControlContext, input: { ResourceArn: string; TagKeys: string[] }): Promise<Record<string, never>> {
  await ctx.state.mutate((tx) => {
    const group = taggedGroup(ctx, tx, input.ResourceArn);
    tx.put('scheduleGroup', group.Arn, { ...group, tags: group.tags.filter((t) => !input.TagKeys.includes(t.Key)) });
  });
  return {};
}

export function listTagsForResource(ctx: ControlContext, input: { ResourceArn: string }) {
  return { Tags: taggedGroup(ctx, ctx.state, input.ResourceArn).tags };
}
