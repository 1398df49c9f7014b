// Blobs on disk, content-addressed: blobs/sha256/<hex>, written once. An upload is a file under uploads/,
// hashed as it is written, and becomes a blob only by a rename once its digest is verified, so a partial or
// wrong upload is never visible. A repository holds a blob by a hard link under scopes/<scope>/: the
// blob's link count is then how many repositories hold it, and one no repository holds can go.
import { createHash, randomBytes, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { link, mkdir, readdir, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BlobStoreError, type BlobStore, type ByteRange } from '../core/ecr-registry.js';

const DIGEST = /^sha256:([a-f0-9]{64})$/;
const UPLOAD_ID = /^[a-f0-9]{32}$/;

interface Upload {
  hash: Hash;
  size: number;
  /** Appends and the commit of one upload run one at a time. */
  busy: Promise<unknown>;
}

export class FsBlobStore implements BlobStore {
  /** Uploads' running hashes; one not here (after a restart, or a failed append) is re-hashed from its file. */
  private readonly uploads = new Map<string, Upload>();

  constructor(private readonly root: string) {}

  async init(): Promise<void> {
    await Promise.all(['blobs/sha256', 'uploads', 'scopes'].map((dir) => mkdir(join(this.root, dir), { recursive: true })));
  }

  private blobPath(digest: string): string {
    const hex = DIGEST.exec(digest)?.[1];
    if (!hex) throw new BlobStoreError('DIGEST_INVALID', `unsupported digest ${digest}`);
    return join(this.root, 'blobs', 'sha256', hex);
  }

  private uploadPath(id: string): string {
    if (!UPLOAD_ID.test(id)) throw new BlobStoreError('BLOB_UPLOAD_UNKNOWN', 'blob upload unknown to registry');
    return join(this.root, 'uploads', id);
  }

  // Repository names hold slashes; encoded, a scope is one directory and `a` never contains `a/b`'s links.
  private scopeDir(scope: string): string {
    return join(this.root, 'scopes', encodeURIComponent(scope), 'sha256');
  }

  async stat(digest: string): Promise<number | undefined> {
    if (!DIGEST.test(digest)) return undefined;
    return (await stat(this.blobPath(digest)).catch(() => undefined))?.size;
  }

  read(digest: string, range?: ByteRange): AsyncIterable<Uint8Array> {
    return createReadStream(this.blobPath(digest), { highWaterMark: 1 << 20, ...(range && { start: range.start, end: range.end }) });
  }

  async startUpload(): Promise<string> {
    const id = randomBytes(16).toString('hex');
    await writeFile(this.uploadPath(id), '');
    this.uploads.set(id, { hash: createHash('sha256'), size: 0, busy: Promise.resolve() });
    return id;
  }

  async uploadSize(id: string): Promise<number | undefined> {
    return (await this.upload(id).catch(() => undefined))?.size;
  }

  private async upload(id: string): Promise<Upload> {
    const known = this.uploads.get(id);
    if (known) return known;
    const path = this.uploadPath(id);
    const hash = createHash('sha256');
    let size = 0;
    try {
      for await (const chunk of createReadStream(path)) {
        hash.update(chunk as Buffer);
        size += (chunk as Buffer).length;
      }
    } catch {
      throw new BlobStoreError('BLOB_UPLOAD_UNKNOWN', 'blob upload unknown to registry');
    }
    const upload = { hash, size, busy: Promise.resolve() };
    this.uploads.set(id, upload);
    return upload;
  }

  private serially<T>(id: string, upload: Upload, work: () => Promise<T>): Promise<T> {
    const next = upload.busy.then(work);
    upload.busy = next.catch(() => undefined);
    return next;
  }

  async append(id: string, body: AsyncIterable<Uint8Array>, offset?: number): Promise<number> {
    const upload = await this.upload(id);
    return this.serially(id, upload, async () => {
      if (offset !== undefined && offset !== upload.size) throw new BlobStoreError('BLOB_UPLOAD_INVALID', `upload is at ${upload.size}, not ${offset}`);
      const hashing = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          upload.hash.update(chunk);
          upload.size += chunk.length;
          done(null, chunk);
        },
      });
      try {
        await pipeline(body, hashing, createWriteStream(this.uploadPath(id), { flags: 'a' }));
      } catch (err) {
        // What reached the file is unknown: the next use re-hashes it.
        this.uploads.delete(id);
        throw err;
      }
      return upload.size;
    });
  }

  async commit(id: string, digest: string): Promise<number> {
    const target = this.blobPath(digest);
    const upload = await this.upload(id);
    return this.serially(id, upload, async () => {
      const actual = `sha256:${upload.hash.copy().digest('hex')}`;
      if (actual !== digest) {
        await this.cancel(id);
        throw new BlobStoreError('DIGEST_INVALID', `provided digest did not match uploaded content (uploaded ${actual})`);
      }
      this.uploads.delete(id);
      // A link, not a rename: a blob already stored keeps its inode, and with it the links repositories hold.
      await link(this.uploadPath(id), target).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'EEXIST') throw err;
      });
      await rm(this.uploadPath(id), { force: true });
      return upload.size;
    });
  }

  async cancel(id: string): Promise<void> {
    this.uploads.delete(id);
    await rm(this.uploadPath(id), { force: true });
  }

  async put(bytes: Uint8Array): Promise<string> {
    const id = await this.startUpload();
    await this.append(id, Readable.from([bytes]));
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    await this.commit(id, digest);
    return digest;
  }

  async linked(scope: string, digest: string): Promise<boolean> {
    if (!DIGEST.test(digest)) return false;
    return (await stat(join(this.scopeDir(scope), DIGEST.exec(digest)![1]!)).catch(() => undefined)) !== undefined;
  }

  async link(scope: string, digest: string): Promise<void> {
    const path = join(this.scopeDir(scope), DIGEST.exec(digest)?.[1] ?? '');
    await mkdir(dirname(path), { recursive: true });
    await link(this.blobPath(digest), path).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') throw new BlobStoreError('BLOB_UNKNOWN', `blob ${digest} unknown to registry`);
      if (err.code !== 'EEXIST') throw err;
    });
  }

  async unlink(scope: string, digest: string): Promise<void> {
    if (!DIGEST.test(digest)) return;
    await unlink(join(this.scopeDir(scope), DIGEST.exec(digest)![1]!)).catch(() => undefined);
  }

  async scopeBlobs(scope: string): Promise<string[]> {
    return (await readdir(this.scopeDir(scope)).catch(() => [])).map((hex) => `sha256:${hex}`);
  }

  async scopes(): Promise<string[]> {
    return (await readdir(join(this.root, 'scopes')).catch(() => [])).map(decodeURIComponent);
  }

  async sweepUploads(olderThanMs: number): Promise<number> {
    let swept = 0;
    for (const name of await readdir(join(this.root, 'uploads'))) {
      const info = await stat(join(this.root, 'uploads', name)).catch(() => undefined);
      if (!info || Date.now() - info.mtimeMs < olderThanMs) continue;
      await this.cancel(name).catch(() => undefined);
      swept++;
    }
    return swept;
  }

  async collect(options: { digests?: string[]; olderThanMs?: number }): Promise<string[]> {
    const digests = options.digests ?? (await readdir(join(this.root, 'blobs', 'sha256'))).map((hex) => `sha256:${hex}`);
    const deleted: string[] = [];
    for (const digest of digests) {
      const path = this.blobPath(digest);
      const info = await stat(path).catch(() => undefined);
      if (!info || info.nlink > 1) continue;
      if (options.olderThanMs !== undefined && Date.now() - info.mtimeMs < options.olderThanMs) continue;
      await unlink(path).catch(() => undefined);
      deleted.push(digest);
    }
    return deleted;
  }
}
