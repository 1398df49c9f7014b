// Objects: PutObject (the body streamed to the store, its checks done as it passes, committed only then),
// GetObject and HeadObject (ranges, conditional headers, response overrides), DeleteObject (a delete marker
// where versioning is on), DeleteObjects, CopyObject (the source's bytes shared, not copied), and object
// tags. Versions: a versioned bucket keeps every version; with versioning off or suspended, a key's `null`
// version is overwritten.
import type { Readable } from 'node:stream';
import type { CallContext } from '../../core/caller.js';
import {
  EntityTooLarge,
  InvalidArgument,
  InvalidRequest,
  MalformedXML,
  MethodNotAllowed,
  NoSuchKey,
  NoSuchVersion,
  PreconditionFailed,
} from '../../core/s3-errors.js';
import { S3Error } from '../../core/s3-errors.js';
import {
  checkConditions,
  checkTags,
  MAX_PUT_SIZE,
  parseRange,
  parseTagging,
  type BucketRecord,
  type Conditions,
  type ContentHeaders,
  type ObjectVersion,
  type Tag,
} from '../../core/s3.js';
import type { ControlContext } from '../context.js';
import { objectStore, resolveBucket } from './buckets.js';
import { objectEvent } from './events.js';

/** A request body as the protocol hands it over: the stream, and once it has ended what it held. */
export interface PayloadBody extends Readable {
  digests?: { size: number; md5: string; checksum?: { algorithm: string; value: string }; receivedAt: number };
}

/**
 * Logs (debug) how long a stored body took from its last byte's arrival to its commit: the tail a client
 * waits through after sending (hashing's last batch, the final flush to disk, the commit), which the machine's
 * load blurs far less than a throughput does.
 */
export const logStored = (ctx: ControlContext, operation: string, body: PayloadBody, fields: Record<string, unknown>) =>
  ctx.log.debug('body stored', { operation, ...fields, size: body.digests!.size, afterLastByteMs: Math.round((performance.now() - body.digests!.receivedAt) * 10) / 10 });

export interface ContentInput extends Omit<ContentHeaders, 'Expires'> {
  Metadata?: Record<string, string>;
  Tagging?: string;
  Expires?: Date | string;
}

export const contentOf = (input: Omit<ContentInput, 'Expires'> & { Expires?: unknown }): ContentHeaders => {
  const content: ContentHeaders = {};
  for (const name of ['ContentType', 'CacheControl', 'ContentDisposition', 'ContentEncoding', 'ContentLanguage'] as const) if (input[name] !== undefined) content[name] = input[name];
  if (input.Expires !== undefined) content.Expires = input.Expires instanceof Date ? input.Expires.toUTCString() : String(input.Expires);
  return content;
};

export const metadataOf = (metadata: Record<string, string> | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(metadata ?? {}).map(([name, value]) => [name.toLowerCase(), value]));

/** The version id a new version of a key in this bucket gets. */
export const newVersionId = (ctx: ControlContext, bucket: BucketRecord) => (bucket.Versioning === 'Enabled' ? ctx.ids.id() : 'null');

/** The checksum members of an output (`ChecksumCRC32`...), from a stored or computed checksum. */
export const checksumMembers = (checksum: { algorithm: string; value: string; type?: string } | undefined) =>
  checksum ? { [`Checksum${checksum.algorithm.toUpperCase()}`]: checksum.value, ChecksumType: checksum.type ?? 'FULL_OBJECT' } : {};

const versionMember = (versionId: string) => (versionId === 'null' ? undefined : versionId);

interface PutObjectInput extends ContentInput {
  Bucket: string;
  Key: string;
  Body?: PayloadBody;
  ContentLength?: number;
  IfNoneMatch?: string;
  IfMatch?: string;
}

