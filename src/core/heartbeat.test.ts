import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HeartbeatWindows } from './heartbeat.js';

test('a peer is gone once it missed `limit` windows in a row; being heard starts the count again', () => {
  const h = new HeartbeatWindows(5_000, 3, 0);
  assert.equal(h.look(5_000), false, 'the first window: heard at the connection');
  assert.equal(h.look(10_000), false);
  assert.equal(h.look(15_000), false);
  assert.equal(h.silentWindows, 2);
  h.heard();
  assert.equal(h.look(20_000), false);
  assert.equal(h.silentWindows, 0);
  for (const at of [25_000, 30_000]) assert.equal(h.look(at), false);
  assert.equal(h.look(35_000), true);
  assert.equal(h.look(35_001), true, 'gone stays gone until heard');
});

test("the judge's lag makes windows longer, not more: a look a minute late ends one window", () => {
  const h = new HeartbeatWindows(5_000, 3, 0);
  h.look(5_000);
  assert.equal(h.look(65_000), false);
  assert.equal(h.silentWindows, 1);
  // Looks bunched together (a catch-up after the stall) end no window.
  for (let at = 65_100; at < 67_500; at += 100) h.look(at);
  assert.equal(h.silentWindows, 1);
  assert.equal(h.look(70_000), false);
  assert.equal(h.look(74_990), true, "a timer's tick a little early still ends its window");
});

test('a peer heard late in a window (its ping read when the judge looks) missed nothing', () => {
  const h = new HeartbeatWindows(5_000, 1, 0);
  h.look(5_000);
  h.heard();
  assert.equal(h.look(60_000), false);
});
