// Amazon S3 as Wharf keeps it. Buckets (and their configurations) are records in State, one namespace for
// every region as on AWS (a bucket lives in the region it was created for). Objects are bulk data (decision
// 0002): their metadata and bodies go through the ObjectStore port (decision 0003 for its layout). The pure
// rules S3 applies (bucket names, ranges, conditional requests, listing with delimiters, lifecycle
// expiration, multipart ETags) live here.
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import {
  EntityTooSmall,
  InvalidArgument,
  InvalidBucketName,
  InvalidPart,
  InvalidPartOrder,
  InvalidRange,
  InvalidTag,
  NotModified,
  PreconditionFailed,
} from './s3-errors.js';

export interface Tag {
  Key: string;
  Value: string;
}

/** A CORS rule as PutBucketCors gives it. */
export interface CorsRule {
  ID?: string;
  AllowedHeaders?: string[];
  AllowedMethods: string[];
  AllowedOrigins: string[];
  ExposeHeaders?: string[];
  MaxAgeSeconds?: number;
}

/** A lifecycle rule (the expiration parts Wharf applies; the rest is kept as given). */
export interface LifecycleRule {
  ID?: string;
  Status: 'Enabled' | 'Disabled';
  Prefix?: string;
  Filter?: { Prefix?: string; Tag?: Tag; ObjectSizeGreaterThan?: number; ObjectSizeLessThan?: number; And?: { Prefix?: string; Tags?: Tag[]; ObjectSizeGreaterThan?: number; ObjectSizeLessThan?: number } };
  Expiration?: { Days?: number; Date?: Date | string; ExpiredObjectDeleteMarker?: boolean };
  NoncurrentVersionExpiration?: { NoncurrentDays?: number; NewerNoncurrentVersions?: number };
  AbortIncompleteMultipartUpload?: { DaysAfterInitiation?: number };
  [other: string]: unknown;
}

export interface BucketRecord {
  Name: string;
  /** The region it was created for: GetBucketLocation, and where its events go. */
  region: string;
  CreationDate: Date;
  /** The owning account. */
  accountId: string;
  Versioning?: 'Enabled' | 'Suspended';
  tags?: Tag[];
  /** The bucket policy, as JSON text. */
  policy?: string;
  cors?: CorsRule[];
  lifecycle?: LifecycleRule[];
  /** PutBucketNotificationConfiguration's configuration, as given. */
  notification?: Record<string, unknown>;
  ObjectOwnership?: string;
}

declare module './records.js' {
  interface RecordKinds {
    bucket: BucketRecord;
  }
}

/** Content headers S3 keeps with an object and gives back on GET/HEAD. */
export interface ContentHeaders {
  ContentType?: string;
  CacheControl?: string;
  ContentDisposition?: string;
  ContentEncoding?: string;
  ContentLanguage?: string;
  Expires?: string;
}

/** The checksum S3 keeps with an object (Base64; a multipart object's is `<checksum of checksums>-<parts>`). */
export interface ObjectChecksum {
  algorithm: string;
  value: string;
  type: 'FULL_OBJECT' | 'COMPOSITE';
}

/** One version of an object (the only one, `null`, in an unversioned bucket), or a delete marker. */
export interface ObjectVersion {
  bucket: string;
  key: string;
  /** `null` when written with versioning off or suspended. */
  versionId: string;
  isLatest: boolean;
  deleteMarker: boolean;
  size: number;
  etag: string;
  lastModified: Date;
  content: ContentHeaders;
  /** User metadata (x-amz-meta-*), names lower-case. */
  metadata: Record<string, string>;
  tags: Tag[];
  checksum?: ObjectChecksum;
  /** The number of parts of a multipart object. */
  parts?: number;
  /** The stored body (the store's own name for it); none for a delete marker. */
  body?: string;
}

/** An upload in progress. */
export interface MultipartUpload {
  uploadId: string;
  bucket: string;
  key: string;
  initiated: Date;
  content: ContentHeaders;
  metadata: Record<string, string>;
  tags: Tag[];
  checksumAlgorithm?: string;
}

export interface UploadedPart {
  partNumber: number;
  size: number;
  etag: string;
  lastModified: Date;
  checksum?: string;
  body: string;
}

/** A body written to the store but not yet part of any object. */
export interface StagedBody {
  body: string;
  size: number;
}

export interface ListedVersions {
  versions: ObjectVersion[];
  truncated: boolean;
}

