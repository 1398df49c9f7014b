// The LogEventStore port on SQLite (`logs.db`, decision 0002): WAL, a busy timeout, immediate transactions.
// Events are rows ordered by (timestamp, seq) within their group and stream; `seq` is SQLite's rowid, one more
// than the largest, so later appends sort after earlier ones of the same time. Groups and streams are
// numbered, so the events' indexes hold integers only; a batch goes in as multi-row inserts. Each stream's
// figures are kept beside its events in the same transaction.
import type Database from 'better-sqlite3';
import type {
  InputLogEvent,
  LogEventStore,
  LogStreamKey,
  LogStreamStats,
  ReadRange,
  ScanVisitor,
  StoredLogEvent,
} from '../../core/logs.js';
import { openDatabase } from './database.js';

const MIGRATIONS: string[] = [
  `CREATE TABLE log_groups (
     id        INTEGER PRIMARY KEY,
     region    TEXT NOT NULL,
     log_group TEXT NOT NULL,
     UNIQUE (region, log_group)
   );
   CREATE TABLE log_streams (
     id             INTEGER PRIMARY KEY,
     group_id       INTEGER NOT NULL,
     log_stream     TEXT NOT NULL,
     first_event    INTEGER,
     last_event     INTEGER,
     last_ingestion INTEGER,
     stored_bytes   INTEGER NOT NULL DEFAULT 0,
     UNIQUE (group_id, log_stream)
   );
   CREATE TABLE log_events (
     seq       INTEGER PRIMARY KEY,
     group_id  INTEGER NOT NULL,
     stream_id INTEGER NOT NULL,
     timestamp INTEGER NOT NULL,
     ingestion INTEGER NOT NULL,
     message   TEXT NOT NULL
   );
   CREATE INDEX log_events_by_stream ON log_events (stream_id, timestamp, seq);
   CREATE INDEX log_events_by_group ON log_events (group_id, timestamp, seq);`,
];

/** Rows per INSERT statement of a batch. */
const INSERT_ROWS = 100;

/** Rows a scan reads at a time: enough to amortise the query, few enough to stop soon after a full page. */
const SCAN_CHUNK = 2_000;

type Row = { seq: number; timestamp: number; ingestion: number; message: string; log_stream: string };

const toEvent = (row: Row): StoredLogEvent => ({
  seq: row.seq,
  timestamp: row.timestamp,
  ingestionTime: row.ingestion,
  message: row.message,
  logStreamName: row.log_stream,
});

const SELECT_EVENTS = 'SELECT e.seq, e.timestamp, e.ingestion, e.message, s.log_stream FROM log_events e JOIN log_streams s ON s.id = e.stream_id';

export class SqliteLogEventStore implements LogEventStore {
  private readonly db: Database.Database;
  private readonly groupId: Database.Statement;
  private readonly streamId: Database.Statement;
  private readonly appendAll: Database.Transaction<(stream: LogStreamKey, events: readonly InputLogEvent[], ingestionTime: number) => void>;

