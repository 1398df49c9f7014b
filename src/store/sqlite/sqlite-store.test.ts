import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storeContract } from '../contract.js';
import { SqliteStore } from './sqlite-store.js';

storeContract('SqliteStore', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'wharf-store-')), 'wharf.db');
  return { store: new SqliteStore(path), reopen: async () => new SqliteStore(path) };
});
