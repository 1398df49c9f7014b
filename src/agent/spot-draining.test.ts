import assert from 'node:assert/strict';
import { test } from 'node:test';
import { drainOnSpotNotice } from './spot-draining.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {}, child() { return quiet; } } as never;

test('drains once the notice comes, retrying a failed drain; nothing before it', async () => {
  const answers = [false, false, true];
  let checks = 0;
  let drains = 0;
  await drainOnSpotNotice({
    noticed: async () => answers[Math.min(checks++, answers.length - 1)]!,
    drain: async () => {
      if (++drains === 1) throw new Error('throttled');
    },
    intervalMs: 1,
    signal: new AbortController().signal,
    log: quiet,
  });
  assert.equal(checks, 3);
  assert.equal(drains, 2);
});

test('ends with its signal when no notice comes', async () => {
  const stop = new AbortController();
  let drained = false;
  const watching = drainOnSpotNotice({ noticed: async () => false, drain: async () => void (drained = true), intervalMs: 60_000, signal: stop.signal, log: quiet });
  stop.abort();
  await watching;
  assert.equal(drained, false);
});
