// AWS's published SigV4 test suite (sigv4-suite.json: its signed requests and canonical requests, from
// awslabs/aws-c-auth, Apache 2.0): every signed request, in the header and the presigned form, verifies; and
// when its signature is altered, the canonical request the verifier reports is the suite's, byte for byte.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SignatureFailure, SigV4Verifier, uriEncode, type SignedRequest } from './sigv4.js';

interface SuiteCase {
  name: string;
  /** false: the path is signed as sent (S3); true: normalised and encoded again (every other service). */
  normalize: boolean;
  token?: string;
  header: { request: string; canonicalRequest: string };
  query: { request: string; canonicalRequest: string };
}

// The fixture stays in src/ (the compiled tests run from dist/).
let root = dirname(fileURLToPath(import.meta.url));
while (!existsSync(join(root, 'package.json'))) root = dirname(root);
const suite = JSON.parse(readFileSync(join(root, 'src/protocol/sigv4-suite.json'), 'utf8')) as { cases: SuiteCase[] };

const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const verifier = new SigV4Verifier({
  mode: 'sigv4',
  accountId: '123456789012',
  region: 'us-east-1',
  credentials: {
    resolve: (accessKeyId) =>
      accessKeyId === 'AKIDEXAMPLE' ? { secretAccessKey: SECRET, caller: { accessKeyId, accountId: '123456789012', arn: 'arn:aws:iam::123456789012:root' } } : undefined,
  },
});

/**
 * A request of the suite as node would hand it over: method, target split at `?`, headers with folded lines
 * joined (obs-fold), the body after the blank line. Paths are written raw in the suite; on the wire, a path
 * signed as sent (S3) already carries its percent-encoding.
 */
function parseRequest(text: string, normalize: boolean): SignedRequest {
  const blank = text.indexOf('\n\n');
  const [requestLine, ...lines] = (blank < 0 ? text : text.slice(0, blank)).split('\n');
  const body = blank < 0 ? '' : text.slice(blank + 2);
  const [method, ...rest] = requestLine!.split(' ');
  const target = rest.slice(0, -1).join(' ');
  const q = target.indexOf('?');
  const rawPath = q < 0 ? target : target.slice(0, q);
  const rawHeaders: string[] = [];
  for (const line of lines) {
    if (/^\s/.test(line)) rawHeaders[rawHeaders.length - 1] += ` ${line.trim()}`;
    else rawHeaders.push(line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1));
  }
  const headers: Record<string, string> = {};
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    headers[name] = headers[name] === undefined ? rawHeaders[i + 1]! : `${headers[name]}, ${rawHeaders[i + 1]}`;
  }
  return {
    method: method!,
    path: normalize ? rawPath : rawPath.split('/').map(uriEncode).join('/'),
    query: q < 0 ? '' : target.slice(q + 1),
    headers,
    rawHeaders,
    body: Buffer.from(body),
  };
}

const expectation = (normalize: boolean) => ({ service: 'service', clockSkewMinutes: 5, now: new Date('2015-08-30T12:36:00Z'), pathAsSent: !normalize });

/** The canonical request the verifier built, from the message of a mismatch. */
function canonicalOf(request: SignedRequest, normalize: boolean): string {
  try {
    verifier.verify(request, expectation(normalize));
  } catch (error) {
    assert.ok(error instanceof SignatureFailure && error.kind === 'mismatch', String(error));
    return /The Canonical String for this request should have been\n'([\s\S]*)'\n\nThe String-to-Sign/.exec(error.message)![1]!;
  }
  throw new Error('an altered signature verified');
}

const alter = (request: SignedRequest, presigned: boolean): SignedRequest => {
  const zeros = '0'.repeat(64);
  if (presigned) return { ...request, query: request.query.replace(/X-Amz-Signature=[0-9a-f]{64}/, `X-Amz-Signature=${zeros}`) };
  return { ...request, headers: { ...request.headers, authorization: request.headers.authorization!.replace(/Signature=[0-9a-f]{64}/, `Signature=${zeros}`) } };
};

for (const c of suite.cases) {
  test(c.name, () => {
    for (const [form, { request: text, canonicalRequest }] of [['header', c.header], ['query', c.query]] as const) {
      // A token added to a presigned URL after signing (the signer's "omit session token", for IoT's
      // WebSocket) is not signed; the services Wharf serves sign every query parameter, the token too.
      if (c.name === 'post-sts-header-after' && form === 'query') continue;
      const request = parseRequest(text, c.normalize);
      assert.equal(verifier.verify(request, expectation(c.normalize)).caller.accessKeyId, 'AKIDEXAMPLE', `${form}: verifies`);
      assert.equal(canonicalOf(alter(request, form === 'query'), c.normalize), canonicalRequest, `${form}: the canonical request`);
    }
  });
}
