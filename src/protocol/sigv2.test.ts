// SigV2 presigned URLs (S3) against URLs botocore's HmacV1QueryAuth signed (expiry fixed at 1900000000):
// virtual-hosted style with sub-resources, and a PUT with a session token and a content type in the query.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Caller } from './service.js';
import { SignatureFailure, SigV4Verifier, type SignedHead } from './sigv4.js';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const caller = (accessKeyId: string): Caller => ({ accessKeyId, accountId: '123456789012', arn: 'arn:aws:iam::123456789012:root' });
const verifier = new SigV4Verifier({
  mode: 'sigv4',
  accountId: '123456789012',
  region: 'us-east-1',
  credentials: {
    resolve: (id, token) =>
      id === 'AKIDEXAMPLE' || (id === 'ASIAEXAMPLE' && token === 'TOKEN/+=') ? { secretAccessKey: SECRET, caller: caller(id) } : undefined,
  },
});

const head = (method: string, url: string, headers: Record<string, string> = {}): SignedHead => {
  const { pathname, search } = new URL(url);
  return { method, path: pathname, query: search.slice(1), headers: { host: new URL(url).host, ...headers }, rawHeaders: [] };
};
const expect = (resourcePath: string, now = new Date('2030-01-01T00:00:00Z')) => ({ clockSkewMinutes: 15, now, service: 's3', resourcePath, unsignedPayload: true, pathAsSent: true });
const failure = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (error instanceof SignatureFailure) return error.kind;
    throw error;
  }
  return undefined;
};

const VIRTUAL =
  'http://johnsmith.s3.amazonaws.com/photos/puppy%20dog.jpg?versionId=abc&response-content-type=text%2Fplain&AWSAccessKeyId=AKIDEXAMPLE&Signature=HokcDBm5fAomkQ%2BcvJB64LvMglM%3D&Expires=1900000000';
const PUT =
  'http://127.0.0.1:4566/bucket/key.txt?AWSAccessKeyId=ASIAEXAMPLE&Signature=lZ%2FfHKpSCbUOk04dP%2FNggrCdfeM%3D&content-type=text%2Fplain&x-amz-security-token=TOKEN%2F%2B%3D&Expires=1900000000';

test('SigV2 presigned URLs verify: the bucket in the resource, sub-resources, x-amz-* and content-type from the query', () => {
  const get = verifier.begin(head('GET', VIRTUAL), expect('/johnsmith/photos/puppy%20dog.jpg'));
  assert.equal(get.payloadMode, 'UNSIGNED-PAYLOAD');
  assert.equal(get.complete('UNSIGNED-PAYLOAD').caller.accessKeyId, 'AKIDEXAMPLE');
  const put = verifier.begin(head('PUT', PUT, { 'content-type': 'text/plain' }), expect('/bucket/key.txt'));
  assert.equal(put.complete('UNSIGNED-PAYLOAD').caller.accessKeyId, 'ASIAEXAMPLE');
});

test('SigV2 presigned URLs: tampering, expiry and unknown keys are refused', () => {
  assert.equal(failure(() => verifier.begin(head('GET', VIRTUAL.replace('puppy', 'kitty')), expect('/johnsmith/photos/kitty%20dog.jpg'))), 'mismatch');
  assert.equal(failure(() => verifier.begin(head('GET', VIRTUAL.replace('versionId=abc', 'versionId=abd')), expect('/johnsmith/photos/puppy%20dog.jpg'))), 'mismatch');
  assert.equal(failure(() => verifier.begin(head('DELETE', VIRTUAL), expect('/johnsmith/photos/puppy%20dog.jpg'))), 'mismatch');
  assert.equal(failure(() => verifier.begin(head('GET', VIRTUAL), expect('/johnsmith/photos/puppy%20dog.jpg', new Date('2031-01-01T00:00:00Z')))), 'expired');
  assert.equal(failure(() => verifier.begin(head('GET', VIRTUAL.replace('AKIDEXAMPLE', 'AKIDOTHER')), expect('/johnsmith/photos/puppy%20dog.jpg'))), 'unknown-key');
  assert.equal(failure(() => verifier.begin(head('GET', VIRTUAL.replace(/&Signature=[^&]*/, '')), expect('/johnsmith/photos/puppy%20dog.jpg'))), 'incomplete');
  // Without a resource path (any service but S3), SigV2 is no signature at all.
  assert.equal(failure(() => verifier.begin(head('GET', VIRTUAL), { clockSkewMinutes: 15, now: new Date('2030-01-01T00:00:00Z') })), 'missing');
});
