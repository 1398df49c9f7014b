// The file-and-SQLite ObjectStore: versions replace or accumulate as versioning says, bodies are removed
// with what named them, a failed stream leaves nothing, copies share bytes, and everything survives reopening.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, test } from 'node:test';
import type { ObjectVersion } from '../../core/s3.js';
import { FileObjectStore } from './object-store.js';

const dir = mkdtempSync(join(tmpdir(), 'object-store-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const read = async (stream: Readable) => {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
};

const version = (key: string, versionId: string, body: string | undefined, extra: Partial<ObjectVersion> = {}): ObjectVersion => ({
  bucket: 'b',
  key,
  versionId,
  isLatest: true,
  deleteMarker: body === undefined,
  size: 0,
  etag: '"e"',
  lastModified: new Date(0),
  content: {},
  metadata: {},
  tags: [],
  ...(body !== undefined && { body }),
  ...extra,
});

test('versions, bodies, listings, uploads; reopened intact', async () => {
  const store = new FileObjectStore(dir);
  const one = await store.stage(Readable.from([Buffer.from('one')]));
  store.commit(version('k', 'null', one.body, { size: one.size }), false);
  const two = await store.stage(Readable.from([Buffer.from('two')]));
  store.commit(version('k', 'null', two.body), false);
  assert.equal(store.bodyCount(), 1, 'the overwritten null version took its body with it');
  assert.equal(await read(store.open(store.get('b', 'k')!.body!)), 'two');
  assert.equal(await read(store.open(store.get('b', 'k')!.body!, { start: 1, end: 1 })), 'w');

  // Versioned: both kept, a delete marker on top, removing it makes the previous latest again.
  const v1 = await store.stage(Readable.from([Buffer.from('v1')]));
  store.commit(version('v', 'a1', v1.body), true);
  const v2 = await store.stage(Readable.from([Buffer.from('v2')]));
  store.commit(version('v', 'a2', v2.body), true);
  store.commit(version('v', 'a3', undefined), true);
  assert.equal(store.get('b', 'v')!.deleteMarker, true);
  assert.deepEqual(store.listVersions('b', 'v', '', undefined, 10).map((row) => [row.versionId, row.isLatest]), [['a3', true], ['a2', false], ['a1', false]]);
  assert.deepEqual(store.listVersions('b', '', 'v', 'a3', 10).map((row) => row.versionId), ['a2', 'a1']);
  store.remove('b', 'v', 'a3');
  assert.equal(store.get('b', 'v')!.versionId, 'a2');
  assert.deepEqual(store.listLatest('b', '', '', 10).map((row) => row.key), ['k', 'v']);

  // A stream that fails leaves no body.
  const before = store.bodyCount();
  const failing = new Readable({ read() { this.destroy(new Error('cut')); } });
  await assert.rejects(store.stage(failing), /cut/);
  assert.equal(store.bodyCount(), before);

  // A copy shares bytes but removing the source keeps the copy's.
  const copy = await store.duplicate(store.get('b', 'k')!.body!);
  store.commit(version('copy', 'null', copy), false);
  store.remove('b', 'k', 'null');
  assert.equal(await read(store.open(store.get('b', 'copy')!.body!)), 'two');

  // Uploads: parts replace by number, concatenate in order, removal takes the bodies.
  store.createUpload({ uploadId: 'u', bucket: 'b', key: 'm', initiated: new Date(0), content: {}, metadata: {}, tags: [] });
  for (const [n, text] of [[2, 'B'], [1, 'x'], [1, 'A']] as const) {
    const staged = await store.stage(Readable.from([Buffer.from(text)]));
    store.putPart('u', { partNumber: n, size: staged.size, etag: `"${text}"`, lastModified: new Date(0), body: staged.body });
  }
  const joined = await store.concatenate(store.listParts('u'));
  store.commit(version('m', 'null', joined.body, { size: joined.size }), false);
  store.removeUpload('u');
  assert.equal(await read(store.open(store.get('b', 'm')!.body!)), 'AB');
  assert.equal(store.getUpload('u'), undefined);
  assert.equal(store.isEmpty('b'), false);
  assert.equal(store.isEmpty('other'), true);
  await store.close();

  const reopened = new FileObjectStore(dir);
  assert.equal(await read(reopened.open(reopened.get('b', 'm')!.body!)), 'AB');
  assert.equal(reopened.get('b', 'v')!.versionId, 'a2');
  await reopened.clear();
  assert.equal(reopened.bodyCount(), 0);
  assert.equal(reopened.isEmpty('b'), true);
  await reopened.close();
});
