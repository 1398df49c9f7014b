import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sameData } from './same-data.js';

test('records with the same JSON are the same data, whatever their keys order or undefined fields', () => {
  const at = new Date(1_700_000_000_000);
  assert.equal(sameData({ a: 1, b: [{ c: 'x', at }], d: undefined }, { b: [{ at: new Date(at.getTime()), c: 'x' }], a: 1 }), true);
  assert.equal(sameData([], []), true);
  assert.equal(sameData(null, null), true);
});

test('any difference of value, type, length or field makes them different', () => {
  const at = new Date(1_700_000_000_000);
  assert.equal(sameData({ a: 1 }, { a: 2 }), false);
  assert.equal(sameData({ a: 1 }, { a: '1' }), false);
  assert.equal(sameData({ a: 1 }, { a: 1, b: 0 }), false);
  assert.equal(sameData({ a: 1, b: 0 }, { a: 1 }), false);
  assert.equal(sameData({ a: [1, 2] }, { a: [1] }), false);
  assert.equal(sameData({ a: [] }, { a: {} }), false);
  assert.equal(sameData({ at }, { at: new Date(at.getTime() + 1) }), false);
  assert.equal(sameData({ at }, { at: at.getTime() }), false);
  assert.equal(sameData({ a: null }, { a: undefined }), false);
});