/**
 * S3's objects (decision 0002): bodies on disk, metadata rows beside them. Bodies are written first
 * (`stage`), then a version commits (`commit`), so a body whose checks fail is discarded and never seen.
 */
export interface ObjectStore {
  /** Writes a body to the store (durable once it resolves); rejects, leaving nothing, if the stream fails. */
  stage(body: Readable): Promise<StagedBody>;
  /** A staged body that did not become an object. */
  discard(body: string): Promise<void>;
  /** A new body with the same bytes (CopyObject): cheap where the store can share them. */
  duplicate(body: string): Promise<string>;
  /** The bytes of a body, `range` inclusive. */
  open(body: string, range?: { start: number; end: number }): Readable;
  /**
   * Makes `version` the latest of its key. Unless `keepOthers` (versioning enabled), the key's `null` version
   * (if any) is replaced; replaced bodies are removed.
   */
  commit(version: ObjectVersion, keepOthers: boolean): void;
  /** The latest version of a key (maybe a delete marker), or the given version. */
  get(bucket: string, key: string, versionId?: string): ObjectVersion | undefined;
  /** Removes one version (its body too); the next newest becomes latest. */
  remove(bucket: string, key: string, versionId: string): ObjectVersion | undefined;
  setTags(bucket: string, key: string, versionId: string, tags: Tag[]): void;
  /** The latest versions that are not delete markers, keys after `after` starting with `prefix`, in key order. */
  listLatest(bucket: string, prefix: string, after: string, limit: number): ObjectVersion[];
  /** Every version and delete marker, by key then newest first, from (keyMarker, versionMarker) exclusive. */
  listVersions(bucket: string, prefix: string, keyMarker: string, versionMarker: string | undefined, limit: number): ObjectVersion[];
  /** Whether the bucket holds any version, delete marker or upload. */
  isEmpty(bucket: string): boolean;

  createUpload(upload: MultipartUpload): void;
  getUpload(uploadId: string): MultipartUpload | undefined;
  listUploads(bucket: string, prefix: string, keyMarker: string, limit: number): MultipartUpload[];
  /** Records a part (replacing one of the same number, whose body is removed). */
  putPart(uploadId: string, part: UploadedPart): void;
  listParts(uploadId: string): UploadedPart[];
  /** Removes the upload and its parts' bodies. */
  removeUpload(uploadId: string): void;
  /** Concatenates parts' bodies into a new staged body. */
  concatenate(parts: readonly UploadedPart[]): Promise<StagedBody>;

  /** Every version of every key of a bucket (the lifecycle controller's walk). */
  walk(bucket: string, visit: (version: ObjectVersion) => void): void;
  /** Removes every object and upload (Wharf's reset). */
  clear(): Promise<void>;
  close(): Promise<void>;
}

// Bucket names (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html).
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const RESERVED_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'];
const RESERVED_SUFFIXES = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'];

export function checkBucketName(name: string): void {
  const valid =
    BUCKET_NAME.test(name) &&
    !name.includes('..') &&
    !/^\d+\.\d+\.\d+\.\d+$/.test(name) &&
    !RESERVED_PREFIXES.some((prefix) => name.startsWith(prefix)) &&
    !RESERVED_SUFFIXES.some((suffix) => name.endsWith(suffix));
  if (!valid) throw new InvalidBucketName(name);
}

export const bucketArn = (name: string) => `arn:aws:s3:::${name}`;

/** `bytes=a-b`, `bytes=a-`, `bytes=-n` against a size: the inclusive range, undefined to send it all. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | undefined {
  if (header === undefined) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  // S3 ignores a Range it cannot parse (and several ranges), and sends the whole object.
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  let start: number;
  let end: number;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0) throw new InvalidRange(header);
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
    if (match[2] !== '' && Number(match[2]) < start) return undefined;
  }
  if (start >= size) throw new InvalidRange(header);
  return { start, end };
}

export interface Conditions {
  IfMatch?: string;
  IfNoneMatch?: string;
  IfModifiedSince?: Date;
  IfUnmodifiedSince?: Date;
}

const etagMatches = (condition: string, etag: string) =>
  condition
    .split(',')
    .map((item) => item.trim())
    .some((item) => item === '*' || item === etag || `"${item}"` === etag);

/** GET/HEAD's conditional headers, in S3's order of precedence (RFC 7232 as S3 applies it). */
export function checkConditions(conditions: Conditions, object: Pick<ObjectVersion, 'etag' | 'lastModified'>): void {
  const modified = Math.floor(object.lastModified.getTime() / 1000);
  const ifMatch = conditions.IfMatch !== undefined;
  if (ifMatch && !etagMatches(conditions.IfMatch!, object.etag)) throw new PreconditionFailed('If-Match');
  if (!ifMatch && conditions.IfUnmodifiedSince && modified > Math.floor(conditions.IfUnmodifiedSince.getTime() / 1000))
    throw new PreconditionFailed('If-Unmodified-Since');
  if (conditions.IfNoneMatch !== undefined) {
    if (etagMatches(conditions.IfNoneMatch, object.etag)) throw new NotModified();
  } else if (conditions.IfModifiedSince && modified <= Math.floor(conditions.IfModifiedSince.getTime() / 1000)) {
    throw new NotModified();
  }
}

