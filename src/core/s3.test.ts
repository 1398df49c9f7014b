import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkBucketName, checkConditions, completedParts, encodeKey, lifecycleAction, listPage, multipartEtag, parseRange, parseTagging, type ObjectVersion } from './s3.js';

const version = (key: string, extra: Partial<ObjectVersion> = {}): ObjectVersion => ({
  bucket: 'b',
  key,
  versionId: 'null',
  isLatest: true,
  deleteMarker: false,
  size: 1,
  etag: '"e"',
  lastModified: new Date('2024-01-01T10:00:00Z'),
  content: {},
  metadata: {},
  tags: [],
  ...extra,
});

describe('S3 rules', () => {
  test('bucket names as S3 takes them', () => {
    for (const good of ['abc', 'my.bucket-1', 'a'.repeat(63)]) checkBucketName(good);
    for (const bad of ['ab', 'a'.repeat(64), 'Abc', 'a_b', '.abc', 'abc-', 'a..b', '10.0.0.1', 'xn--abc', 'sthree-x', 'abc-s3alias', 'abc--ol-s3'])
      assert.throws(() => checkBucketName(bad), { code: 'InvalidBucketName' }, bad);
  });

  test('ranges', () => {
    assert.deepEqual(parseRange('bytes=0-9', 100), { start: 0, end: 9 });
    assert.deepEqual(parseRange('bytes=90-', 100), { start: 90, end: 99 });
    assert.deepEqual(parseRange('bytes=-10', 100), { start: 90, end: 99 });
    assert.deepEqual(parseRange('bytes=95-200', 100), { start: 95, end: 99 });
    assert.equal(parseRange('bytes=0-1,5-6', 100), undefined);
    assert.equal(parseRange(undefined, 100), undefined);
    assert.throws(() => parseRange('bytes=100-', 100), { code: 'InvalidRange', status: 416 });
  });

  test('conditional requests in RFC 7232 order', () => {
    const object = { etag: '"abc"', lastModified: new Date('2024-01-01T10:00:00Z') };
    assert.throws(() => checkConditions({ IfMatch: '"x"' }, object), { code: 'PreconditionFailed' });
    assert.throws(() => checkConditions({ IfNoneMatch: 'abc' }, object), { code: 'NotModified', status: 304 });
    assert.throws(() => checkConditions({ IfModifiedSince: new Date('2024-01-02T00:00:00Z') }, object), { code: 'NotModified' });
    assert.throws(() => checkConditions({ IfUnmodifiedSince: new Date('2023-12-31T00:00:00Z') }, object), { code: 'PreconditionFailed' });
    // If-Match holds: If-Unmodified-Since is not asked.
    checkConditions({ IfMatch: '"abc"', IfUnmodifiedSince: new Date('2023-12-31T00:00:00Z') }, object);
    // If-None-Match fails to match: If-Modified-Since is not asked.
    checkConditions({ IfNoneMatch: '"x"', IfModifiedSince: new Date('2024-01-02T00:00:00Z') }, object);
  });

  test('listing with a delimiter: common prefixes once, counted as entries, pages resume past them', () => {
    const keys = ['a/1', 'a/2', 'a/3', 'b', 'c/1', 'd'].map((key) => version(key));
    const next = (after: string, limit: number) => keys.filter((v) => v.key > after).slice(0, limit);
    const first = listPage(next, { prefix: '', delimiter: '/', after: '', maxKeys: 2 });
    assert.deepEqual(first.commonPrefixes, ['a/']);
    assert.deepEqual(first.contents.map((v) => v.key), ['b']);
    assert.equal(first.truncated, true);
    const second = listPage(next, { prefix: '', delimiter: '/', after: first.next, maxKeys: 2 });
    assert.deepEqual([second.commonPrefixes, second.contents.map((v) => v.key), second.truncated], [['c/'], ['d'], false]);
    const prefixed = listPage((after, limit) => next(after, limit).filter((v) => v.key.startsWith('a/')), { prefix: 'a/', delimiter: '/', after: '', maxKeys: 10 });
    assert.deepEqual(prefixed.contents.map((v) => v.key), ['a/1', 'a/2', 'a/3']);
  });

  test('multipart: ETag of ETags, parts checked', () => {
    assert.match(multipartEtag(['"' + 'a'.repeat(32) + '"', '"' + 'b'.repeat(32) + '"']), /^"[0-9a-f]{32}-2"$/);
    const part = (partNumber: number, size: number) => ({ partNumber, size, etag: `"${partNumber}"`, lastModified: new Date(), body: String(partNumber) });
    const uploaded = [part(1, 5 * 1024 * 1024), part(2, 10), part(3, 10)];
    assert.equal(completedParts([{ PartNumber: 1, ETag: '"1"' }, { PartNumber: 3, ETag: '3' }], uploaded).length, 2);
    assert.throws(() => completedParts([{ PartNumber: 2 }, { PartNumber: 1 }], uploaded), { code: 'InvalidPartOrder' });
    assert.throws(() => completedParts([{ PartNumber: 4 }], uploaded), { code: 'InvalidPart' });
    assert.throws(() => completedParts([{ PartNumber: 1, ETag: '"9"' }], uploaded), { code: 'InvalidPart' });
    assert.throws(() => completedParts([{ PartNumber: 2 }, { PartNumber: 3 }], uploaded), { code: 'EntityTooSmall' });
  });

  test('lifecycle: days counted to the next midnight, filters, noncurrent versions, lone delete markers', () => {
    const rules = [
      { ID: 'logs', Status: 'Enabled' as const, Filter: { Prefix: 'logs/' }, Expiration: { Days: 1 } },
      { ID: 'tagged', Status: 'Enabled' as const, Filter: { And: { Prefix: 'tmp/', Tags: [{ Key: 'kind', Value: 'scratch' }] } }, NoncurrentVersionExpiration: { NoncurrentDays: 2 }, Expiration: { ExpiredObjectDeleteMarker: true } },
      { ID: 'off', Status: 'Disabled' as const, Filter: {}, Expiration: { Days: 1 } },
    ];
    const created = new Date('2024-01-01T10:00:00Z');
    assert.equal(lifecycleAction(rules, version('logs/a', { lastModified: created }), new Date('2024-01-02T23:59:59Z')), undefined);
    assert.equal(lifecycleAction(rules, version('logs/a', { lastModified: created }), new Date('2024-01-03T00:00:00Z')), 'expire');
    assert.equal(lifecycleAction(rules, version('other/a', { lastModified: created }), new Date('2025-01-01T00:00:00Z')), undefined);
    const scratch = { tags: [{ Key: 'kind', Value: 'scratch' }] };
    assert.equal(lifecycleAction(rules, version('tmp/a', { ...scratch, isLatest: false }), new Date('2024-01-05T00:00:00Z'), created), 'remove');
    assert.equal(lifecycleAction(rules, version('tmp/a', { isLatest: false }), new Date('2024-01-05T00:00:00Z'), created), undefined);
    assert.equal(lifecycleAction(rules, version('tmp/a', { ...scratch, deleteMarker: true }), new Date(), undefined, true), 'remove');
    assert.equal(lifecycleAction(rules, version('tmp/a', { ...scratch, deleteMarker: true }), new Date(), undefined, false), undefined);
  });

  test('tags from x-amz-tagging; keys in url-encoded listings', () => {
    assert.deepEqual(parseTagging('a=1&b=two%20words'), [{ Key: 'a', Value: '1' }, { Key: 'b', Value: 'two words' }]);
    assert.throws(() => parseTagging('a=1&a=2'), { code: 'InvalidTag' });
    assert.equal(encodeKey('dir/a b+c', 'url'), 'dir/a%20b%2Bc');
    assert.equal(encodeKey('dir/a b', undefined), 'dir/a b');
  });
});
