// The ObjectStore port (S3 objects) on files and SQLite (decision 0003): each body is a file of its own under
// `<dir>/bodies/<2 hex>/<32 hex>`, written first under `<dir>/staging/` (fsync'd, then moved in when its
// version or part commits), so a failed or interrupted upload leaves nothing behind after a restart. Version,
// upload and part rows live in `<dir>/objects.db` (WAL, every commit synced, a busy timeout, immediate
// transactions). A copy shares its source's file through a hard link: removing either leaves the other's
// bytes.
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, unlinkSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { finished, pipeline } from 'node:stream/promises';
import { Writable, type Readable } from 'node:stream';
import type Database from 'better-sqlite3';
import type { MultipartUpload, ObjectStore, ObjectVersion, StagedBody, Tag, UploadedPart } from '../../core/s3.js';
import { FileBody } from '../file-body.js';
import { openDatabase } from './database.js';

const MIGRATIONS: string[] = [
  `CREATE TABLE versions (
     bucket        TEXT NOT NULL,
     key           TEXT NOT NULL,
     version_id    TEXT NOT NULL,
     seq           INTEGER NOT NULL,
     latest        INTEGER NOT NULL,
     delete_marker INTEGER NOT NULL,
     size          INTEGER NOT NULL,
     etag          TEXT NOT NULL,
     last_modified INTEGER NOT NULL,
     body          TEXT,
     doc           TEXT NOT NULL,
     PRIMARY KEY (bucket, key, version_id)
   );
   CREATE INDEX versions_current ON versions (bucket, latest, delete_marker, key);
   CREATE INDEX versions_newest ON versions (bucket, key, seq DESC);
   CREATE TABLE uploads (
     upload_id TEXT PRIMARY KEY,
     bucket    TEXT NOT NULL,
     key       TEXT NOT NULL,
     initiated INTEGER NOT NULL,
     doc       TEXT NOT NULL
   );
   CREATE INDEX uploads_by_key ON uploads (bucket, key, initiated);
   CREATE TABLE parts (
     upload_id     TEXT NOT NULL,
     part_number   INTEGER NOT NULL,
     size          INTEGER NOT NULL,
     etag          TEXT NOT NULL,
     last_modified INTEGER NOT NULL,
     checksum      TEXT,
     body          TEXT NOT NULL,
     PRIMARY KEY (upload_id, part_number)
   );`,
];

interface VersionRow {
  bucket: string;
  key: string;
  version_id: string;
  latest: number;
  delete_marker: number;
  size: number;
  etag: string;
  last_modified: number;
  body: string | null;
  doc: string;
}

type VersionDoc = Pick<ObjectVersion, 'content' | 'metadata' | 'tags' | 'checksum' | 'parts'>;

const toVersion = (row: VersionRow): ObjectVersion => {
  const doc = JSON.parse(row.doc) as VersionDoc;
  return {
    bucket: row.bucket,
    key: row.key,
    versionId: row.version_id,
    isLatest: row.latest === 1,
    deleteMarker: row.delete_marker === 1,
    size: row.size,
    etag: row.etag,
    lastModified: new Date(row.last_modified),
    ...doc,
    ...(row.body !== null && { body: row.body }),
  };
};

interface UploadRow {
  upload_id: string;
  bucket: string;
  key: string;
  initiated: number;
  doc: string;
}

const toUpload = (row: UploadRow): MultipartUpload => ({
  uploadId: row.upload_id,
  bucket: row.bucket,
  key: row.key,
  initiated: new Date(row.initiated),
  ...(JSON.parse(row.doc) as Pick<MultipartUpload, 'content' | 'metadata' | 'tags' | 'checksumAlgorithm'>),
});

interface PartRow {
  part_number: number;
  size: number;
  etag: string;
  last_modified: number;
  checksum: string | null;
  body: string;
}

const toPart = (row: PartRow): UploadedPart => ({
  partNumber: row.part_number,
  size: row.size,
  etag: row.etag,
  lastModified: new Date(row.last_modified),
  ...(row.checksum !== null && { checksum: row.checksum }),
  body: row.body,
});

// Bodies are read and written in large slices: each read or write is a trip to libuv's thread pool, and on
// a busy machine every trip waits for a core, so fewer and larger ones move more bytes per second.
const IO_CHUNK = 4 * 1024 * 1024;

// Once this much more has been written since the last flush began, another starts in the background, so that
// the disk takes the body while it arrives and the flush before the answer has only the tail left.
const FLUSH_EVERY = 8 * 1024 * 1024;