  /** `path` is a file, or `:memory:` for tests. */
  constructor(path: string) {
    // Log events may carry secrets a task printed: the owner's alone, as the records' database.
    this.db = openDatabase(path, MIGRATIONS);
    this.groupId = this.db.prepare('SELECT id FROM log_groups WHERE region = ? AND log_group = ?').pluck();
    this.streamId = this.db.prepare('SELECT s.id FROM log_streams s JOIN log_groups g ON g.id = s.group_id WHERE g.region = ? AND g.log_group = ? AND s.log_stream = ?').pluck();
    const ensureGroup = this.db.prepare('INSERT INTO log_groups (region, log_group) VALUES (?, ?) ON CONFLICT DO NOTHING');
    const ensureStream = this.db.prepare('INSERT INTO log_streams (group_id, log_stream) VALUES (?, ?) ON CONFLICT DO NOTHING');
    const inserts = new Map<number, Database.Statement>();
    const insert = (rows: number) => {
      let statement = inserts.get(rows);
      if (!statement) {
        const values = Array.from({ length: rows }, () => '(?, ?, ?, ?, ?)').join(', ');
        inserts.set(rows, (statement = this.db.prepare(`INSERT INTO log_events (group_id, stream_id, timestamp, ingestion, message) VALUES ${values}`)));
      }
      return statement;
    };
    const figures = this.db.prepare(
      `UPDATE log_streams SET first_event = min(coalesce(first_event, :first), :first), last_event = max(coalesce(last_event, :last), :last),
         last_ingestion = :ingestion, stored_bytes = stored_bytes + :bytes WHERE id = :id`,
    );
    this.appendAll = this.db.transaction((stream, events, ingestionTime) => {
      if (!events.length) return;
      const { region, logGroupName, logStreamName } = stream;
      ensureGroup.run(region, logGroupName);
      const group = this.groupId.get(region, logGroupName) as number;
      ensureStream.run(group, logStreamName);
      const id = this.streamId.get(region, logGroupName, logStreamName) as number;
      let bytes = 0;
      let [first, last] = [Infinity, -Infinity];
      for (let start = 0; start < events.length; start += INSERT_ROWS) {
        const chunk = events.slice(start, start + INSERT_ROWS);
        const values: unknown[] = [];
        for (const event of chunk) {
          values.push(group, id, event.timestamp, ingestionTime, event.message);
          bytes += Buffer.byteLength(event.message, 'utf8');
          first = Math.min(first, event.timestamp);
          last = Math.max(last, event.timestamp);
        }
        insert(chunk.length).run(values);
      }
      figures.run({ first, last, ingestion: ingestionTime, bytes, id });
    });
  }

  async append(stream: LogStreamKey, events: readonly InputLogEvent[], ingestionTime: number): Promise<void> {
    this.appendAll.immediate(stream, events, ingestionTime);
  }

  async read(stream: LogStreamKey, range: ReadRange): Promise<StoredLogEvent[]> {
    const id = this.streamId.get(stream.region, stream.logGroupName, stream.logStreamName);
    if (id === undefined) return [];
    const [after, order] = range.forward ? ['>', 'ASC'] : ['<', 'DESC'];
    const where = ['e.stream_id = :id', 'e.timestamp >= :start', 'e.timestamp < :end'];
    if (range.from) where.push(`(e.timestamp, e.seq) ${after} (:fromTime, :fromSeq)`);
    const rows = this.db
      .prepare(`${SELECT_EVENTS} WHERE ${where.join(' AND ')} ORDER BY e.timestamp ${order}, e.seq ${order} LIMIT :limit`)
      .all({ id, ...bounds(range), fromTime: range.from?.timestamp ?? 0, fromSeq: range.from?.seq ?? 0, limit: range.limit }) as Row[];
    return rows.map(toEvent);
  }

  async scan(region: string, logGroupName: string, streams: readonly string[] | undefined, range: Omit<ReadRange, 'forward' | 'limit'>, visit: ScanVisitor): Promise<void> {
    const group = this.groupId.get(region, logGroupName);
    if (group === undefined) return;
    let ids: number[] | undefined;
    if (streams) {
      ids = streams.map((name) => this.streamId.get(region, logGroupName, name) as number | undefined).filter((id): id is number => id !== undefined);
      if (!ids.length) return;
    }
    const statement = this.db.prepare(
      `${SELECT_EVENTS} WHERE e.group_id = :group AND e.timestamp >= :start AND e.timestamp < :end AND (e.timestamp, e.seq) > (:fromTime, :fromSeq)
       ${ids ? `AND e.stream_id IN (${ids.join(',')})` : ''} ORDER BY e.timestamp, e.seq LIMIT ${SCAN_CHUNK}`,
    );
    let from = range.from ?? { timestamp: -Number.MAX_SAFE_INTEGER, seq: 0 };
    for (;;) {
      const rows = statement.all({ group, ...bounds(range), fromTime: from.timestamp, fromSeq: from.seq }) as Row[];
      for (const row of rows) if (!visit(toEvent(row))) return;
      if (rows.length < SCAN_CHUNK) return;
      from = rows.at(-1)!;
    }
  }

  async lastArrival(): Promise<number> {
    return (this.db.prepare('SELECT max(seq) FROM log_events').pluck().get() as number | null) ?? 0;
  }

