// A start that fails part-way closes what it had opened: its API port is free again and a second start on the
// same data directory (its stores no longer held) succeeds.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startServer } from '../src/cli/server.js';
import type { Logger } from '../src/core/ports.js';
import { freePort } from './wharf-process.js';

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };

const listen = (server: Server, port: number) =>
  new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', () => resolve()));

test('a start that fails after its API listens closes the API and its stores', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'wharf-start-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const port = await freePort();
  // The registry's port is taken, so the start fails after the API has begun listening.
  const taken = createServer();
  const registryPort = await freePort();
  await listen(taken, registryPort);
  const options = { host: '127.0.0.1', port, dataDir, region: 'us-east-1', auth: 'sigv4' as const, log: quiet, localAgent: false, nfs: false as const };
  await assert.rejects(startServer({ ...options, registryPort }), /EADDRINUSE/);
  taken.close();

  const probe = createServer();
  await listen(probe, port);
  await new Promise((resolve) => probe.close(resolve));

  const server = await startServer({ ...options, registryPort: 0 });
  await server.close();
});
