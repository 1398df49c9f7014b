// Listings: ListObjectsV2 (continuation tokens), ListObjects (markers), ListObjectVersions, with prefixes,
// delimiters (common prefixes count as entries), at most 1,000 entries a page, and `encoding-type=url`.
import { InvalidArgument } from '../../core/s3-errors.js';
import { encodeKey, listPage, type ObjectVersion } from '../../core/s3.js';
import type { ControlContext } from '../context.js';
import { objectStore, owner, resolveBucket } from './buckets.js';

const MAX_KEYS = 1000;

interface ListInput {
  Bucket: string;
  Prefix?: string;
  Delimiter?: string;
  MaxKeys?: number;
  EncodingType?: string;
}

function page(ctx: ControlContext, input: ListInput, after: string) {
  const bucket = resolveBucket(ctx, input.Bucket);
  const prefix = input.Prefix ?? '';
  const maxKeys = Math.min(input.MaxKeys ?? MAX_KEYS, MAX_KEYS);
  if (maxKeys < 0) throw new InvalidArgument('max-keys', 'Argument maxKeys must be an integer between 0 and 2147483647');
  const store = objectStore(ctx);
  // A marker that is a common prefix stands for all of its keys.
  const start = input.Delimiter && after.startsWith(prefix) && after.endsWith(input.Delimiter) ? `${after}\u{10ffff}` : after;
  const result = listPage((from, limit) => store.listLatest(bucket.Name, prefix, from, limit), { prefix, delimiter: input.Delimiter || undefined, after: start, maxKeys });
  const encode = (key: string) => encodeKey(key, input.EncodingType);
  return {
    bucket,
    result,
    common: {
      Name: bucket.Name,
      Prefix: encode(prefix),
      Delimiter: input.Delimiter ? encode(input.Delimiter) : undefined,
      MaxKeys: maxKeys,
      EncodingType: input.EncodingType,
      IsTruncated: result.truncated,
      Contents: result.contents.map((version) => entry(version, encode)),
      CommonPrefixes: result.commonPrefixes.map((common) => ({ Prefix: encode(common) })),
    },
  };
}

const entry = (version: ObjectVersion, encode: (key: string) => string, withOwner = false) => ({
  Key: encode(version.key),
  LastModified: version.lastModified,
  ETag: version.etag,
  Size: version.size,
  StorageClass: 'STANDARD',
  ...(version.checksum && { ChecksumAlgorithm: [version.checksum.algorithm.toUpperCase()], ChecksumType: version.checksum.type }),
  ...(withOwner && { Owner: owner(version.bucket) }),
});

const token = (position: string) => Buffer.from(position, 'utf8').toString('base64url');

function untoken(value: string): string {
  const position = Buffer.from(value, 'base64url').toString('utf8');
  if (token(position) !== value) throw new InvalidArgument('continuation-token', 'The continuation token provided is incorrect');
  return position;
}

export function listObjectsV2(ctx: ControlContext, input: ListInput & { ContinuationToken?: string; StartAfter?: string; FetchOwner?: boolean }) {
  const after = input.ContinuationToken !== undefined ? untoken(input.ContinuationToken) : (input.StartAfter ?? '');
  const { bucket, result, common } = page(ctx, input, after);
  return {
    ...common,
    Contents: input.FetchOwner ? result.contents.map((version) => ({ ...entry(version, (key) => encodeKey(key, input.EncodingType)), Owner: owner(bucket.accountId) })) : common.Contents,
    KeyCount: result.contents.length + result.commonPrefixes.length,
    ContinuationToken: input.ContinuationToken,
    NextContinuationToken: result.truncated ? token(result.next) : undefined,
    StartAfter: input.StartAfter !== undefined ? encodeKey(input.StartAfter, input.EncodingType) : undefined,
  };
}

export function listObjects(ctx: ControlContext, input: ListInput & { Marker?: string }) {
  const { bucket, result, common } = page(ctx, input, input.Marker ?? '');
  return {
    ...common,
    Contents: result.contents.map((version) => ({ ...entry(version, (key) => encodeKey(key, input.EncodingType)), Owner: owner(bucket.accountId) })),
    Marker: input.Marker ?? '',
    // S3 gives NextMarker only with a delimiter; clients take the last key otherwise.
    NextMarker: result.truncated && input.Delimiter && result.last ? encodeKey(result.last, input.EncodingType) : undefined,
  };
}

export function listObjectVersions(ctx: ControlContext, input: ListInput & { KeyMarker?: string; VersionIdMarker?: string }) {
  const bucket = resolveBucket(ctx, input.Bucket);
  const maxKeys = Math.min(input.MaxKeys ?? MAX_KEYS, MAX_KEYS);
  const prefix = input.Prefix ?? '';
  const rows = objectStore(ctx).listVersions(bucket.Name, prefix, input.KeyMarker ?? '', input.VersionIdMarker, maxKeys + 1);
  const shown = rows.slice(0, maxKeys);
  const truncated = rows.length > maxKeys;
  const encode = (key: string) => encodeKey(key, input.EncodingType);
  const base = (version: ObjectVersion) => ({ Key: encode(version.key), VersionId: version.versionId, IsLatest: version.isLatest, LastModified: version.lastModified, Owner: owner(bucket.accountId) });
  return {
    Name: bucket.Name,
    Prefix: encode(prefix),
    KeyMarker: input.KeyMarker ?? '',
    VersionIdMarker: input.VersionIdMarker,
    MaxKeys: maxKeys,
    EncodingType: input.EncodingType,
    IsTruncated: truncated,
    Versions: shown.filter((version) => !version.deleteMarker).map((version) => ({ ...base(version), ETag: version.etag, Size: version.size, StorageClass: 'STANDARD' })),
    DeleteMarkers: shown.filter((version) => version.deleteMarker).map(base),
    NextKeyMarker: truncated ? encode(shown.at(-1)!.key) : undefined,
    NextVersionIdMarker: truncated ? shown.at(-1)!.versionId : undefined,
  };
}