export async function putObject(ctx: ControlContext, input: PutObjectInput, call: CallContext) {
  const bucket = resolveBucket(ctx, input.Bucket);
  if ((input.ContentLength ?? 0) > MAX_PUT_SIZE) throw new EntityTooLarge();
  const store = objectStore(ctx);
  const tags = parseTagging(input.Tagging);
  checkWriteConditions(store.get(bucket.Name, input.Key), input);
  const body = input.Body;
  if (!body) throw new InvalidRequest(undefined, 'A request body is required');
  const staged = await store.stage(body);
  const digests = body.digests!;
  let version: ObjectVersion;
  try {
    // The key may have changed while the body streamed.
    checkWriteConditions(store.get(bucket.Name, input.Key), input);
    version = {
      bucket: bucket.Name,
      key: input.Key,
      versionId: newVersionId(ctx, bucket),
      isLatest: true,
      deleteMarker: false,
      size: staged.size,
      etag: `"${digests.md5}"`,
      lastModified: ctx.clock.now(),
      content: contentOf(input),
      metadata: metadataOf(input.Metadata),
      tags,
      ...(digests.checksum && { checksum: { ...digests.checksum, type: 'FULL_OBJECT' as const } }),
      body: staged.body,
    };
    store.commit(version, bucket.Versioning === 'Enabled');
  } catch (error) {
    await store.discard(staged.body);
    throw error;
  }
  logStored(ctx, 'PutObject', body, { bucket: bucket.Name, key: input.Key });
  objectEvent(ctx, bucket, { type: 'Object Created', reason: 'PutObject', version }, call);
  return { ETag: version.etag, VersionId: versionMember(version.versionId), ...checksumMembers(version.checksum) };
}

// Conditional writes: If-None-Match `*` (create only) and If-Match (replace only that ETag).
function checkWriteConditions(current: ObjectVersion | undefined, input: { IfNoneMatch?: string; IfMatch?: string }): void {
  const exists = current !== undefined && !current.deleteMarker;
  if (input.IfNoneMatch !== undefined && exists) throw new PreconditionFailed('If-None-Match');
  if (input.IfMatch !== undefined) {
    if (!exists) throw new NoSuchKey(undefined);
    if (input.IfMatch !== '*' && input.IfMatch.replace(/"/g, '') !== current.etag.replace(/"/g, '')) throw new PreconditionFailed('If-Match');
  }
}

/** The version a read names: the latest, or the given one; S3's errors for none and for a delete marker. */
export function readableVersion(ctx: ControlContext, bucket: string, key: string, versionId?: string): ObjectVersion {
  const version = objectStore(ctx).get(bucket, key, versionId);
  if (!version) throw versionId === undefined ? new NoSuchKey(key) : new NoSuchVersion(versionId);
  // A GET of a delete marker by its id is not allowed; without one the key is simply gone.
  if (version.deleteMarker) throw versionId === undefined ? new NoSuchKey(key) : new MethodNotAllowed();
  return version;
}

interface GetObjectInput extends Conditions {
  Bucket: string;
  Key: string;
  VersionId?: string;
  Range?: string;
  PartNumber?: number;
  ChecksumMode?: string;
  ResponseContentType?: string;
  ResponseContentDisposition?: string;
  ResponseContentEncoding?: string;
  ResponseContentLanguage?: string;
  ResponseCacheControl?: string;
  ResponseExpires?: Date;
}

function describe(version: ObjectVersion, input: GetObjectInput) {
  checkConditions(input, version);
  const range = parseRange(input.Range, version.size);
  const whole = !range;
  return {
    range,
    output: {
      ...version.content,
      ContentType: input.ResponseContentType ?? version.content.ContentType ?? 'binary/octet-stream',
      ...(input.ResponseContentDisposition && { ContentDisposition: input.ResponseContentDisposition }),
      ...(input.ResponseContentEncoding && { ContentEncoding: input.ResponseContentEncoding }),
      ...(input.ResponseContentLanguage && { ContentLanguage: input.ResponseContentLanguage }),
      ...(input.ResponseCacheControl && { CacheControl: input.ResponseCacheControl }),
      ...(input.ResponseExpires && { Expires: input.ResponseExpires.toUTCString() }),
      AcceptRanges: 'bytes',
      LastModified: version.lastModified,
      ETag: version.etag,
      ContentLength: range ? range.end - range.start + 1 : version.size,
      ...(range && { ContentRange: `bytes ${range.start}-${range.end}/${version.size}`, $status: 206 }),
      VersionId: versionMember(version.versionId),
      Metadata: version.metadata,
      ...(version.tags.length > 0 && { TagCount: version.tags.length }),
      ...(version.parts && { PartsCount: version.parts }),
      // A checksum describes the whole object: sent only for it, and when asked.
      ...(whole && input.ChecksumMode === 'ENABLED' && checksumMembers(version.checksum)),
    },
  };
}

export function getObject(ctx: ControlContext, input: GetObjectInput) {
  resolveBucket(ctx, input.Bucket);
  const version = readableVersion(ctx, input.Bucket, input.Key, input.VersionId);
  const { range, output } = describe(version, input);
  return { ...output, Body: objectStore(ctx).open(version.body!, range) };
}

