import assert from 'node:assert/strict';
import { test } from 'node:test';
import { paginate } from './pagination.js';

const key = (s: string) => s;

test('pages in key order; the token resumes after the last key even when records change', () => {
  const items = ['c', 'a', 'e', 'b', 'd'];
  const first = paginate(items, key, { maxResults: 2 });
  assert.deepEqual(first.items, ['a', 'b']);
  // 'b' is gone and 'bb' arrived before the next page: nothing repeats, nothing is skipped after 'b'.
  const second = paginate(['a', 'bb', 'c', 'd', 'e'], key, { maxResults: 2, nextToken: first.nextToken });
  assert.deepEqual(second.items, ['bb', 'c']);
  const last = paginate(items, key, { maxResults: 2, nextToken: second.nextToken });
  assert.deepEqual(last, { items: ['d', 'e'], nextToken: undefined });
});

test('100 per page by default; bad sizes and tokens are InvalidParameterException', () => {
  const many = Array.from({ length: 150 }, (_, i) => String(i).padStart(3, '0'));
  assert.equal(paginate(many, key, {}).items.length, 100);
  for (const maxResults of [0, 101, 1.5]) {
    assert.throws(() => paginate(many, key, { maxResults }), { code: 'InvalidParameterException' });
  }
  assert.throws(() => paginate(many, key, { nextToken: 'not a token' }), { code: 'InvalidParameterException' });
  assert.throws(() => paginate(many, key, { nextToken: Buffer.from('{"x":1}').toString('base64') }), { code: 'InvalidParameterException' });
});
