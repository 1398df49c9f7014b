// GetLogEvents: one stream's events in time order, paged by AWS's tokens. `f/<position>` reads on after the
// position, `b/<position>` back before it; without a token the read starts at the head (startFromHead) or
// ends at the tail. At either end the same token comes back, which is how callers know they are done.
import { decodeStreamToken, encodeStreamToken, eventSize, HEAD, LIMITS, type LogPosition, type StoredLogEvent } from '../../core/logs.js';
import type { ControlContext } from '../context.js';
import { eventStore, type GroupInput } from './log-groups.js';
import { resolveStream } from './log-streams.js';

export interface GetLogEventsInput extends GroupInput {
  logStreamName: string;
  startTime?: number;
  endTime?: number;
  nextToken?: string;
  limit?: number;
  startFromHead?: boolean;
}


/** The first events that fit AWS's response size, in the order read. */
export function withinBytes<T extends { message: string }>(events: T[]): T[] {
  let bytes = 0;
  const end = events.findIndex((e) => (bytes += eventSize(e.message)) > LIMITS.readBytes);
  return end === -1 ? events : events.slice(0, end);
}

export async function getLogEvents(ctx: ControlContext, input: GetLogEventsInput) {
  const stream = resolveStream(ctx.state, input);
  const token = input.nextToken !== undefined ? decodeStreamToken(input.nextToken) : undefined;
  const forward = token ? token.forward : input.startFromHead === true;
  const from: LogPosition | undefined = token?.position ?? (forward ? HEAD : undefined);
  const read = await eventStore(ctx).read(
    { region: ctx.partition.region, logGroupName: stream.logGroupName, logStreamName: stream.logStreamName },
    { startTime: input.startTime, endTime: input.endTime, from, forward, limit: input.limit ?? LIMITS.readEvents },
  );
  const nearest = withinBytes(read);
  const events: StoredLogEvent[] = forward ? nearest : nearest.reverse();
  const first = events[0] ?? from ?? HEAD;
  const last = events.at(-1) ?? from ?? HEAD;
  return {
    events: events.map((e) => ({ timestamp: e.timestamp, message: e.message, ingestionTime: e.ingestionTime })),
    nextForwardToken: encodeStreamToken({ forward: true, position: { timestamp: last.timestamp, seq: last.seq } }),
    nextBackwardToken: encodeStreamToken({ forward: false, position: { timestamp: first.timestamp, seq: first.seq } }),
  };
}
