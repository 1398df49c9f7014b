// Log groups: their ARNs, how a call names one (logGroupName or logGroupIdentifier, a name or an ARN), and
// CreateLogGroup, DeleteLogGroup, DescribeLogGroups.
import { arn } from '../../core/arn.js';
import { ResourceNotFoundException } from '../../core/errors.js';
import { InvalidParameterException, ResourceAlreadyExistsException, ServiceUnavailableException } from '../../core/logs-errors.js';
import { logStreamId, type LogEventStore, type LogGroupRecord } from '../../core/logs.js';
import type { ControlContext } from '../context.js';
import type { State } from '../state.js';
import { streamsByGroup } from './indexes.js';
import { page, type Page } from './pages.js';
import { checkTags } from './tags.js';

/** `arn:aws:logs:<region>:<account>:log-group:<name>`: the group's ARN without the `:*` that DescribeLogGroups' `arn` ends in. */
export const logGroupArn = (ctx: Pick<ControlContext, 'partition'>, name: string) => arn(ctx.partition, 'logs', `log-group:${name}`);

export const logStreamArn = (ctx: Pick<ControlContext, 'partition'>, group: string, stream: string) =>
  `${logGroupArn(ctx, group)}:log-stream:${stream}`;

/** The group an ARN (with or without `:*`) names, or the name itself. */
export function groupNameOf(identifier: string): string {
  const match = /^arn:aws[\w-]*:logs:[\w-]*:\d*:log-group:([^:]+)(:\*)?$/.exec(identifier);
  return match ? match[1]! : identifier;
}

export interface GroupInput {
  logGroupName?: string;
  logGroupIdentifier?: string;
}

/** The group a call names, which must exist. */
export function resolveGroup(state: Pick<State, 'get'>, input: GroupInput): LogGroupRecord {
  if (input.logGroupName !== undefined && input.logGroupIdentifier !== undefined) {
    throw new InvalidParameterException('LogGroup name and LogGroup ARN are mutually exclusive parameters.');
  }
  const id = input.logGroupName ?? input.logGroupIdentifier;
  if (id === undefined) throw new InvalidParameterException('Either logGroupName or logGroupIdentifier is required.');
  const record = state.get('logGroup', groupNameOf(id));
  if (!record) throw new ResourceNotFoundException('The specified log group does not exist.');
  return record;
}

/** The region's event store (wired by the composition root wherever Logs is served). */
export function eventStore(ctx: ControlContext): LogEventStore {
  if (!ctx.logEvents) throw new ServiceUnavailableException('CloudWatch Logs has no event store here.');
  return ctx.logEvents;
}

export interface CreateLogGroupInput {
  logGroupName: string;
  kmsKeyId?: string;
  tags?: Record<string, string>;
  logGroupClass?: LogGroupRecord['logGroupClass'];
}

export async function createLogGroup(ctx: ControlContext, input: CreateLogGroupInput): Promise<Record<string, never>> {
  const tags = checkTags(input.tags ?? {});
  await ctx.state.mutate((tx) => {
    if (tx.get('logGroup', input.logGroupName)) throw new ResourceAlreadyExistsException('The specified log group already exists');
    tx.put('logGroup', input.logGroupName, {
      logGroupName: input.logGroupName,
      creationTime: ctx.clock.now().getTime(),
      logGroupClass: input.logGroupClass ?? 'STANDARD',
      ...(input.kmsKeyId !== undefined && { kmsKeyId: input.kmsKeyId }),
      tags,
    });
  });
  return {};
}

/** Deletes the group and its streams at once; their events go right after (a sweep finishes what a crash left). */
export async function deleteLogGroup(ctx: ControlContext, input: GroupInput): Promise<Record<string, never>> {
  const name = await ctx.state.mutate((tx) => {
    const group = resolveGroup(tx, input);
    for (const stream of ctx.state.where(streamsByGroup, group.logGroupName)) tx.delete('logStream', logStreamId(group.logGroupName, stream.logStreamName));
    tx.delete('logGroup', group.logGroupName);
    return group.logGroupName;
  });
  await eventStore(ctx).deleteGroup(ctx.partition.region, name);
  return {};
}

export interface DescribeLogGroupsInput {
  logGroupNamePrefix?: string;
  logGroupNamePattern?: string;
  logGroupClass?: string;
  logGroupIdentifiers?: string[];
  nextToken?: string;
  limit?: number;
}

/** Groups in name order, by prefix, by pattern (a case-insensitive substring) or by identifiers. */
export async function describeLogGroups(ctx: ControlContext, input: DescribeLogGroupsInput) {
  if (input.logGroupNamePrefix !== undefined && input.logGroupNamePattern !== undefined) {
    throw new InvalidParameterException('LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.');
  }
  const identifiers = input.logGroupIdentifiers && new Set(input.logGroupIdentifiers.map(groupNameOf));
  const pattern = input.logGroupNamePattern?.toLowerCase();
  const groups = [...ctx.state.all('logGroup')]
    .filter((g) => input.logGroupNamePrefix === undefined || g.logGroupName.startsWith(input.logGroupNamePrefix))
    .filter((g) => pattern === undefined || g.logGroupName.toLowerCase().includes(pattern))
    .filter((g) => !identifiers || identifiers.has(g.logGroupName))
    .filter((g) => input.logGroupClass === undefined || g.logGroupClass === input.logGroupClass)
    .sort((a, b) => (a.logGroupName < b.logGroupName ? -1 : 1));
  const { items, nextToken }: Page<LogGroupRecord> = page(groups, input, 50);
  const store = eventStore(ctx);
  const logGroups = await Promise.all(items.map(async (g) => describeGroup(ctx, g, await store.stats(ctx.partition.region, g.logGroupName))));
  return { logGroups, ...(nextToken && { nextToken }) };
}

function describeGroup(ctx: ControlContext, g: LogGroupRecord, stats: Map<string, { storedBytes: number }>) {
  const groupArn = logGroupArn(ctx, g.logGroupName);
  return {
    logGroupName: g.logGroupName,
    creationTime: g.creationTime,
    ...(g.retentionInDays !== undefined && { retentionInDays: g.retentionInDays }),
    metricFilterCount: 0,
    arn: `${groupArn}:*`,
    logGroupArn: groupArn,
    storedBytes: [...stats.values()].reduce((sum, s) => sum + s.storedBytes, 0),
    logGroupClass: g.logGroupClass,
    ...(g.kmsKeyId !== undefined && { kmsKeyId: g.kmsKeyId }),
  };
}