  async arrivals(region: string, logGroupName: string, after: number, limit: number): Promise<StoredLogEvent[]> {
    const group = this.groupId.get(region, logGroupName);
    if (group === undefined) return [];
    // `seq` is the rowid: the range after `after` is read in rowid order, the group's rows kept.
    const rows = this.db.prepare(`${SELECT_EVENTS} WHERE e.seq > ? AND e.group_id = ? ORDER BY e.seq LIMIT ?`).all(after, group, limit) as Row[];
    return rows.map(toEvent);
  }

  async stats(region: string, logGroupName: string): Promise<Map<string, LogStreamStats>> {
    const rows = this.db
      .prepare(
        `SELECT s.log_stream, s.first_event, s.last_event, s.last_ingestion, s.stored_bytes FROM log_streams s JOIN log_groups g ON g.id = s.group_id
         WHERE g.region = ? AND g.log_group = ?`,
      )
      .all(region, logGroupName) as { log_stream: string; first_event: number | null; last_event: number | null; last_ingestion: number | null; stored_bytes: number }[];
    return new Map(
      rows.map((r) => [
        r.log_stream,
        {
          ...(r.first_event !== null && { firstEventTimestamp: r.first_event }),
          ...(r.last_event !== null && { lastEventTimestamp: r.last_event }),
          ...(r.last_ingestion !== null && { lastIngestionTime: r.last_ingestion }),
          storedBytes: r.stored_bytes,
        },
      ]),
    );
  }

  async deleteStream(stream: LogStreamKey): Promise<void> {
    this.db.transaction(() => {
      const id = this.streamId.get(stream.region, stream.logGroupName, stream.logStreamName);
      if (id === undefined) return;
      this.db.prepare('DELETE FROM log_events WHERE stream_id = ?').run(id);
      this.db.prepare('DELETE FROM log_streams WHERE id = ?').run(id);
    }).immediate();
  }

  async deleteGroup(region: string, logGroupName: string): Promise<void> {
    this.db.transaction(() => {
      const group = this.groupId.get(region, logGroupName);
      if (group === undefined) return;
      this.db.prepare('DELETE FROM log_events WHERE group_id = ?').run(group);
      this.db.prepare('DELETE FROM log_streams WHERE group_id = ?').run(group);
      this.db.prepare('DELETE FROM log_groups WHERE id = ?').run(group);
    }).immediate();
  }

  async expire(region: string, logGroupName: string, before: number): Promise<number> {
    return this.db.transaction(() => {
      const group = this.groupId.get(region, logGroupName);
      if (group === undefined) return 0;
      const { changes } = this.db.prepare('DELETE FROM log_events WHERE group_id = ? AND timestamp < ?').run(group, before);
      if (changes) {
        // The figures of the streams that lost events, from what is left.
        this.db
          .prepare(
            `UPDATE log_streams SET
               first_event = (SELECT min(timestamp) FROM log_events WHERE stream_id = log_streams.id),
               last_event = (SELECT max(timestamp) FROM log_events WHERE stream_id = log_streams.id),
               stored_bytes = coalesce((SELECT sum(length(CAST(message AS BLOB))) FROM log_events WHERE stream_id = log_streams.id), 0)
             WHERE group_id = ? AND first_event < ?`,
          )
          .run(group, before);
      }
      return changes;
    }).immediate();
  }

  async groups(): Promise<{ region: string; logGroupName: string }[]> {
    const rows = this.db.prepare('SELECT region, log_group FROM log_groups').all() as { region: string; log_group: string }[];
    return rows.map((r) => ({ region: r.region, logGroupName: r.log_group }));
  }

  async clear(): Promise<void> {
    this.db.exec('DELETE FROM log_events; DELETE FROM log_streams; DELETE FROM log_groups;');
  }

  async close(): Promise<void> {
    this.db.close();
  }
}

/** A range's time bounds as SQL parameters (none given: all of time). */
const bounds = (range: { startTime?: number; endTime?: number }) => ({
  start: range.startTime ?? -Number.MAX_SAFE_INTEGER,
  end: range.endTime ?? Number.MAX_SAFE_INTEGER,
});
