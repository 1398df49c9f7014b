import assert from 'node:assert/strict';
import { test } from 'node:test';
import { randomIds } from './system.js';

test('ids are 32 lowercase hex digits, none repeated across refills of the pool', () => {
  const ids = Array.from({ length: 1000 }, () => randomIds.id());
  for (const id of ids) assert.match(id, /^[0-9a-f]{32}$/);
  assert.equal(new Set(ids).size, ids.length);
});