/**
 * Appends to an open file, which stays open: fs.WriteStream with autoClose off never tells a pipeline it has
 * finished. What arrives (socket reads, or the hash worker's 1 MiB batches) is gathered and goes down in one
 * writev per IO_CHUNK, so at most that much is held. The data written is flushed (fdatasync) in the
 * background every FLUSH_EVERY bytes, one flush at a time; `sync` makes everything durable.
 */
const fileWriter = (file: FileHandle) => {
  let gathered: Buffer[] = [];
  let size = 0;
  let written = 0;
  let flushedTo = 0;
  let flushing: Promise<void> | undefined;
  let flushFailed: unknown;
  const flushInBackground = () => {
    if (flushing || written - flushedTo < FLUSH_EVERY) return;
    const upTo = written;
    flushing = file.datasync().then(
      () => {
        flushedTo = upTo;
        flushing = undefined;
        flushInBackground();
      },
      (error: unknown) => {
        flushFailed = error;
        flushing = undefined;
      },
    );
  };
  const write = (callback: (error?: Error | null) => void) => {
    const buffers = gathered;
    const bytes = size;
    gathered = [];
    size = 0;
    if (!buffers.length) return callback();
    void file.writev(buffers).then(() => {
      written += bytes;
      flushInBackground();
      callback();
    }, callback);
  };
  const writer = new Writable({
    write: (chunk: Buffer, _encoding, callback) => {
      gathered.push(chunk);
      size += chunk.length;
      if (size < IO_CHUNK) return callback();
      write(callback);
    },
    final: write,
  });
  const sync = async () => {
    while (flushing) await flushing;
    if (flushFailed) throw flushFailed;
    await file.sync();
  };
  return Object.assign(writer, { sync });
};

export class FileObjectStore implements ObjectStore {
  private readonly db: Database.Database;
  private readonly bodies: string;
  private readonly staging: string;
  private seq: number;
  private readonly statements;

  /** `dir`: the objects' directory (`<data dir>/objects`), created if absent. */
  constructor(dir: string) {
    this.bodies = join(dir, 'bodies');
    this.staging = join(dir, 'staging');
    mkdirSync(this.bodies, { recursive: true, mode: 0o700 });
    // What was staged when the server stopped belongs to no object.
    rmSync(this.staging, { recursive: true, force: true });
    mkdirSync(this.staging, { mode: 0o700 });
    const path = join(dir, 'objects.db');
    // Every commit synced: an acknowledged PUT or DELETE is on disk, rows as well as bodies.
    this.db = openDatabase(path, MIGRATIONS, { synchronous: 'FULL' });
    this.seq = (this.db.prepare('SELECT coalesce(max(seq), 0) FROM versions').pluck().get() as number) + 1;
    const db = this.db;
    this.statements = {
      latest: db.prepare('SELECT * FROM versions WHERE bucket = ? AND key = ? ORDER BY seq DESC LIMIT 1'),
      version: db.prepare('SELECT * FROM versions WHERE bucket = ? AND key = ? AND version_id = ?'),
      unmark: db.prepare('UPDATE versions SET latest = 0 WHERE bucket = ? AND key = ? AND latest = 1'),
      mark: db.prepare('UPDATE versions SET latest = 1 WHERE bucket = ? AND key = ? AND version_id = (SELECT version_id FROM versions WHERE bucket = ? AND key = ? ORDER BY seq DESC LIMIT 1)'),
      insert: db.prepare(
        `INSERT INTO versions (bucket, key, version_id, seq, latest, delete_marker, size, etag, last_modified, body, doc)
         VALUES (:bucket, :key, :versionId, :seq, 1, :deleteMarker, :size, :etag, :lastModified, :body, :doc)`,
      ),
      delete: db.prepare('DELETE FROM versions WHERE bucket = ? AND key = ? AND version_id = ?'),
      tags: db.prepare("UPDATE versions SET doc = json_set(doc, '$.tags', json(?)) WHERE bucket = ? AND key = ? AND version_id = ?"),
      listLatest: db.prepare('SELECT * FROM versions WHERE bucket = ? AND latest = 1 AND delete_marker = 0 AND key > ? AND key >= ? AND substr(key, 1, ?) = ? ORDER BY key LIMIT ?'),
      listVersions: db.prepare(
        `SELECT * FROM versions WHERE bucket = :bucket AND substr(key, 1, :length) = :prefix AND key >= :prefix
           AND (key > :key OR (key = :key AND :after IS NOT NULL AND seq < coalesce((SELECT seq FROM versions WHERE bucket = :bucket AND key = :key AND version_id = :after), -1)))
         ORDER BY key, seq DESC LIMIT :limit`,
      ),
      any: db.prepare('SELECT 1 FROM versions WHERE bucket = ? UNION ALL SELECT 1 FROM uploads WHERE bucket = ? LIMIT 1').pluck(),
      walk: db.prepare('SELECT * FROM versions WHERE bucket = ? ORDER BY key, seq DESC'),
      createUpload: db.prepare('INSERT INTO uploads (upload_id, bucket, key, initiated, doc) VALUES (?, ?, ?, ?, ?)'),
      getUpload: db.prepare('SELECT * FROM uploads WHERE upload_id = ?'),
      listUploads: db.prepare('SELECT * FROM uploads WHERE bucket = ? AND substr(key, 1, ?) = ? AND key > ? ORDER BY key, initiated LIMIT ?'),
      deleteUpload: db.prepare('DELETE FROM uploads WHERE upload_id = ?'),
      part: db.prepare('SELECT body FROM parts WHERE upload_id = ? AND part_number = ?').pluck(),
      putPart: db.prepare(
        `INSERT INTO parts (upload_id, part_number, size, etag, last_modified, checksum, body) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (upload_id, part_number) DO UPDATE SET size = excluded.size, etag = excluded.etag, last_modified = excluded.last_modified, checksum = excluded.checksum, body = excluded.body`,
      ),
      parts: db.prepare('SELECT * FROM parts WHERE upload_id = ? ORDER BY part_number'),
      deleteParts: db.prepare('DELETE FROM parts WHERE upload_id = ?'),
    };
  }