/**
 * One page of a listing with a delimiter: keys (and common prefixes, each counted once) after `after`, at most
 * `maxKeys` entries together. `next(after, limit)` reads the store's keys in order. `next` of the result is
 * where the following page starts (after the last entry, past all of a common prefix's keys).
 */
export function listPage(
  next: (after: string, limit: number) => ObjectVersion[],
  options: { prefix: string; delimiter?: string; after: string; maxKeys: number },
): { contents: ObjectVersion[]; commonPrefixes: string[]; truncated: boolean; last?: string; next: string } {
  const { prefix, delimiter, maxKeys } = options;
  const contents: ObjectVersion[] = [];
  const commonPrefixes: string[] = [];
  let after = options.after;
  let last: string | undefined;
  while (true) {
    const batch = next(after, Math.max(maxKeys + 1, 100));
    if (batch.length === 0) return { contents, commonPrefixes, truncated: false, last, next: after };
    for (const version of batch) {
      const cut = delimiter ? version.key.indexOf(delimiter, prefix.length) : -1;
      const entry = cut >= 0 ? version.key.slice(0, cut + delimiter!.length) : version.key;
      // Keys under the common prefix just listed: the store's page started before the prefix was skipped.
      if (cut >= 0 && commonPrefixes.at(-1) === entry) continue;
      if (contents.length + commonPrefixes.length === maxKeys) return { contents, commonPrefixes, truncated: true, last, next: after };
      if (cut >= 0) commonPrefixes.push(entry);
      else contents.push(version);
      last = entry;
      // Past a common prefix, the next entry sorts after every key that shares it.
      after = cut >= 0 ? `${entry}\u{10ffff}` : version.key;
    }
  }
}

/** A tag set as S3 takes it: at most `max` tags, keys 1-128 characters, values up to 256, keys unique. */
export function checkTags(tags: readonly Tag[], max: number): Tag[] {
  if (tags.length > max) throw new InvalidTag(undefined, `Object tags cannot be greater than ${max}`);
  const keys = new Set<string>();
  for (const { Key, Value } of tags) {
    if (Key.length < 1 || Key.length > 128) throw new InvalidTag(undefined, 'The TagKey you have provided is too long, max 128');
    if ((Value ?? '').length > 256) throw new InvalidTag(undefined, 'The TagValue you have provided is too long, max 256');
    if (Key.startsWith('aws:')) throw new InvalidTag(undefined, 'Your TagKey cannot be prefixed with aws:');
    if (keys.has(Key)) throw new InvalidTag(undefined, 'Cannot provide multiple Tags with the same key');
    keys.add(Key);
  }
  return tags.map(({ Key, Value }) => ({ Key, Value: Value ?? '' }));
}

/** The x-amz-tagging header (a URL-encoded query string) as tags. */
export function parseTagging(header: string | undefined): Tag[] {
  if (!header) return [];
  return checkTags(
    [...new URLSearchParams(header)].map(([Key, Value]) => ({ Key, Value })),
    10,
  );
}

