// The Store port on SQLite (better-sqlite3): WAL, a busy timeout, immediate transactions, numbered
// migrations. Records are JSON documents keyed by (kind, id); dates round-trip as {"$date": ms}.
import type Database from 'better-sqlite3';
import { Worker } from 'node:worker_threads';
import type { Store, StoredChange, StoredRecord } from '../../core/ports.js';
import { openDatabase } from './database.js';

/** Each entry upgrades the schema by one version; never edit a shipped migration, append a new one. */
const MIGRATIONS: string[] = [
  `CREATE TABLE records (
     kind TEXT NOT NULL,
     id   TEXT NOT NULL,
     doc  TEXT NOT NULL,
     PRIMARY KEY (kind, id)
   ) WITHOUT ROWID`,
  // A rowid table: its documents (a task's is over a kilobyte) are too large for WITHOUT ROWID, whose b-tree
  // holds each row whole in its key's place; rewriting them there cost a third more CPU and more pages.
  `CREATE TABLE records_by_rowid (
     kind TEXT NOT NULL,
     id   TEXT NOT NULL,
     doc  TEXT NOT NULL,
     PRIMARY KEY (kind, id)
   );
   INSERT INTO records_by_rowid (kind, id, doc) SELECT kind, id, doc FROM records;
   DROP TABLE records;
   ALTER TABLE records_by_rowid RENAME TO records`,
];

const dateToJSON = Date.prototype.toJSON;
function storedDate(this: Date) {
  return { $date: this.getTime() } as unknown as string;
}

function reviver(_key: string, value: unknown) {
  if (value !== null && typeof value === 'object' && '$date' in value) {
    return new Date((value as { $date: number }).$date);
  }
  return value;
}

/**
 * Dates are written as {"$date": ms}: by Date's own toJSON, swapped in for this synchronous call alone (no
 * other code runs before it is put back), which JSON.stringify runs two to three times faster than a replacer.
 */
function encodeDoc(doc: unknown): string {
  Date.prototype.toJSON = storedDate;
  try {
    return JSON.stringify(doc);
  } finally {
    Date.prototype.toJSON = dateToJSON;
  }
}
const decodeDoc = (text: string): unknown => JSON.parse(text, reviver);

/** Commits after which a store's checkpoints move to a worker thread. */
export const CHECKPOINTER_AFTER_COMMITS = 500;

export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly upsert: Database.Statement;
  private readonly remove: Database.Statement;
  private readonly applyAll: Database.Transaction<(changes: StoredChange[]) => void>;
  /** The checkpointing thread of a database file, once the store is busy, and the count of commits it checkpoints after. */
  private checkpointer?: { worker: Worker; commits: Int32Array; exited: Promise<void> };
  /** Commits so far, until the checkpointer starts. */
  private commitsSoFar = 0;

  /** `path` is a file, or `:memory:` for tests. */
  constructor(private readonly path: string) {
    // The database holds secrets (task environments, certificates' keys): its owner's alone. SQLite gives
    // the -wal and -shm files the database file's mode, so creating it 0600 (or making it so) covers them.
    this.db = openDatabase(path, []);
    this.migrate();
    this.upsert = this.db.prepare(
      'INSERT INTO records (kind, id, doc) VALUES (?, ?, ?) ON CONFLICT (kind, id) DO UPDATE SET doc = excluded.doc',
    );
    this.remove = this.db.prepare('DELETE FROM records WHERE kind = ? AND id = ?');
    this.applyAll = this.db.transaction((changes: StoredChange[]) => {
      for (const { kind, id, doc } of changes) {
        if (doc === null) this.remove.run(kind, id);
        else this.upsert.run(kind, id, encodeDoc(doc));
      }
    });
  }

  private migrate() {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    for (let v = version; v < MIGRATIONS.length; v++) {
      this.db.transaction(() => {
        this.db.exec(MIGRATIONS[v]!);
        this.db.pragma(`user_version = ${v + 1}`);
      }).immediate();
    }
  }

  async load(): Promise<StoredRecord[]> {
    const rows = this.db.prepare('SELECT kind, id, doc FROM records').all() as { kind: string; id: string; doc: string }[];
    return rows.map((row) => ({ kind: row.kind, id: row.id, doc: decodeDoc(row.doc) }));
  }

  /** Synchronous: done (or thrown) when it returns. */
  commit(changes: StoredChange[]): void {
    this.applyAll.immediate(changes);
    if (this.checkpointer) Atomics.add(this.checkpointer.commits, 0, 1);
    else if (++this.commitsSoFar === CHECKPOINTER_AFTER_COMMITS && this.path !== ':memory:') this.startCheckpointer();
  }

  /**
   * SQLite checkpoints on the committing connection, once the WAL holds 1,000 pages: copying them and syncing
   * the database took tens of milliseconds from every call waiting behind that commit. Once the store is busy
   * a worker thread checkpoints instead (checkpointer.ts); the WAL stays as durable as before. An idle or
   * lightly used store keeps SQLite's own: the thread costs about 12 MB.
   */
  private startCheckpointer(): void {
    this.db.pragma('wal_autocheckpoint = 0');
    const commits = new Int32Array(new SharedArrayBuffer(4));
    const worker = new Worker(new URL('./checkpointer.js', import.meta.url), { workerData: { path: this.path, commits } });
    worker.unref();
    // Should the thread fail, SQLite checkpoints on this connection again, as by default.
    worker.once('error', () => this.db.pragma('wal_autocheckpoint = 1000'));
    this.checkpointer = { worker, commits, exited: new Promise((resolve) => worker.once('exit', () => resolve())) };
  }

  async close(): Promise<void> {
    if (this.checkpointer) {
      // Held until it has finished (it is otherwise left out of what keeps the process alive).
      this.checkpointer.worker.ref();
      this.checkpointer.worker.postMessage('close');
      await this.checkpointer.exited;
    }
    this.db.close();
  }
}
