import assert from 'node:assert/strict';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storeContract } from '../contract.js';
import { SqliteStore } from './sqlite-store.js';

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