export function headObject(ctx: ControlContext, input: GetObjectInput) {
  resolveBucket(ctx, input.Bucket);
  return describe(readableVersion(ctx, input.Bucket, input.Key, input.VersionId), input).output;
}

/** Deletes as S3 does: a version by id for good; else the `null` version (versioning off) or a new delete marker. */
export async function deleteOne(ctx: ControlContext, bucket: BucketRecord, key: string, versionId: string | undefined, call?: CallContext, reason: 'DeleteObject' | 'Lifecycle Expiration' = 'DeleteObject') {
  const store = objectStore(ctx);
  if (versionId !== undefined) {
    const removed = store.remove(bucket.Name, key, versionId);
    if (removed) objectEvent(ctx, bucket, { type: 'Object Deleted', reason, version: removed, deletionType: 'Permanently Deleted' }, call);
    return { VersionId: versionId, DeleteMarker: removed?.deleteMarker || undefined };
  }
  if (!bucket.Versioning) {
    const removed = store.remove(bucket.Name, key, 'null');
    if (removed) objectEvent(ctx, bucket, { type: 'Object Deleted', reason, version: removed, deletionType: 'Permanently Deleted' }, call);
    return {};
  }
  const marker: ObjectVersion = {
    bucket: bucket.Name,
    key,
    versionId: newVersionId(ctx, bucket),
    isLatest: true,
    deleteMarker: true,
    size: 0,
    etag: '',
    lastModified: ctx.clock.now(),
    content: {},
    metadata: {},
    tags: [],
  };
  store.commit(marker, bucket.Versioning === 'Enabled');
  objectEvent(ctx, bucket, { type: 'Object Deleted', reason, version: marker, deletionType: 'Delete Marker Created' }, call);
  return { DeleteMarker: true, VersionId: versionMember(marker.versionId) };
}

export async function deleteObject(ctx: ControlContext, input: { Bucket: string; Key: string; VersionId?: string; IfMatch?: string }, call: CallContext) {
  const bucket = resolveBucket(ctx, input.Bucket);
  if (input.IfMatch !== undefined) {
    const current = objectStore(ctx).get(bucket.Name, input.Key);
    if (current && !current.deleteMarker && input.IfMatch !== '*' && input.IfMatch.replace(/"/g, '') !== current.etag.replace(/"/g, '')) throw new PreconditionFailed('If-Match');
  }
  return deleteOne(ctx, bucket, input.Key, input.VersionId, call);
}

export async function deleteObjects(ctx: ControlContext, input: { Bucket: string; Delete: { Objects: { Key: string; VersionId?: string }[]; Quiet?: boolean } }, call: CallContext) {
  const bucket = resolveBucket(ctx, input.Bucket);
  const objects = input.Delete.Objects ?? [];
  if (objects.length === 0 || objects.length > 1000) throw new MalformedXML();
  const Deleted: Record<string, unknown>[] = [];
  const Errors: Record<string, unknown>[] = [];
  for (const { Key, VersionId } of objects) {
    try {
      const result = await deleteOne(ctx, bucket, Key, VersionId, call);
      if (!input.Delete.Quiet)
        Deleted.push({ Key, VersionId, ...(result.DeleteMarker && { DeleteMarker: true }), ...(result.DeleteMarker && !VersionId && { DeleteMarkerVersionId: result.VersionId }) });
    } catch (error) {
      if (!(error instanceof S3Error)) throw error;
      Errors.push({ Key, VersionId, Code: error.code, Message: error.message });
    }
  }
  return { Deleted, Errors };
}

