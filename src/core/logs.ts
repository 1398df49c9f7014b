// CloudWatch Logs as Wharf keeps it: log groups and streams are records (decision 0001); their events go
// through the `LogEventStore` port (decision 0002), appended by the request that carries them. Pure: the
// limits PutLogEvents enforces, the names AWS accepts, and the tokens that page through events.
import { InvalidParameterException } from './logs-errors.js';

export interface LogGroupRecord {
  logGroupName: string;
  creationTime: number;
  retentionInDays?: number;
  logGroupClass: 'STANDARD' | 'INFREQUENT_ACCESS' | 'DELIVERY';
  kmsKeyId?: string;
  tags: Record<string, string>;
}

export interface LogStreamRecord {
  logGroupName: string;
  logStreamName: string;
  creationTime: number;
}

declare module './records.js' {
  interface RecordKinds {
    logGroup: LogGroupRecord;
    /** Keyed by `logStreamId(group, stream)`. */
    logStream: LogStreamRecord;
  }
}

/** A group name never holds `:`, so the first one splits a stream's key. */
export const logStreamId = (logGroupName: string, logStreamName: string) => `${logGroupName}:${logStreamName}`;

// --- names -----------------------------------------------------------------------------------------

const GROUP_NAME = /^[.\-_/#A-Za-z0-9]{1,512}$/;
const STREAM_NAME = /^[^:*]{1,512}$/;

/** Whether AWS accepts `name` as a log group name (1-512 of `[.-_/#A-Za-z0-9]`). */
export const isLogGroupName = (name: string) => GROUP_NAME.test(name);
/** Whether AWS accepts `name` as a log stream name (1-512 characters, no `:` or `*`). */
export const isLogStreamName = (name: string) => STREAM_NAME.test(name);

/** The retention periods PutRetentionPolicy accepts (days). */
export const RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

export function checkRetentionDays(days: number): number {
  if (!(RETENTION_DAYS as readonly number[]).includes(days)) {
    throw new InvalidParameterException(
      `1 validation error detected: Value '${days}' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [${RETENTION_DAYS.join(', ')}]`,
    );
  }
  return days;
}

// --- PutLogEvents' limits --------------------------------------------------------------------------

export const LIMITS = {
  /** Events per PutLogEvents call. */
  batchEvents: 10_000,
  /** Bytes per call: the UTF-8 messages plus `eventOverhead` each. */
  batchBytes: 1_048_576,
  eventOverhead: 26,
  /** Bytes per event, overhead included. */
  eventBytes: 262_144,
  /** A batch spans at most a day. */
  batchSpanMs: 24 * 3600_000,
  /** Events older than this (or than the group's retention) are rejected as too old. */
  maxAgeMs: 14 * 86_400_000,
  /** Events further ahead than this are rejected as too new. */
  maxAheadMs: 2 * 3600_000,
  /** Events a read returns at most, and its bytes. */
  readEvents: 10_000,
  readBytes: 1_048_576,
} as const;

export interface InputLogEvent {
  timestamp: number;
  message: string;
}

export interface RejectedLogEventsInfo {
  tooNewLogEventStartIndex?: number;
  tooOldLogEventEndIndex?: number;
  expiredLogEventEndIndex?: number;
}

/** An event's size as PutLogEvents counts it. */
export const eventSize = (message: string) => Buffer.byteLength(message, 'utf8') + LIMITS.eventOverhead;

/**
 * Checks a PutLogEvents batch as AWS does, refusing the whole call for a batch too large, out of order or
 * spanning more than a day, and splits off the events it rejects one by one (too old, past the group's
 * retention, too new): since a batch is in order, those are a prefix and a suffix. Answers the events to
 * store and what was rejected.
 */
export function checkBatch(events: readonly InputLogEvent[], now: number, retentionInDays?: number): { accepted: InputLogEvent[]; rejected?: RejectedLogEventsInfo } {
  if (events.length > LIMITS.batchEvents) {
    throw new InvalidParameterException(`1 validation error detected: Value at 'logEvents' failed to satisfy constraint: Member must have length less than or equal to ${LIMITS.batchEvents}`);
  }
  let total = 0;
  for (const event of events) {
    const size = eventSize(event.message);
    if (size > LIMITS.eventBytes) throw new InvalidParameterException(`Log event too large: ${size} bytes exceeds limit of ${LIMITS.eventBytes}`);
    total += size;
  }
  if (total > LIMITS.batchBytes) throw new InvalidParameterException(`Upload too large: ${total} bytes exceeds limit of ${LIMITS.batchBytes}`);
  for (let i = 1; i < events.length; i++) {
    if (events[i]!.timestamp < events[i - 1]!.timestamp) throw new InvalidParameterException('Log events in a single PutLogEvents request must be in chronological order.');
  }
  if (events.length && events.at(-1)!.timestamp - events[0]!.timestamp > LIMITS.batchSpanMs) {
    throw new InvalidParameterException('The batch of log events in a single PutLogEvents request cannot span more than 24 hours.');
  }
  const tooOld = now - LIMITS.maxAgeMs;
  const expired = retentionInDays === undefined ? -Infinity : now - retentionInDays * 86_400_000;
  const tooNew = now + LIMITS.maxAheadMs;
  const rejected: RejectedLogEventsInfo = {};
  let first = 0;
  let end = events.length;
  events.forEach((event, i) => {
    if (event.timestamp < tooOld) rejected.tooOldLogEventEndIndex = i;
    if (event.timestamp < expired) rejected.expiredLogEventEndIndex = i;
    if (event.timestamp < tooOld || event.timestamp < expired) first = i + 1;
    if (event.timestamp > tooNew && end === events.length) end = rejected.tooNewLogEventStartIndex = i;
  });
  const accepted = events.slice(first, Math.max(first, end));
  return Object.keys(rejected).length ? { accepted, rejected } : { accepted };
}

// --- the event store port --------------------------------------------------------------------------

/** Where a stream's events are kept: its region and names. */
export interface LogStreamKey {
  region: string;
  logGroupName: string;
  logStreamName: string;
}

/** An event's place in its group's order: by timestamp, then by arrival. */
export interface LogPosition {
  timestamp: number;
  seq: number;
}

export interface StoredLogEvent extends LogPosition {
  logStreamName: string;
  message: string;
  ingestionTime: number;
}

/** What a stream's events add up to (DescribeLogStreams' and DescribeLogGroups' figures). */
export interface LogStreamStats {
  firstEventTimestamp?: number;
  lastEventTimestamp?: number;
  lastIngestionTime?: number;
  storedBytes: number;
}

export interface ReadRange {
  /** Inclusive, ms. */
  startTime?: number;
  /** Exclusive, ms. */
  endTime?: number;
  /** Only events strictly after (forward) or before (backward) this position. */
  from?: LogPosition;
  forward: boolean;
  limit: number;
}

/** Each batch of events a scan reads, in order; the scan stops when `take` answers false. */
export type ScanVisitor = (event: StoredLogEvent) => boolean;

/**
 * Log events, per region and group, beside the records (decision 0002). Appends commit on their own and
 * are durable when they resolve; positions grow with every append, so a reader's token stays valid.
 */
export interface LogEventStore {
  append(stream: LogStreamKey, events: readonly InputLogEvent[], ingestionTime: number): Promise<void>;
  /** One stream's events in the range, nearest to `from` first (ascending when forward, descending otherwise). */
  read(stream: LogStreamKey, range: ReadRange): Promise<StoredLogEvent[]>;
  /**
   * A group's events in (timestamp, arrival) order after `from`, in the streams named (all when undefined),
   * handed to `visit` until it answers false or the range ends.
   */
  scan(region: string, logGroupName: string, streams: readonly string[] | undefined, range: Omit<ReadRange, 'forward' | 'limit'>, visit: ScanVisitor): Promise<void>;
  /** The newest event's arrival number (0 when there is none): where a live tail begins. */
  lastArrival(): Promise<number>;
  /** A group's events that arrived after arrival number `after`, in arrival order, at most `limit`. */
  arrivals(region: string, logGroupName: string, after: number, limit: number): Promise<StoredLogEvent[]>;
  /** Each stream of the group's figures, by stream name. */
  stats(region: string, logGroupName: string): Promise<Map<string, LogStreamStats>>;
  deleteStream(stream: LogStreamKey): Promise<void>;
  deleteGroup(region: string, logGroupName: string): Promise<void>;
  /** Removes the group's events with timestamps before `before`; answers how many. */
  expire(region: string, logGroupName: string, before: number): Promise<number>;
  /** The groups (region, name) that hold events, so a sweep finds data whose record is gone. */
  groups(): Promise<{ region: string; logGroupName: string }[]>;
  /** Removes every event (`/_wharf/reset`). */
  clear(): Promise<void>;
  close(): Promise<void>;
}

// --- tokens ----------------------------------------------------------------------------------------

/** 20 digits of timestamp and 36 of arrival: the 56 digits of AWS's tokens and event ids. */
export const encodePosition = (p: LogPosition) => `${String(p.timestamp).padStart(20, '0')}${String(p.seq).padStart(36, '0')}`;

export function decodePosition(digits: string): LogPosition | undefined {
  if (!/^\d{56}$/.test(digits)) return undefined;
  return { timestamp: Number(digits.slice(0, 20)), seq: Number(digits.slice(20)) };
}

/** GetLogEvents' tokens: `f/<56 digits>` reads on after the position, `b/<56 digits>` back before it. */
export type StreamToken = { forward: boolean; position: LogPosition };

export const encodeStreamToken = (t: StreamToken) => `${t.forward ? 'f' : 'b'}/${encodePosition(t.position)}`;

export function decodeStreamToken(token: string): StreamToken {
  const match = /^([fb])\/(\d{56})$/.exec(token);
  const position = match && decodePosition(match[2]!);
  if (!position) throw new InvalidParameterException('The specified nextToken is invalid.');
  return { forward: match![1] === 'f', position };
}

/** The position before every event: where reading from the head starts. */
export const HEAD: LogPosition = { timestamp: 0, seq: 0 };
