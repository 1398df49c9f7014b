// PutLogEvents: the batch checked as AWS checks it (core/logs.ts), then appended to the event store by this
// request, not through the records' mutation queue (decision 0002). Sequence tokens are accepted and
// ignored, as AWS has done since 2023: any token is good, and none is needed.
import { checkBatch, encodePosition, type InputLogEvent } from '../../core/logs.js';
import type { ControlContext } from '../context.js';
import { eventStore } from './log-groups.js';
import { resolveStream } from './log-streams.js';

export interface PutLogEventsInput {
  logGroupName: string;
  logStreamName: string;
  logEvents: { timestamp: number; message: string }[];
  sequenceToken?: string;
}


export async function putLogEvents(ctx: ControlContext, input: PutLogEventsInput) {
  const stream = resolveStream(ctx.state, input);
  const group = ctx.state.get('logGroup', stream.logGroupName)!;
  const now = ctx.clock.now().getTime();
  const events: InputLogEvent[] = input.logEvents.map((e) => ({ timestamp: e.timestamp, message: e.message }));
  const { accepted, rejected } = checkBatch(events, now, group.retentionInDays);
  await eventStore(ctx).append({ region: ctx.partition.region, logGroupName: stream.logGroupName, logStreamName: stream.logStreamName }, accepted, now);
  return {
    nextSequenceToken: encodePosition({ timestamp: now, seq: 0 }),
    ...(rejected && { rejectedLogEventsInfo: rejected }),
  };
}
