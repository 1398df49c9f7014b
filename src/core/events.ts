// EventBridge: event buses, rules (an event pattern and/or a schedule) with their targets, and the events
// themselves. Records are the buses and rules; events are not records: they pass through a region's bus
// queue (control/events/bus-queue.ts) to the rules that match them, as on AWS where a bus keeps nothing.

/** An event as EventBridge delivers it to a target (and as TestEventPattern reads it). */
export interface EventBridgeEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  /** Seconds precision, as EventBridge writes it. */
  time: string;
  region: string;
  resources: string[];
  detail: unknown;
}

/** An event put on a bus: the event, and the bus it was put on (its name, as in the rule records). */
export interface BusEvent {
  eventBusName: string;
  event: EventBridgeEvent;
}

export const DEFAULT_EVENT_BUS = 'default';

/** An event's `time` as EventBridge writes it: ISO 8601 to the second, in UTC. */
export const eventTime = (at: Date): string => at.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** EventBridge event ids are UUIDs. */
export const eventId = (hex: string): string => hex.replace(/^(.{8})(.{4})(.{4})(.{4})(.{12}).*$/, '$1-$2-$3-$4-$5');