/** x-amz-copy-source: `bucket/key` (URL-encoded, maybe with a leading `/`), maybe `?versionId=`. */
export function parseCopySource(source: string): { bucket: string; key: string; versionId?: string } {
  const [path, query] = source.replace(/^\//, '').split('?', 2) as [string, string | undefined];
  const slash = path.indexOf('/');
  let decoded: [string, string];
  try {
    decoded = [decodeURIComponent(path.slice(0, slash)), decodeURIComponent(path.slice(slash + 1))];
  } catch {
    throw new InvalidArgument('x-amz-copy-source', 'Invalid copy source encoding');
  }
  if (slash <= 0 || decoded[1] === '') throw new InvalidArgument('x-amz-copy-source', 'Invalid copy source object key');
  const versionId = query ? (new URLSearchParams(query).get('versionId') ?? undefined) : undefined;
  return { bucket: decoded[0], key: decoded[1], versionId };
}

interface CopyObjectInput extends ContentInput {
  Bucket: string;
  Key: string;
  CopySource: string;
  MetadataDirective?: 'COPY' | 'REPLACE';
  TaggingDirective?: 'COPY' | 'REPLACE';
  CopySourceIfMatch?: string;
  CopySourceIfNoneMatch?: string;
  CopySourceIfModifiedSince?: Date;
  CopySourceIfUnmodifiedSince?: Date;
}

/** The source version of a copy, its conditions checked (S3 answers 412 where a GET would answer 304). */
export function copySource(ctx: ControlContext, input: Pick<CopyObjectInput, 'CopySource' | 'CopySourceIfMatch' | 'CopySourceIfNoneMatch' | 'CopySourceIfModifiedSince' | 'CopySourceIfUnmodifiedSince'>) {
  const source = parseCopySource(input.CopySource);
  resolveBucket(ctx, source.bucket);
  const version = readableVersion(ctx, source.bucket, source.key, source.versionId);
  try {
    checkConditions({ IfMatch: input.CopySourceIfMatch, IfNoneMatch: input.CopySourceIfNoneMatch, IfModifiedSince: input.CopySourceIfModifiedSince, IfUnmodifiedSince: input.CopySourceIfUnmodifiedSince }, version);
  } catch (error) {
    if (error instanceof S3Error && error.status === 304) throw new PreconditionFailed('x-amz-copy-source-If-None-Match');
    throw error;
  }
  return version;
}

export async function copyObject(ctx: ControlContext, input: CopyObjectInput, call: CallContext) {
  const bucket = resolveBucket(ctx, input.Bucket);
  const source = copySource(ctx, input);
  const replace = input.MetadataDirective === 'REPLACE';
  if (source.bucket === bucket.Name && source.key === input.Key && !replace && !bucket.Versioning && input.TaggingDirective !== 'REPLACE')
    throw new InvalidRequest(
      undefined,
      "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
    );
  const store = objectStore(ctx);
  const body = await store.duplicate(source.body!);
  const version: ObjectVersion = {
    ...source,
    bucket: bucket.Name,
    key: input.Key,
    versionId: newVersionId(ctx, bucket),
    isLatest: true,
    lastModified: ctx.clock.now(),
    content: replace ? contentOf(input) : source.content,
    metadata: replace ? metadataOf(input.Metadata) : source.metadata,
    tags: input.TaggingDirective === 'REPLACE' ? parseTagging(input.Tagging) : source.tags,
    body,
  };
  try {
    store.commit(version, bucket.Versioning === 'Enabled');
  } catch (error) {
    await store.discard(body);
    throw error;
  }
  objectEvent(ctx, bucket, { type: 'Object Created', reason: 'CopyObject', version }, call);
  return {
    CopyObjectResult: { ETag: version.etag, LastModified: version.lastModified, ...checksumMembers(version.checksum) },
    VersionId: versionMember(version.versionId),
    CopySourceVersionId: versionMember(source.versionId),
  };
}

export function getObjectTagging(ctx: ControlContext, input: { Bucket: string; Key: string; VersionId?: string }) {
  resolveBucket(ctx, input.Bucket);
  const version = readableVersion(ctx, input.Bucket, input.Key, input.VersionId);
  return { TagSet: version.tags, VersionId: versionMember(version.versionId) };
}

export function putObjectTagging(ctx: ControlContext, input: { Bucket: string; Key: string; VersionId?: string; Tagging: { TagSet: Tag[] } }) {
  resolveBucket(ctx, input.Bucket);
  const version = readableVersion(ctx, input.Bucket, input.Key, input.VersionId);
  objectStore(ctx).setTags(input.Bucket, input.Key, version.versionId, checkTags(input.Tagging.TagSet ?? [], 10));
  return { VersionId: versionMember(version.versionId) };
}

export function deleteObjectTagging(ctx: ControlContext, input: { Bucket: string; Key: string; VersionId?: string }) {
  resolveBucket(ctx, input.Bucket);
  const version = readableVersion(ctx, input.Bucket, input.Key, input.VersionId);
  objectStore(ctx).setTags(input.Bucket, input.Key, version.versionId, []);
  return { VersionId: versionMember(version.versionId) };
}

/** ELBv2 trust stores' reads: a whole (small) object, or undefined. */
export async function readObject(ctx: ControlContext, bucket: string, key: string, versionId?: string): Promise<Uint8Array | undefined> {
  const version = objectStore(ctx).get(bucket, key, versionId);
  if (!version || version.deleteMarker || !ctx.state.get('bucket', bucket)) return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of objectStore(ctx).open(version.body!)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
