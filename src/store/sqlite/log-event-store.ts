// The LogEventStore port on SQLite (`logs.db`, decision 0002): WAL, a busy timeout, immediate transactions.
// Events are rows ordered by (timestamp, seq) within their group and stream; `seq` is SQLite's rowid, which
// only grows (AUTOINCREMENT), so a position handed out as a token stays meaningful. Each stream's figures
// are kept beside its events in the same transaction.
import { chmodSync, closeSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';
import type {
  InputLogEvent,
  LogEventStore,
  LogStreamKey,
  LogStreamStats,
  ReadRange,
  ScanVisitor,
  StoredLogEvent,
} from '../../core/logs.js';

const MIGRATIONS: string[] = [
  `CREATE TABLE log_streams (
     id             INTEGER PRIMARY KEY,
     region         TEXT NOT NULL,
     log_group      TEXT NOT NULL,
     log_stream     TEXT NOT NULL,
     first_event    INTEGER,
     last_event     INTEGER,
     last_ingestion INTEGER,
     stored_bytes   INTEGER NOT NULL DEFAULT 0,
     UNIQUE (region, log_group, log_stream)
   );
   CREATE TABLE log_events (
     seq       INTEGER PRIMARY KEY AUTOINCREMENT,
     group_key TEXT NOT NULL,
     stream_id INTEGER NOT NULL,
     timestamp INTEGER NOT NULL,
     ingestion INTEGER NOT NULL,
     message   TEXT NOT NULL
   );
   CREATE INDEX log_events_by_stream ON log_events (stream_id, timestamp, seq);
   CREATE INDEX log_events_by_group ON log_events (group_key, timestamp, seq);`,
];

/** Rows a scan reads at a time: enough to amortise the query, few enough to stop soon after a full page. */
const SCAN_CHUNK = 2_000;

type Row = { seq: number; timestamp: number; ingestion: number; message: string; log_stream: string };

const groupKey = (region: string, logGroupName: string) => `${region}\u0000${logGroupName}`;

const toEvent = (row: Row): StoredLogEvent => ({
  seq: row.seq,
  timestamp: row.timestamp,
  ingestionTime: row.ingestion,
  message: row.message,
  logStreamName: row.log_stream,
});

export class SqliteLogEventStore implements LogEventStore {
  private readonly db: Database.Database;
  private readonly appendAll: Database.Transaction<(stream: LogStreamKey, events: readonly InputLogEvent[], ingestionTime: number) => void>;

  /** `path` is a file, or `:memory:` for tests. */
  constructor(path: string) {
    // Log events may carry secrets a task printed: the owner's alone, as the records' database.
    if (path !== ':memory:') {
      closeSync(openSync(path, 'a', 0o600));
      chmodSync(path, 0o600);
    }
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    const version = this.db.pragma('user_version', { simple: true }) as number;
    for (let v = version; v < MIGRATIONS.length; v++) {
      this.db.transaction(() => {
        this.db.exec(MIGRATIONS[v]!);
        this.db.pragma(`user_version = ${v + 1}`);
      }).immediate();
    }
    const ensureStream = this.db.prepare('INSERT INTO log_streams (region, log_group, log_stream) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
    const streamId = this.db.prepare('SELECT id FROM log_streams WHERE region = ? AND log_group = ? AND log_stream = ?').pluck();
    const insert = this.db.prepare('INSERT INTO log_events (group_key, stream_id, timestamp, ingestion, message) VALUES (?, ?, ?, ?, ?)');
    const figures = this.db.prepare(
      `UPDATE log_streams SET first_event = min(coalesce(first_event, :first), :first), last_event = max(coalesce(last_event, :last), :last),
         last_ingestion = :ingestion, stored_bytes = stored_bytes + :bytes WHERE id = :id`,
    );
    this.appendAll = this.db.transaction((stream, events, ingestionTime) => {
      if (!events.length) return;
      const { region, logGroupName, logStreamName } = stream;
      ensureStream.run(region, logGroupName, logStreamName);
      const id = streamId.get(region, logGroupName, logStreamName) as number;
      const key = groupKey(region, logGroupName);
      let bytes = 0;
      for (const event of events) {
        insert.run(key, id, event.timestamp, ingestionTime, event.message);
        bytes += Buffer.byteLength(event.message, 'utf8');
      }
      const times = events.map((e) => e.timestamp);
      figures.run({ first: Math.min(...times), last: Math.max(...times), ingestion: ingestionTime, bytes, id });
    });
  }

  async append(stream: LogStreamKey, events: readonly InputLogEvent[], ingestionTime: number): Promise<void> {
    this.appendAll.immediate(stream, events, ingestionTime);
  }

  async read(stream: LogStreamKey, range: ReadRange): Promise<StoredLogEvent[]> {
    const id = this.db.prepare('SELECT id FROM log_streams WHERE region = ? AND log_group = ? AND log_stream = ?').pluck().get(stream.region, stream.logGroupName, stream.logStreamName);
    if (id === undefined) return [];
    const [after, order] = range.forward ? ['>', 'ASC'] : ['<', 'DESC'];
    const where = ['e.stream_id = :id', 'e.timestamp >= :start', 'e.timestamp < :end'];
    if (range.from) where.push(`(e.timestamp, e.seq) ${after} (:fromTime, :fromSeq)`);
    const rows = this.db
      .prepare(
        `SELECT e.seq, e.timestamp, e.ingestion, e.message, s.log_stream FROM log_events e JOIN log_streams s ON s.id = e.stream_id
         WHERE ${where.join(' AND ')} ORDER BY e.timestamp ${order}, e.seq ${order} LIMIT :limit`,
      )
      .all({ id, ...bounds(range), fromTime: range.from?.timestamp ?? 0, fromSeq: range.from?.seq ?? 0, limit: range.limit }) as Row[];
    return rows.map(toEvent);
  }

  async scan(region: string, logGroupName: string, streams: readonly string[] | undefined, range: Omit<ReadRange, 'forward' | 'limit'>, visit: ScanVisitor): Promise<void> {
    let ids: number[] | undefined;
    if (streams) {
      const byName = this.db.prepare('SELECT id FROM log_streams WHERE region = ? AND log_group = ? AND log_stream = ?').pluck();
      ids = streams.map((name) => byName.get(region, logGroupName, name) as number | undefined).filter((id): id is number => id !== undefined);
      if (!ids.length) return;
    }
    const statement = this.db.prepare(
      `SELECT e.seq, e.timestamp, e.ingestion, e.message, s.log_stream FROM log_events e JOIN log_streams s ON s.id = e.stream_id
       WHERE e.group_key = :key AND e.timestamp >= :start AND e.timestamp < :end AND (e.timestamp, e.seq) > (:fromTime, :fromSeq)
       ${ids ? `AND e.stream_id IN (${ids.join(',')})` : ''}
       ORDER BY e.timestamp, e.seq LIMIT ${SCAN_CHUNK}`,
    );
    let from = range.from ?? { timestamp: -Number.MAX_SAFE_INTEGER, seq: 0 };
    for (;;) {
      const rows = statement.all({ key: groupKey(region, logGroupName), ...bounds(range), fromTime: from.timestamp, fromSeq: from.seq }) as Row[];
      for (const row of rows) if (!visit(toEvent(row))) return;
      if (rows.length < SCAN_CHUNK) return;
      from = rows.at(-1)!;
    }
  }

  async stats(region: string, logGroupName: string): Promise<Map<string, LogStreamStats>> {
    const rows = this.db
      .prepare('SELECT log_stream, first_event, last_event, last_ingestion, stored_bytes FROM log_streams WHERE region = ? AND log_group = ?')
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
      const id = this.db.prepare('SELECT id FROM log_streams WHERE region = ? AND log_group = ? AND log_stream = ?').pluck().get(stream.region, stream.logGroupName, stream.logStreamName);
      if (id === undefined) return;
      this.db.prepare('DELETE FROM log_events WHERE stream_id = ?').run(id);
      this.db.prepare('DELETE FROM log_streams WHERE id = ?').run(id);
    }).immediate();
  }

  async deleteGroup(region: string, logGroupName: string): Promise<void> {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM log_events WHERE group_key = ?').run(groupKey(region, logGroupName));
      this.db.prepare('DELETE FROM log_streams WHERE region = ? AND log_group = ?').run(region, logGroupName);
    }).immediate();
  }

  async expire(region: string, logGroupName: string, before: number): Promise<number> {
    return this.db.transaction(() => {
      const { changes } = this.db.prepare('DELETE FROM log_events WHERE group_key = ? AND timestamp < ?').run(groupKey(region, logGroupName), before);
      if (changes) {
        // The figures of the streams that lost events, from what is left.
        this.db
          .prepare(
            `UPDATE log_streams SET
               first_event = (SELECT min(timestamp) FROM log_events WHERE stream_id = log_streams.id),
               last_event = (SELECT max(timestamp) FROM log_events WHERE stream_id = log_streams.id),
               stored_bytes = coalesce((SELECT sum(length(CAST(message AS BLOB))) FROM log_events WHERE stream_id = log_streams.id), 0)
             WHERE region = ? AND log_group = ? AND first_event < ?`,
          )
          .run(region, logGroupName, before);
      }
      return changes;
    }).immediate();
  }

  async groups(): Promise<{ region: string; logGroupName: string }[]> {
    const rows = this.db.prepare('SELECT DISTINCT region, log_group FROM log_streams').all() as { region: string; log_group: string }[];
    return rows.map((r) => ({ region: r.region, logGroupName: r.log_group }));
  }

  async clear(): Promise<void> {
    this.db.exec('DELETE FROM log_events; DELETE FROM log_streams;');
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
