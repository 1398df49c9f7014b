// Multipart uploads: create, upload a part (streamed) or copy one from an object's range, list parts and
// uploads, complete (parts checked as S3 checks them, then joined into one body) and abort.
import { createHash } from 'node:crypto';
import { Transform, pipeline } from 'node:stream';
import type { CallContext } from '../../core/caller.js';
import { EntityTooLarge, InvalidArgument, InvalidRange, InvalidRequest, NoSuchUpload } from '../../core/s3-errors.js';
import { completedParts, MAX_OBJECT_SIZE, MAX_PUT_SIZE, multipartEtag, parseTagging, type MultipartUpload, type ObjectVersion } from '../../core/s3.js';
import type { ControlContext } from '../context.js';
import { objectStore, owner, resolveBucket } from './buckets.js';
import { objectEvent } from './events.js';
import { contentOf, copySource, logStored, metadataOf, newVersionId, type ContentInput, type PayloadBody } from './objects.js';

const MAX_PARTS = 1000;

function resolveUpload(ctx: ControlContext, bucket: string, key: string, uploadId: string): MultipartUpload {
  const upload = objectStore(ctx).getUpload(uploadId);
  if (!upload || upload.bucket !== bucket || upload.key !== key) throw new NoSuchUpload(uploadId);
  return upload;
}

function checkPartNumber(partNumber: number): void {
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > 10_000) throw new InvalidArgument('partNumber', 'Part number must be an integer between 1 and 10000, inclusive');
}

export function createMultipartUpload(ctx: ControlContext, input: ContentInput & { Bucket: string; Key: string; ChecksumAlgorithm?: string }) {
  const bucket = resolveBucket(ctx, input.Bucket);
  const upload: MultipartUpload = {
    uploadId: Buffer.from(ctx.ids.id() + ctx.ids.id()).toString('base64url'),
    bucket: bucket.Name,
    key: input.Key,
    initiated: ctx.clock.now(),
    content: contentOf(input),
    metadata: metadataOf(input.Metadata),
    tags: parseTagging(input.Tagging),
    ...(input.ChecksumAlgorithm && { checksumAlgorithm: input.ChecksumAlgorithm }),
  };
  objectStore(ctx).createUpload(upload);
  return { Bucket: bucket.Name, Key: input.Key, UploadId: upload.uploadId, ChecksumAlgorithm: input.ChecksumAlgorithm };
}

export async function uploadPart(ctx: ControlContext, input: { Bucket: string; Key: string; UploadId: string; PartNumber: number; Body?: PayloadBody; ContentLength?: number }) {
  resolveBucket(ctx, input.Bucket);
  resolveUpload(ctx, input.Bucket, input.Key, input.UploadId);
  checkPartNumber(input.PartNumber);
  if ((input.ContentLength ?? 0) > MAX_PUT_SIZE) throw new EntityTooLarge();
  if (!input.Body) throw new InvalidRequest(undefined, 'A request body is required');
  const store = objectStore(ctx);
  const staged = await store.stage(input.Body);
  const { md5, checksum } = input.Body.digests!;
  const etag = `"${md5}"`;
  try {
    // An abort while the part streamed leaves nothing to add it to.
    resolveUpload(ctx, input.Bucket, input.Key, input.UploadId);
    store.putPart(input.UploadId, { partNumber: input.PartNumber, size: staged.size, etag, lastModified: ctx.clock.now(), checksum: checksum?.value, body: staged.body });
  } catch (error) {
    await store.discard(staged.body);
    throw error;
  }
  logStored(ctx, 'UploadPart', input.Body, { bucket: input.Bucket, key: input.Key, partNumber: input.PartNumber });
  return { ETag: etag, ...(checksum && { [`Checksum${checksum.algorithm.toUpperCase()}`]: checksum.value }) };
}

export async function uploadPartCopy(ctx: ControlContext, input: { Bucket: string; Key: string; UploadId: string; PartNumber: number; CopySource: string; CopySourceRange?: string }) {
  resolveBucket(ctx, input.Bucket);
  resolveUpload(ctx, input.Bucket, input.Key, input.UploadId);
  checkPartNumber(input.PartNumber);
  const source = copySource(ctx, input as Parameters<typeof copySource>[1]);
  let range: { start: number; end: number } | undefined;
  if (input.CopySourceRange !== undefined) {
    const match = /^bytes=(\d+)-(\d+)$/.exec(input.CopySourceRange);
    if (!match || Number(match[2]) < Number(match[1])) throw new InvalidArgument('x-amz-copy-source-range', 'The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy');
    range = { start: Number(match[1]), end: Number(match[2]) };
    if (range.end >= source.size) throw new InvalidRange(input.CopySourceRange);
  }
  const store = objectStore(ctx);
  const md5 = createHash('md5');
  // Hashed as the store takes it (a 'data' listener here would set it flowing before the store reads it).
  const hashed = new Transform({ transform: (chunk: Buffer, _encoding, callback) => callback(null, md5.update(chunk) && chunk) });
  const staged = await store.stage(pipeline(store.open(source.body!, range), hashed, () => undefined));
  const etag = `"${md5.digest('hex')}"`;
  const lastModified = ctx.clock.now();
  store.putPart(input.UploadId, { partNumber: input.PartNumber, size: staged.size, etag, lastModified, body: staged.body });
  return { CopyPartResult: { ETag: etag, LastModified: lastModified }, CopySourceVersionId: source.versionId === 'null' ? undefined : source.versionId };
}

