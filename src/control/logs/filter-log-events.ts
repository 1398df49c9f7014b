// FilterLogEvents: a group's events across its streams, interleaved in time order, that match a filter
// pattern (core/logs-filter-pattern.ts). A page ends at `limit` events, AWS's 1 MB, or after scanning a
// bounded number of events (so one call never reads a whole group); `nextToken` resumes after the last
// event seen. Polling with it is how `aws logs tail --follow` and SDK tailers follow a group.
import { InvalidParameterException } from '../../core/logs-errors.js';
import { compileFilterPattern } from '../../core/logs-filter-pattern.js';
import { decodePosition, encodePosition, eventSize, LIMITS, type LogPosition, type StoredLogEvent } from '../../core/logs.js';
import type { ControlContext } from '../context.js';
import { streamsByGroup } from './indexes.js';
import { eventStore, resolveGroup, type GroupInput } from './log-groups.js';

export interface FilterLogEventsInput extends GroupInput {
  logStreamNames?: string[];
  logStreamNamePrefix?: string;
  startTime?: number;
  endTime?: number;
  filterPattern?: string;
  nextToken?: string;
  limit?: number;
}

/** Events one call looks at before it answers with what it found and a token to go on. */
const SCAN_BUDGET = 200_000;


export async function filterLogEvents(ctx: ControlContext, input: FilterLogEventsInput) {
  const group = resolveGroup(ctx.state, input);
  if (input.logStreamNames !== undefined && input.logStreamNamePrefix !== undefined) {
    throw new InvalidParameterException('logStreamNames and logStreamNamePrefix are mutually exclusive');
  }
  const match = compileFilterPattern(input.filterPattern);
  let from: LogPosition | undefined;
  if (input.nextToken !== undefined) {
    from = decodePosition(input.nextToken);
    if (!from) throw new InvalidParameterException('The specified nextToken is invalid.');
  }
  const streams =
    input.logStreamNamePrefix !== undefined
      ? ctx.state.where(streamsByGroup, group.logGroupName).map((s) => s.logStreamName).filter((name) => name.startsWith(input.logStreamNamePrefix!))
      : input.logStreamNames;
  const limit = input.limit ?? LIMITS.readEvents;
  const found: StoredLogEvent[] = [];
  let bytes = 0;
  let scanned = 0;
  // Set by the visitor: TypeScript cannot see the closure assign them, hence the object.
  const seen: { last?: LogPosition; more: boolean } = { more: false };
  if (!streams || streams.length) {
    await eventStore(ctx).scan(
      ctx.partition.region,
      group.logGroupName,
      streams,
      { startTime: input.startTime, endTime: input.endTime, from },
      (event) => {
        if (found.length >= limit || scanned >= SCAN_BUDGET || bytes + eventSize(event.message) > LIMITS.readBytes) {
          seen.more = true;
          return false;
        }
        scanned++;
        seen.last = event;
        if (match(event.message)) {
          found.push(event);
          bytes += eventSize(event.message);
        }
        return true;
      },
    );
  }
  return {
    events: found.map((e) => ({
      logStreamName: e.logStreamName,
      timestamp: e.timestamp,
      message: e.message,
      ingestionTime: e.ingestionTime,
      eventId: encodePosition(e),
    })),
    searchedLogStreams: [],
    ...(seen.more && seen.last && { nextToken: encodePosition(seen.last) }),
  };
}
