// The filesystem blob store: uploads hashed as written and visible only once verified, resumable across a
// restart (a new store re-hashes what the file holds), shared blobs counted by their links.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { BlobStoreError } from '../core/ecr-registry.js';
import { FsBlobStore } from './fs-blob-store.js';

const dirs: string[] = [];
after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

async function store(dir = mkdtempSync(join(tmpdir(), 'wharf-blobs-'))) {
  dirs.push(dir);
  const blobs = new FsBlobStore(dir);
  await blobs.init();
  return { blobs, dir };
}

const sha = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
const body = (...chunks: string[]) => Readable.from(chunks.map((c) => Buffer.from(c)));
const code = (expected: string) => (err: unknown) => err instanceof BlobStoreError && err.code === expected;

describe('FsBlobStore', () => {
  it('resumes an upload after a restart, refuses a chunk at the wrong offset, and verifies the digest', async () => {
    const { blobs, dir } = await store();
    const id = await blobs.startUpload();
    assert.equal(await blobs.append(id, body('hello ')), 6);
    await assert.rejects(blobs.append(id, body('x'), 3), code('BLOB_UPLOAD_INVALID'));
    // Another store over the same directory (a restart): the upload is found and re-hashed.
    const { blobs: again } = await store(dir);
    assert.equal(await again.uploadSize(id), 6);
    assert.equal(await again.append(id, body('world'), 6), 11);
    const digest = sha(Buffer.from('hello world'));
    assert.equal(await again.stat(digest), undefined, 'an upload is not a blob');
    assert.equal(await again.commit(id, digest), 11);
    assert.equal(await again.stat(digest), 11);
    assert.equal(await again.uploadSize(id), undefined);
  });

  it('discards an upload whose digest does not match, leaving nothing visible', async () => {
    const { blobs } = await store();
    const id = await blobs.startUpload();
    await blobs.append(id, body('some bytes'));
    const claimed = sha(Buffer.from('other bytes'));
    await assert.rejects(blobs.commit(id, claimed), code('DIGEST_INVALID'));
    assert.equal(await blobs.stat(claimed), undefined);
    assert.equal(await blobs.stat(sha(Buffer.from('some bytes'))), undefined);
    assert.equal(await blobs.uploadSize(id), undefined);
  });

  it('keeps one copy of a blob however many scopes hold it, and collects it when none does', async () => {
    const { blobs } = await store();
    const digest = await blobs.put(Buffer.from('layer'));
    // Uploaded again: the stored blob (and the links to it) stay as they are.
    await blobs.link('a/us-east-1/one', digest);
    assert.equal(await blobs.put(Buffer.from('layer')), digest);
    await blobs.link('a/us-east-1/one/two', digest);
    assert.deepEqual((await blobs.scopes()).sort(), ['a/us-east-1/one', 'a/us-east-1/one/two']);
    assert.ok(await blobs.linked('a/us-east-1/one/two', digest));
    await blobs.unlink('a/us-east-1/one', digest);
    assert.deepEqual(await blobs.collect({ digests: [digest] }), [], 'still held by one scope');
    await blobs.unlink('a/us-east-1/one/two', digest);
    assert.deepEqual(await blobs.collect({ digests: [digest] }), [digest]);
    assert.equal(await blobs.stat(digest), undefined);
    const chunks: Buffer[] = [];
    const kept = await blobs.put(Buffer.from('0123456789'));
    for await (const chunk of blobs.read(kept, { start: 2, end: 4 })) chunks.push(Buffer.from(chunk));
    assert.equal(Buffer.concat(chunks).toString(), '234');
  });
});