/** A multipart object's ETag: the MD5 of its parts' MD5s, then `-<parts>`. */
export function multipartEtag(partEtags: readonly string[]): string {
  const md5 = createHash('md5');
  for (const etag of partEtags) md5.update(Buffer.from(etag.replace(/"/g, ''), 'hex'));
  return `"${md5.digest('hex')}-${partEtags.length}"`;
}

export const MIN_PART_SIZE = 5 * 1024 * 1024;
export const MAX_OBJECT_SIZE = 5 * 1024 ** 4;
export const MAX_PUT_SIZE = 5 * 1024 ** 3;

/** The parts CompleteMultipartUpload names, checked against those uploaded: ascending, present, ETags equal, all but the last at least 5 MiB. */
export function completedParts(named: readonly { PartNumber?: number; ETag?: string }[], uploaded: readonly UploadedPart[]): UploadedPart[] {
  if (named.length === 0) throw new InvalidArgument(undefined, 'You must specify at least one part');
  const byNumber = new Map(uploaded.map((part) => [part.partNumber, part]));
  const parts: UploadedPart[] = [];
  let previous = 0;
  for (const { PartNumber, ETag } of named) {
    if (PartNumber === undefined || PartNumber <= previous) throw new InvalidPartOrder();
    previous = PartNumber;
    const part = byNumber.get(PartNumber);
    if (!part || (ETag !== undefined && ETag.replace(/"/g, '') !== part.etag.replace(/"/g, ''))) throw new InvalidPart();
    parts.push(part);
  }
  for (const part of parts.slice(0, -1)) if (part.size < MIN_PART_SIZE) throw new EntityTooSmall();
  return parts;
}

const DAY_MS = 86_400_000;

/** The rule's filter: whether it covers an object of this key, size and tags. */
export function ruleCovers(rule: LifecycleRule, version: Pick<ObjectVersion, 'key' | 'size' | 'tags'>): boolean {
  if (rule.Status !== 'Enabled') return false;
  const filter = rule.Filter?.And ?? rule.Filter ?? {};
  const prefix = (filter as { Prefix?: string }).Prefix ?? rule.Prefix ?? '';
  if (!version.key.startsWith(prefix)) return false;
  const tags = [...((filter as { Tags?: Tag[] }).Tags ?? []), ...(rule.Filter?.Tag ? [rule.Filter.Tag] : [])];
  if (!tags.every((tag) => version.tags.some((own) => own.Key === tag.Key && own.Value === tag.Value))) return false;
  if (filter.ObjectSizeGreaterThan !== undefined && !(version.size > filter.ObjectSizeGreaterThan)) return false;
  if (filter.ObjectSizeLessThan !== undefined && !(version.size < filter.ObjectSizeLessThan)) return false;
  return true;
}

/**
 * What the lifecycle rules do to one version now: `expire` a current version (a delete, as a DELETE without
 * a version id), `remove` a noncurrent version or an expired delete marker for good; else nothing. S3 counts
 * days from creation, rounded up to the next midnight UTC. `noncurrentSince`: when it stopped being current.
 */
export function lifecycleAction(rules: readonly LifecycleRule[], version: ObjectVersion, now: Date, noncurrentSince?: Date, onlyVersion = false): 'expire' | 'remove' | undefined {
  const due = (from: Date, days: number) => Math.ceil(from.getTime() / DAY_MS) * DAY_MS + days * DAY_MS <= now.getTime();
  for (const rule of rules) {
    if (!ruleCovers(rule, version)) continue;
    if (version.isLatest && !version.deleteMarker) {
      const { Days, Date: date } = rule.Expiration ?? {};
      if (Days !== undefined && due(version.lastModified, Days)) return 'expire';
      if (date !== undefined && new Date(date).getTime() <= now.getTime()) return 'expire';
    } else if (version.isLatest && version.deleteMarker) {
      if (rule.Expiration?.ExpiredObjectDeleteMarker && onlyVersion) return 'remove';
    } else {
      const days = rule.NoncurrentVersionExpiration?.NoncurrentDays;
      if (days !== undefined && due(noncurrentSince ?? version.lastModified, days)) return 'remove';
    }
  }
  return undefined;
}

/** Whether an upload is past its rule's AbortIncompleteMultipartUpload. */
export function uploadAbandoned(rules: readonly LifecycleRule[], upload: MultipartUpload, now: Date): boolean {
  return rules.some((rule) => {
    const days = rule.AbortIncompleteMultipartUpload?.DaysAfterInitiation;
    return days !== undefined && ruleCovers(rule, { key: upload.key, size: 0, tags: [] }) && Math.ceil(upload.initiated.getTime() / DAY_MS) * DAY_MS + days * DAY_MS <= now.getTime();
  });
}

/** S3 keys in a listing with `encoding-type=url` (the aws CLI asks for it): URL-encoded, `/` kept. */
export const encodeKey = (key: string, encoding: string | undefined) => (encoding === 'url' ? encodeURIComponent(key).replace(/%2F/g, '/') : key);
