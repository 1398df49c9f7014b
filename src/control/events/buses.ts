// Event buses: the `default` bus every region has, and custom ones (CreateEventBus, DescribeEventBus,
// ListEventBuses, DeleteEventBus). A bus is named by its name or its ARN wherever EventBridge takes either.
import { ResourceNotFoundException, ValidationException } from '../../core/errors.js';
import { DEFAULT_EVENT_BUS, eventBusArn, type EventBusRecord, type EventsTag } from '../../core/events.js';
import { ResourceAlreadyExistsException } from '../../core/events-errors.js';
import type { ControlContext } from '../context.js';
import type { State, Transaction } from '../state.js';
import { page } from './pagination.js';
import { checkTags } from './tags.js';

/** The bus's name, from its name or ARN (none given: the default bus). */
export const busName = (nameOrArn: string | undefined): string => (nameOrArn === undefined ? DEFAULT_EVENT_BUS : nameOrArn.replace(/^arn:[^:]+:events:[^:]*:\d*:event-bus\//, ''));

export function resolveBus(ctx: Pick<ControlContext, 'partition'>, state: Pick<State, 'get'> | Transaction, nameOrArn: string | undefined): EventBusRecord {
  const name = busName(nameOrArn);
  const bus = state.get('eventBus', eventBusArn(ctx.partition, name));
  if (!bus) throw new ResourceNotFoundException(`Event bus ${name} does not exist.`);
  return bus;
}

/** Every region has its default bus from the start. */
export async function ensureDefaultBus(ctx: ControlContext): Promise<void> {
  const arn = eventBusArn(ctx.partition, DEFAULT_EVENT_BUS);
  if (ctx.state.get('eventBus', arn)) return;
  await ctx.state.mutate((tx) => {
    if (tx.get('eventBus', arn)) return;
    const now = ctx.clock.now();
    tx.put('eventBus', arn, { Name: DEFAULT_EVENT_BUS, Arn: arn, CreationTime: now, LastModifiedTime: now, tags: [] });
  });
}

export async function createEventBus(ctx: ControlContext, input: { Name: string; EventSourceName?: string; Description?: string; Tags?: EventsTag[] }) {
  if (input.EventSourceName !== undefined) throw new ValidationException('Partner event sources are not supported.');
  if (input.Name === DEFAULT_EVENT_BUS || input.Name.includes('/')) throw new ValidationException(`Event bus name ${input.Name} is not valid.`);
  const tags = checkTags(input.Tags ?? []);
  const record = await ctx.state.mutate((tx) => {
    const arn = eventBusArn(ctx.partition, input.Name);
    if (tx.get('eventBus', arn)) throw new ResourceAlreadyExistsException(`Event bus ${input.Name} already exists.`);
    const now = ctx.clock.now();
    return tx.put('eventBus', arn, { Name: input.Name, Arn: arn, ...(input.Description !== undefined && { Description: input.Description }), CreationTime: now, LastModifiedTime: now, tags });
  });
  return { EventBusArn: record.Arn, ...(record.Description !== undefined && { Description: record.Description }) };
}

export function describeEventBus(ctx: ControlContext, input: { Name?: string }) {
  const { tags: _tags, ...bus } = resolveBus(ctx, ctx.state, input.Name);
  return bus;
}

export async function updateEventBus(ctx: ControlContext, input: { Name?: string; Description?: string }) {
  const record = await ctx.state.mutate((tx) => {
    const bus = resolveBus(ctx, tx, input.Name);
    return tx.put('eventBus', bus.Arn, { ...bus, ...(input.Description !== undefined && { Description: input.Description }), LastModifiedTime: ctx.clock.now() });
  });
  return { Arn: record.Arn, Name: record.Name, ...(record.Description !== undefined && { Description: record.Description }) };
}

/** Deletes a custom bus and its rules (the default bus stays); an unknown bus is no error, as on AWS. */
export async function deleteEventBus(ctx: ControlContext, input: { Name: string }): Promise<Record<string, never>> {
  const name = busName(input.Name);
  if (name === DEFAULT_EVENT_BUS) throw new ValidationException('Cannot delete event bus default.');
  await ctx.state.mutate((tx) => {
    const arn = eventBusArn(ctx.partition, name);
    if (!tx.get('eventBus', arn)) return;
    tx.delete('eventBus', arn);
    for (const rule of ctx.state.all('eventRule')) if (rule.EventBusName === name) tx.delete('eventRule', rule.Arn);
  });
  return {};
}

export function listEventBuses(ctx: ControlContext, input: { NamePrefix?: string; NextToken?: string; Limit?: number }) {
  const buses = [...ctx.state.all('eventBus')].filter((b) => !input.NamePrefix || b.Name.startsWith(input.NamePrefix)).sort((a, b) => (a.Name < b.Name ? -1 : 1));
  const { items, NextToken } = page(buses, input);
  return { EventBuses: items.map(({ tags: _tags, ...bus }) => bus), ...(NextToken && { NextToken }) };
}