  async stage(body: Readable): Promise<StagedBody> {
    const name = randomBytes(16).toString('hex');
    const path = join(this.staging, name);
    const file = await open(path, 'wx', 0o600);
    let size = 0;
    try {
      body.on('data', (chunk: Buffer) => (size += chunk.length));
      const writer = fileWriter(file);
      await pipeline(body, writer);
      // Durable before the version that names it commits, as a PutObject is on AWS when it answers.
      await writer.sync();
    } catch (error) {
      await file.close().catch(() => undefined);
      rmSync(path, { force: true });
      throw error;
    }
    await file.close();
    return { body: name, size };
  }

  async discard(body: string): Promise<void> {
    rmSync(join(this.staging, body), { force: true });
  }

  async duplicate(body: string): Promise<string> {
    const name = randomBytes(16).toString('hex');
    linkSync(this.pathOf(body), join(this.staging, name));
    return name;
  }

  open(body: string, range?: { start: number; end: number }): Readable {
    return new FileBody(this.pathOf(body), range);
  }

  async concatenate(parts: readonly UploadedPart[]): Promise<StagedBody> {
    const name = randomBytes(16).toString('hex');
    const path = join(this.staging, name);
    const file = await open(path, 'wx', 0o600);
    let size = 0;
    try {
      const writer = fileWriter(file);
      for (const part of parts) {
        await pipeline(this.open(part.body), writer, { end: false });
        size += part.size;
      }
      await finished(writer.end());
      await writer.sync();
    } catch (error) {
      await file.close().catch(() => undefined);
      rmSync(path, { force: true });
      throw error;
    }
    await file.close();
    return { body: name, size };
  }

  commit(version: ObjectVersion, keepOthers: boolean): void {
    if (version.body) this.adopt(version.body);
    const replaced = this.db
      .transaction(() => {
        const { latest, version: one, unmark, insert, delete: remove } = this.statements;
        let old: VersionRow | undefined;
        // Versioning off or suspended: the key's `null` version is overwritten.
        if (!keepOthers || version.versionId === 'null') {
          old = one.get(version.bucket, version.key, 'null') as VersionRow | undefined;
          if (old) remove.run(version.bucket, version.key, 'null');
        }
        void latest;
        unmark.run(version.bucket, version.key);
        insert.run({
          bucket: version.bucket,
          key: version.key,
          versionId: version.versionId,
          seq: this.seq++,
          deleteMarker: version.deleteMarker ? 1 : 0,
          size: version.size,
          etag: version.etag,
          lastModified: version.lastModified.getTime(),
          body: version.body ?? null,
          doc: JSON.stringify({ content: version.content, metadata: version.metadata, tags: version.tags, checksum: version.checksum, parts: version.parts } satisfies VersionDoc),
        });
        return old;
      })
      .immediate();
    if (replaced?.body) this.unlink(replaced.body);
  }

  get(bucket: string, key: string, versionId?: string): ObjectVersion | undefined {
    const row = (versionId === undefined ? this.statements.latest.get(bucket, key) : this.statements.version.get(bucket, key, versionId)) as VersionRow | undefined;
    return row && toVersion(row);
  }

