// Opening one of Wharf's SQLite databases the one way: the file its owner's alone (0600; SQLite gives the
// -wal and -shm files the database's mode), WAL, synchronous NORMAL, a busy timeout, and numbered
// migrations, each applied once in an immediate transaction (never edit a shipped one: append).
import { chmodSync, closeSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';

/**
 * `path` is a file, or `:memory:` for tests; `migrations[v]` upgrades the schema from version v to v + 1.
 * `synchronous: 'FULL'` syncs every commit (data answered as durable, DynamoDB's items); NORMAL syncs at
 * checkpoints, which WAL keeps safe from corruption.
 */
export function openDatabase(path: string, migrations: readonly string[], options: { synchronous?: 'NORMAL' | 'FULL' } = {}): Database.Database {
  if (path !== ':memory:') {
    closeSync(openSync(path, 'a', 0o600));
    chmodSync(path, 0o600);
  }
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.synchronous ?? 'NORMAL'}`);
  db.pragma('busy_timeout = 5000');
  const version = db.pragma('user_version', { simple: true }) as number;
  for (let v = version; v < migrations.length; v++) {
    db.transaction(() => {
      db.exec(migrations[v]!);
      db.pragma(`user_version = ${v + 1}`);
    }).immediate();
  }
  return db;
}
