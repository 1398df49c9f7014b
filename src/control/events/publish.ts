// How other services put their own events (S3's Object Created, ECS's state changes) on a region's default
// event bus, as AWS services do: the event's members are given directly (`detail` is an object, not the JSON
// text PutEvents carries) and no caller's permission is asked.
import { DEFAULT_EVENT_BUS, eventId, eventTime, type EventBridgeEvent } from '../../core/events.js';
import type { ControlContext } from '../context.js';
import { busQueue } from './bus-queue.js';

/** An AWS service's event, in the members of the event EventBridge delivers. */
export interface ServiceEventEntry {
  /** `aws.<service>`, e.g. `aws.s3`. */
  source: string;
  'detail-type': string;
  /** ARNs of the resources the event concerns. */
  resources?: string[];
  detail: Record<string, unknown>;
  /** When it happened (default: now, by the context's clock). */
  time?: Date;
}

/**
 * Puts the events on the region's default bus and returns them as delivered (with their ids). Delivery to
 * the rules that match is asynchronous, as on AWS: this returns before any target is invoked.
 */
export function publishEvents(ctx: ControlContext, entries: readonly ServiceEventEntry[]): EventBridgeEvent[] {
  const queue = busQueue(ctx);
  return entries.map((entry) => {
    const event: EventBridgeEvent = {
      version: '0',
      id: eventId(ctx.ids.id()),
      'detail-type': entry['detail-type'],
      source: entry.source,
      account: ctx.partition.accountId,
      time: eventTime(entry.time ?? ctx.clock.now()),
      region: ctx.partition.region,
      resources: entry.resources ?? [],
      detail: entry.detail,
    };
    queue.put({ eventBusName: DEFAULT_EVENT_BUS, event });
    return event;
  });
}
