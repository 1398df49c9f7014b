import assert from 'node:assert/strict';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { networkLingerMs, parseDuration, serverSecret, taskCleanupWaitMs } from './config.js';

afterEach(() => {
  delete process.env.WHARF_TASK_CLEANUP_WAIT;
});

test('durations read as Go writes them, like the ECS agent settings', () => {
  assert.equal(parseDuration('10m'), 600_000);
  assert.equal(parseDuration('1h30m'), 5_400_000);
  assert.equal(parseDuration('1.5s'), 1500);
  assert.equal(parseDuration('250ms'), 250);
  assert.equal(parseDuration('0'), 0);
  for (const bad of ['', '10', 'm', '10 m', '10x', '-1s', '1s ']) assert.throws(() => parseDuration(bad), /not a duration/, bad);
});

test('WHARF_TASK_CLEANUP_WAIT sets the cleanup wait; unset leaves the default', () => {
  assert.equal(taskCleanupWaitMs(), undefined);
  process.env.WHARF_TASK_CLEANUP_WAIT = '3s';
  assert.equal(taskCleanupWaitMs(), 3000);
  process.env.WHARF_TASK_CLEANUP_WAIT = 'soon';
  assert.throws(() => taskCleanupWaitMs(), /^Error: WHARF_TASK_CLEANUP_WAIT: "soon" is not a duration/);
});

test('WHARF_NETWORK_LINGER sets how long a subnet network outlives its last task; unset leaves the default', () => {
  delete process.env.WHARF_NETWORK_LINGER;
  assert.equal(networkLingerMs(), undefined);
  process.env.WHARF_NETWORK_LINGER = '2s';
  assert.equal(networkLingerMs(), 2000);
  delete process.env.WHARF_NETWORK_LINGER;
});

test('the server secret is made once, private to its owner, and read back the same', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-config-'));
  const secret = serverSecret(dir);
  assert.equal(secret.length, 32);
  assert.equal(statSync(join(dir, 'server-secret')).mode & 0o777, 0o600);
  assert.deepEqual(serverSecret(dir), secret);
});