  remove(bucket: string, key: string, versionId: string): ObjectVersion | undefined {
    const removed = this.db
      .transaction(() => {
        const row = this.statements.version.get(bucket, key, versionId) as VersionRow | undefined;
        if (!row) return undefined;
        this.statements.delete.run(bucket, key, versionId);
        if (row.latest === 1) this.statements.mark.run(bucket, key, bucket, key);
        return row;
      })
      .immediate();
    if (removed?.body) this.unlink(removed.body);
    return removed && toVersion(removed);
  }

  setTags(bucket: string, key: string, versionId: string, tags: Tag[]): void {
    this.statements.tags.run(JSON.stringify(tags), bucket, key, versionId);
  }

  listLatest(bucket: string, prefix: string, after: string, limit: number): ObjectVersion[] {
    return (this.statements.listLatest.all(bucket, after, prefix, prefix.length, prefix, limit) as VersionRow[]).map(toVersion);
  }

  listVersions(bucket: string, prefix: string, keyMarker: string, versionMarker: string | undefined, limit: number): ObjectVersion[] {
    return (
      this.statements.listVersions.all({ bucket, prefix, length: prefix.length, key: keyMarker, after: versionMarker ?? null, limit }) as VersionRow[]
    ).map(toVersion);
  }

  isEmpty(bucket: string): boolean {
    return this.statements.any.get(bucket, bucket) === undefined;
  }

  walk(bucket: string, visit: (version: ObjectVersion) => void): void {
    for (const row of this.statements.walk.iterate(bucket) as IterableIterator<VersionRow>) visit(toVersion(row));
  }

  createUpload(upload: MultipartUpload): void {
    const { uploadId, bucket, key, initiated, ...doc } = upload;
    this.statements.createUpload.run(uploadId, bucket, key, initiated.getTime(), JSON.stringify(doc));
  }

  getUpload(uploadId: string): MultipartUpload | undefined {
    const row = this.statements.getUpload.get(uploadId) as UploadRow | undefined;
    return row && toUpload(row);
  }

  listUploads(bucket: string, prefix: string, keyMarker: string, limit: number): MultipartUpload[] {
    return (this.statements.listUploads.all(bucket, prefix.length, prefix, keyMarker, limit) as UploadRow[]).map(toUpload);
  }

  putPart(uploadId: string, part: UploadedPart): void {
    this.adopt(part.body);
    const old = this.db
      .transaction(() => {
        const previous = this.statements.part.get(uploadId, part.partNumber) as string | undefined;
        this.statements.putPart.run(uploadId, part.partNumber, part.size, part.etag, part.lastModified.getTime(), part.checksum ?? null, part.body);
        return previous;
      })
      .immediate();
    if (old) this.unlink(old);
  }

  listParts(uploadId: string): UploadedPart[] {
    return (this.statements.parts.all(uploadId) as PartRow[]).map(toPart);
  }

  removeUpload(uploadId: string): void {
    const parts = this.db
      .transaction(() => {
        const rows = this.statements.parts.all(uploadId) as PartRow[];
        this.statements.deleteParts.run(uploadId);
        this.statements.deleteUpload.run(uploadId);
        return rows;
      })
      .immediate();
    for (const part of parts) this.unlink(part.body);
  }

  async clear(): Promise<void> {
    this.db.transaction(() => this.db.exec('DELETE FROM versions; DELETE FROM parts; DELETE FROM uploads;')).immediate();
    rmSync(this.bodies, { recursive: true, force: true });
    mkdirSync(this.bodies, { mode: 0o700 });
  }

  async close(): Promise<void> {
    this.db.close();
  }

  private pathOf(body: string): string {
    return join(this.bodies, body.slice(0, 2), body);
  }

  /** Moves a staged body in among the committed ones. */
  private adopt(body: string): void {
    const dir = join(this.bodies, body.slice(0, 2));
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    renameSync(join(this.staging, body), this.pathOf(body));
    // The new name durable before the row that points at it commits: after a crash no row names a body
    // that is still only in staging/ (emptied at start).
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  private unlink(body: string): void {
    try {
      unlinkSync(this.pathOf(body));
    } catch {
      // Already gone: removing a body twice is harmless.
    }
  }

  /** Test hook: the bodies on disk, to see none is left behind. */
  bodyCount(): number {
    return readdirSync(this.bodies).reduce((sum, dir) => sum + readdirSync(join(this.bodies, dir)).length, 0) + readdirSync(this.staging).length;
  }
}
