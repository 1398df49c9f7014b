// Log streams: CreateLogStream, DeleteLogStream, DescribeLogStreams, and how a call names one.
import { ResourceNotFoundException } from '../../core/errors.js';
import { InvalidParameterException, ResourceAlreadyExistsException } from '../../core/logs-errors.js';
import { logStreamId, type LogStreamRecord, type LogStreamStats } from '../../core/logs.js';
import type { ControlContext } from '../context.js';
import type { State } from '../state.js';
import { streamsByGroup } from './indexes.js';
import { eventStore, logStreamArn, resolveGroup, type GroupInput } from './log-groups.js';
import { page } from './pages.js';

/** The stream a call names, in a group that must exist. */
export function resolveStream(state: Pick<State, 'get'>, input: GroupInput & { logStreamName: string }): LogStreamRecord {
  const group = resolveGroup(state, input);
  const stream = state.get('logStream', logStreamId(group.logGroupName, input.logStreamName));
  if (!stream) throw new ResourceNotFoundException('The specified log stream does not exist.');
  return stream;
}

/** Makes the stream; answers whether it was new (the awslogs driver makes its streams as needed). */
export async function ensureLogStream(ctx: ControlContext, logGroupName: string, logStreamName: string): Promise<boolean> {
  return ctx.state.mutate((tx) => {
    resolveGroup(tx, { logGroupName });
    const id = logStreamId(logGroupName, logStreamName);
    if (tx.get('logStream', id)) return false;
    tx.put('logStream', id, { logGroupName, logStreamName, creationTime: ctx.clock.now().getTime() });
    return true;
  });
}

export async function createLogStream(ctx: ControlContext, input: { logGroupName: string; logStreamName: string }): Promise<Record<string, never>> {
  if (!(await ensureLogStream(ctx, input.logGroupName, input.logStreamName))) {
    throw new ResourceAlreadyExistsException('The specified log stream already exists');
  }
  return {};
}

export async function deleteLogStream(ctx: ControlContext, input: GroupInput & { logStreamName: string }): Promise<Record<string, never>> {
  const stream = await ctx.state.mutate((tx) => {
    const found = resolveStream(tx, input);
    tx.delete('logStream', logStreamId(found.logGroupName, found.logStreamName));
    return found;
  });
  await eventStore(ctx).deleteStream({ region: ctx.partition.region, logGroupName: stream.logGroupName, logStreamName: stream.logStreamName });
  return {};
}

export interface DescribeLogStreamsInput extends GroupInput {
  logStreamNamePrefix?: string;
  orderBy?: 'LogStreamName' | 'LastEventTime';
  descending?: boolean;
  nextToken?: string;
  limit?: number;
}

/** Streams by name or by their last event's time (streams with no event yet first), ascending unless `descending`. */
export async function describeLogStreams(ctx: ControlContext, input: DescribeLogStreamsInput) {
  const group = resolveGroup(ctx.state, input);
  const byTime = input.orderBy === 'LastEventTime';
  if (byTime && input.logStreamNamePrefix !== undefined) throw new InvalidParameterException('Cannot order by LastEventTime with a logStreamNamePrefix.');
  const stats = await eventStore(ctx).stats(ctx.partition.region, group.logGroupName);
  const figures = (s: LogStreamRecord): LogStreamStats => stats.get(s.logStreamName) ?? { storedBytes: 0 };
  const order = (a: LogStreamRecord, b: LogStreamRecord) =>
    byTime
      ? (figures(a).lastEventTimestamp ?? -1) - (figures(b).lastEventTimestamp ?? -1) || (a.logStreamName < b.logStreamName ? -1 : 1)
      : a.logStreamName < b.logStreamName ? -1 : 1;
  const streams = ctx.state
    .where(streamsByGroup, group.logGroupName)
    .filter((s) => input.logStreamNamePrefix === undefined || s.logStreamName.startsWith(input.logStreamNamePrefix))
    .sort((a, b) => (input.descending ? -order(a, b) : order(a, b)));
  const { items, nextToken } = page(streams, input, 50);
  return {
    logStreams: items.map((s) => ({
      logStreamName: s.logStreamName,
      creationTime: s.creationTime,
      ...figures(s),
      // Deprecated by AWS for streams, and reported as zero.
      storedBytes: 0,
      arn: logStreamArn(ctx, s.logGroupName, s.logStreamName),
    })),
    ...(nextToken && { nextToken }),
  };
}
