import assert from 'node:assert/strict';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storeContract } from '../contract.js';
import Database from 'better-sqlite3';
import { CHECKPOINTER_AFTER_COMMITS, SqliteStore } from './sqlite-store.js';

storeContract('SqliteStore', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'wharf-store-')), 'wharf.db');
  return { store: new SqliteStore(path), reopen: async () => new SqliteStore(path) };
});

test('the database and its WAL files are their owner\'s alone, whatever the umask', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'wharf-store-')), 'wharf.db');
  writeFileSync(path, '', { mode: 0o644 });
  const store = new SqliteStore(path);
  await store.commit([{ kind: 'k', id: '1', doc: { secret: 'x' } }]);
  for (const file of [path, `${path}-wal`, `${path}-shm`]) assert.equal(statSync(file).mode & 0o777, 0o600, file);
  await store.close();
});

test('a database of the first schema (WITHOUT ROWID) keeps its records, dates included, when the store opens it', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'wharf-store-')), 'wharf.db');
  const old = new Database(path);
  old.exec('CREATE TABLE records (kind TEXT NOT NULL, id TEXT NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (kind, id)) WITHOUT ROWID');
  old.pragma('user_version = 1');
  old.prepare('INSERT INTO records (kind, id, doc) VALUES (?, ?, ?)').run('task', 'a', '{"taskArn":"a","createdAt":{"$date":1700000000000}}');
  old.close();
  const store = new SqliteStore(path);
  assert.deepEqual(await store.load(), [{ kind: 'task', id: 'a', doc: { taskArn: 'a', createdAt: new Date(1_700_000_000_000) } }]);
  await store.commit([{ kind: 'task', id: 'a', doc: { taskArn: 'a', version: 2 } }, { kind: 'task', id: 'b', doc: { taskArn: 'b' } }]);
  assert.deepEqual((await store.load()).map((r) => r.id).sort(), ['a', 'b']);
  await store.close();
});

test('once the store is busy the WAL is copied into the database by the store\'s own thread while commits go on; nothing is lost at close', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'wharf-store-')), 'wharf.db');
  const store = new SqliteStore(path);
  for (let i = 0; i < CHECKPOINTER_AFTER_COMMITS; i++) store.commit([{ kind: 'busy', id: String(i), doc: {} }]);
  const before = statSync(path).size;
  const doc = { text: 'x'.repeat(3000) };
  // Far fewer pages than SQLite's own checkpoint waits for (1,000): only the store's thread copies them.
  for (let i = 0; i < 50; i++) store.commit([{ kind: 'k', id: String(i), doc }]);
  for (let waited = 0; statSync(path).size < before + 50 * 3000 && waited < 100; waited++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(statSync(path).size >= before + 50 * 3000, 'the database file holds the commits');
  await store.close();
  const again = new SqliteStore(path);
  assert.equal((await again.load()).length, 50 + CHECKPOINTER_AFTER_COMMITS);
  await again.close();
});
