// S3's query-string authentication of Signature Version 2 (`?AWSAccessKeyId=&Expires=&Signature=`): what the
// AWS CLI v1's `aws s3 presign` and boto3's presigners produce unless configured for s3v4. The string to
// sign is S3's (RESTAuthentication, "Query string request authentication"): the method, Content-MD5,
// Content-Type, Expires, the x-amz-* parameters and headers, then the resource (the path with the bucket in
// front, and the sub-resources the signer covers); the signature is its HMAC-SHA1, Base64.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { SignedHead } from './sigv4.js';

/** The parameters of a SigV2 presigned URL, as sent. */
export interface QueryV2 {
  accessKeyId: string;
  signature: string;
  /** Seconds since the epoch, as sent. */
  expires: string;
  sessionToken?: string;
}

/** Whether a request carries SigV2 query authentication (and no Authorization header). */
export const isQueryV2 = (head: SignedHead) => head.headers.authorization === undefined && /(?:^|&)AWSAccessKeyId=/.test(head.query);

/** The query's SigV2 parameters; undefined when one is missing. */
export function queryV2(params: [string, string][]): QueryV2 | undefined {
  const get = (name: string) => params.find(([key]) => key === name)?.[1];
  const [accessKeyId, signature, expires] = ['AWSAccessKeyId', 'Signature', 'Expires'].map(get);
  if (!accessKeyId || !signature || !expires) return undefined;
  return { accessKeyId, signature, expires, sessionToken: get('x-amz-security-token') };
}

// The query parameters a SigV2 signature covers in the resource (botocore's HmacV1Auth, S3's sub-resources).
const SUB_RESOURCES = new Set([
  'accelerate', 'acl', 'analytics', 'cors', 'defaultObjectAcl', 'delete', 'inventory', 'lifecycle', 'location', 'logging', 'metrics',
  'notification', 'object-lock', 'partNumber', 'policy', 'replication', 'requestPayment', 'response-cache-control',
  'response-content-disposition', 'response-content-encoding', 'response-content-language', 'response-content-type', 'response-expires',
  'restore', 'select', 'select-type', 'storageClass', 'tagging', 'torrent', 'uploadId', 'uploads', 'versionId', 'versioning', 'versions', 'website',
]);

const headerValue = (value: string | string[] | undefined) => (Array.isArray(value) ? value.join(',') : value);

/**
 * The string a SigV2 presigned URL signs. `resourcePath`: the path as sent, with the bucket in front when the
 * request named it in the Host header (virtual-hosted style).
 */
export function queryV2StringToSign(head: SignedHead, params: [string, string][], resourcePath: string): string {
  const param = (name: string) => params.find(([key]) => key.toLowerCase() === name)?.[1];
  const amz = new Map<string, string>();
  for (const [name, value] of Object.entries(head.headers)) if (name.startsWith('x-amz-') && value !== undefined) amz.set(name, headerValue(value)!.trim());
  // A presigner moves the x-amz-* headers it signed into the query.
  for (const [name, value] of params) if (name.toLowerCase().startsWith('x-amz-')) amz.set(name.toLowerCase(), value.trim());
  const custom = [...amz.keys()].sort().map((name) => `${name}:${amz.get(name)}\n`).join('');
  const subResources: [string, string | undefined][] = [];
  for (const pair of head.query.split('&')) {
    const eq = pair.indexOf('=');
    const name = eq < 0 ? pair : pair.slice(0, eq);
    if (!SUB_RESOURCES.has(name)) continue;
    let value: string | undefined;
    try {
      value = eq < 0 ? undefined : decodeURIComponent(pair.slice(eq + 1));
    } catch {
      value = pair.slice(eq + 1);
    }
    subResources.push([name, value]);
  }
  subResources.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const resource = resourcePath + (subResources.length ? `?${subResources.map(([name, value]) => (value === undefined ? name : `${name}=${value}`)).join('&')}` : '');
  const md5 = param('content-md5') ?? headerValue(head.headers['content-md5']) ?? '';
  const type = param('content-type') ?? headerValue(head.headers['content-type']) ?? '';
  return `${head.method}\n${md5.trim()}\n${type.trim()}\n${param('expires') ?? ''}\n${custom}${resource}`;
}

/** Whether `signature` (Base64) is the HMAC-SHA1 of `stringToSign` under `secret`. */
export function queryV2SignatureMatches(secret: string, stringToSign: string, signature: string): boolean {
  const expected = createHmac('sha1', secret).update(stringToSign, 'utf8').digest();
  const given = Buffer.from(signature, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
