import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pathSegment, PathSegmentError } from './path-segment.js';

test('an id names a place inside its directory, or is refused', () => {
  assert.equal(pathSegment('3f2a9c1e0b7d4e5f'), '3f2a9c1e0b7d4e5f');
  for (const bad of ['..', '.', '../../etc', 'a/b', '', 'a\0b', 'a\nb']) assert.throws(() => pathSegment(bad), PathSegmentError);
});
