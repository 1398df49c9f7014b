// PutEvents: up to ten entries, 256 KB in all (sized as EventBridge sizes them), each checked on its own:
// a bad entry fails alone with EventBridge's error code and message, the others go on their bus.
import { ValidationException } from '../../core/errors.js';
import { eventBusArn, eventId, eventTime, type EventBridgeEvent } from '../../core/events.js';
import type { ControlContext } from '../context.js';
import { busQueue } from './bus-queue.js';
import { busName } from './buses.js';

export interface PutEventsRequestEntry {
  Time?: Date;
  Source?: string;
  Resources?: string[];
  DetailType?: string;
  Detail?: string;
  EventBusName?: string;
  TraceHeader?: string;
}

export const PUT_EVENTS_MAX_BYTES = 256 * 1024;

const bytes = (text: string | undefined) => (text === undefined ? 0 : Buffer.byteLength(text, 'utf8'));

/** An entry's size as EventBridge counts it: 14 bytes for a time, then the UTF-8 of the text members. */
export const entrySize = (e: PutEventsRequestEntry) =>
  (e.Time ? 14 : 0) + bytes(e.Source) + bytes(e.DetailType) + bytes(e.Detail) + (e.Resources ?? []).reduce((n, r) => n + bytes(r), 0);

type ResultEntry = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

export function putEvents(ctx: ControlContext, input: { Entries: PutEventsRequestEntry[]; EndpointId?: string }) {
  if (input.EndpointId !== undefined) throw new ValidationException('Global endpoints are not supported.');
  if (input.Entries.reduce((n, e) => n + entrySize(e), 0) > PUT_EVENTS_MAX_BYTES) throw new ValidationException('Total size of the entries in the request is over the limit.');
  const queue = busQueue(ctx);
  const Entries = input.Entries.map((entry): ResultEntry => {
    const failure = entryProblem(entry);
    if (failure) return failure;
    const bus = busName(entry.EventBusName);
    if (!ctx.state.get('eventBus', eventBusArn(ctx.partition, bus))) return { ErrorCode: 'ResourceNotFoundException', ErrorMessage: `Event bus ${bus} does not exist.` };
    const event: EventBridgeEvent = {
      version: '0',
      id: eventId(ctx.ids.id()),
      'detail-type': entry.DetailType!,
      source: entry.Source!,
      account: ctx.partition.accountId,
      time: eventTime(entry.Time ?? ctx.clock.now()),
      region: ctx.partition.region,
      resources: entry.Resources ?? [],
      detail: JSON.parse(entry.Detail!),
    };
    queue.put({ eventBusName: bus, event });
    return { EventId: event.id };
  });
  return { FailedEntryCount: Entries.filter((e) => 'ErrorCode' in e).length, Entries };
}

function entryProblem(entry: PutEventsRequestEntry): ResultEntry | undefined {
  for (const member of ['Source', 'DetailType', 'Detail'] as const) {
    if (!entry[member]) return { ErrorCode: 'InvalidArgument', ErrorMessage: `Parameter ${member} is not valid. Reason: ${member} is a required argument.` };
  }
  // AWS services' sources are theirs alone.
  if (entry.Source!.startsWith('aws.')) return { ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized for the source.' };
  let detail: unknown;
  try {
    detail = JSON.parse(entry.Detail!);
  } catch {
    return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  }
  if (detail === null || typeof detail !== 'object' || Array.isArray(detail)) return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  return undefined;
}
