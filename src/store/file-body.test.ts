// FileBody: read as a stream or written with writeTo (two pooled buffers, one filled while the other is
// sent), whole or a range, bodies several slices long; a destination that fails or closes half-way rejects
// writeTo and the file is closed either way.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable, type Readable } from 'node:stream';
import { after, test } from 'node:test';
import { setTimeout } from 'node:timers/promises';
import { FileBody, SLICE } from './file-body.js';

const dir = mkdtempSync(join(tmpdir(), 'file-body-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const bytes = randomBytes(2 * SLICE + 12345);
const path = join(dir, 'body');
writeFileSync(path, bytes);
const empty = join(dir, 'empty');
writeFileSync(empty, '');

const read = async (stream: Readable) => {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

/** A destination that keeps a copy of each chunk (the chunk itself is only lent until the write completes), asynchronously. */
const collector = (fail?: { after: number; how: 'error' | 'close' }) => {
  const chunks: Buffer[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      setImmediate(() => {
        if (fail && chunks.length === fail.after) return fail.how === 'error' ? callback(new Error('broken pipe')) : void destination.destroy();
        chunks.push(Buffer.from(chunk));
        callback();
      });
    },
  });
  return { destination, body: () => Buffer.concat(chunks) };
};

/** writeTo into `destination`; then the body closes its file (`closed`: its destroy has completed). */
const writeTo = async (body: FileBody, destination: Writable) => {
  try {
    await body.writeTo(destination);
  } finally {
    // Its file is closed asynchronously (libuv's thread pool), soon after.
    if (!body.closed) await Promise.race([once(body, 'close'), setTimeout(5000).then(() => assert.fail('the body did not close its file'))]);
  }
};

test('read as a stream: the whole file, a range, an empty file', async () => {
  assert.deepEqual(await read(new FileBody(path)), bytes);
  assert.deepEqual(await read(new FileBody(path, { start: SLICE - 5, end: 2 * SLICE + 10 })), bytes.subarray(SLICE - 5, 2 * SLICE + 11));
  assert.equal((await read(new FileBody(empty))).length, 0);
});

test('writeTo: the same bytes, whole and in ranges, however often (the pooled buffers reused)', async () => {
  for (let i = 0; i < 4; i++) {
    const { destination, body } = collector();
    await writeTo(new FileBody(path), destination);
    assert.deepEqual(body(), bytes);
  }
  for (const [start, end] of [[0, 0], [7, SLICE], [SLICE, 2 * SLICE + 12344]] as const) {
    const { destination, body } = collector();
    await writeTo(new FileBody(path, { start, end }), destination);
    assert.deepEqual(body(), bytes.subarray(start, end + 1));
  }
  const { destination, body } = collector();
  await writeTo(new FileBody(empty), destination);
  assert.equal(body().length, 0);
});

test('writeTo rejects when the destination fails or closes half-way, and closes the file', async () => {
  for (const how of ['error', 'close'] as const) {
    const { destination } = collector({ after: 1, how });
    await assert.rejects(writeTo(new FileBody(path), destination));
  }
});

test('a missing file throws when opened', () => {
  assert.throws(() => new FileBody(join(dir, 'missing')), /ENOENT/);
});