export function listParts(ctx: ControlContext, input: { Bucket: string; Key: string; UploadId: string; MaxParts?: number; PartNumberMarker?: string }) {
  const bucket = resolveBucket(ctx, input.Bucket);
  const upload = resolveUpload(ctx, input.Bucket, input.Key, input.UploadId);
  const marker = Number(input.PartNumberMarker ?? 0);
  const max = Math.min(input.MaxParts ?? MAX_PARTS, MAX_PARTS);
  const parts = objectStore(ctx).listParts(input.UploadId).filter((part) => part.partNumber > marker);
  const shown = parts.slice(0, max);
  const algorithm = upload.checksumAlgorithm?.toUpperCase();
  return {
    Bucket: bucket.Name,
    Key: input.Key,
    UploadId: input.UploadId,
    PartNumberMarker: String(marker),
    NextPartNumberMarker: shown.length ? String(shown.at(-1)!.partNumber) : undefined,
    MaxParts: max,
    IsTruncated: parts.length > max,
    Parts: shown.map((part) => ({
      PartNumber: part.partNumber,
      LastModified: part.lastModified,
      ETag: part.etag,
      Size: part.size,
      ...(algorithm && part.checksum && { [`Checksum${algorithm}`]: part.checksum }),
    })),
    Initiator: owner(bucket.accountId),
    Owner: owner(bucket.accountId),
    StorageClass: 'STANDARD',
    ChecksumAlgorithm: algorithm,
  };
}

export function listMultipartUploads(ctx: ControlContext, input: { Bucket: string; Prefix?: string; KeyMarker?: string; MaxUploads?: number }) {
  const bucket = resolveBucket(ctx, input.Bucket);
  const max = Math.min(input.MaxUploads ?? MAX_PARTS, MAX_PARTS);
  const uploads = objectStore(ctx).listUploads(bucket.Name, input.Prefix ?? '', input.KeyMarker ?? '', max + 1);
  const shown = uploads.slice(0, max);
  return {
    Bucket: bucket.Name,
    Prefix: input.Prefix,
    KeyMarker: input.KeyMarker ?? '',
    MaxUploads: max,
    IsTruncated: uploads.length > max,
    NextKeyMarker: uploads.length > max ? shown.at(-1)!.key : undefined,
    Uploads: shown.map((upload) => ({ UploadId: upload.uploadId, Key: upload.key, Initiated: upload.initiated, StorageClass: 'STANDARD', Owner: owner(bucket.accountId), Initiator: owner(bucket.accountId) })),
  };
}

export async function completeMultipartUpload(
  ctx: ControlContext,
  input: { Bucket: string; Key: string; UploadId: string; MultipartUpload?: { Parts?: { PartNumber?: number; ETag?: string }[] } },
  call: CallContext,
) {
  const bucket = resolveBucket(ctx, input.Bucket);
  const upload = resolveUpload(ctx, input.Bucket, input.Key, input.UploadId);
  const store = objectStore(ctx);
  const parts = completedParts(input.MultipartUpload?.Parts ?? [], store.listParts(input.UploadId));
  if (parts.reduce((sum, part) => sum + part.size, 0) > MAX_OBJECT_SIZE) throw new EntityTooLarge();
  const staged = await store.concatenate(parts);
  const version: ObjectVersion = {
    bucket: bucket.Name,
    key: upload.key,
    versionId: newVersionId(ctx, bucket),
    isLatest: true,
    deleteMarker: false,
    size: staged.size,
    etag: multipartEtag(parts.map((part) => part.etag)),
    lastModified: ctx.clock.now(),
    content: upload.content,
    metadata: upload.metadata,
    tags: upload.tags,
    parts: parts.length,
    body: staged.body,
  };
  try {
    // Completed once: a concurrent complete or abort finds the upload gone.
    resolveUpload(ctx, input.Bucket, input.Key, input.UploadId);
    store.commit(version, bucket.Versioning === 'Enabled');
  } catch (error) {
    await store.discard(staged.body);
    throw error;
  }
  store.removeUpload(input.UploadId);
  objectEvent(ctx, bucket, { type: 'Object Created', reason: 'CompleteMultipartUpload', version }, call);
  return {
    Location: `/${bucket.Name}/${encodeURIComponent(upload.key).replace(/%2F/g, '/')}`,
    Bucket: bucket.Name,
    Key: upload.key,
    ETag: version.etag,
    VersionId: version.versionId === 'null' ? undefined : version.versionId,
  };
}

export function abortMultipartUpload(ctx: ControlContext, input: { Bucket: string; Key: string; UploadId: string }) {
  resolveBucket(ctx, input.Bucket);
  resolveUpload(ctx, input.Bucket, input.Key, input.UploadId);
  objectStore(ctx).removeUpload(input.UploadId);
  return {};
}
