// The verifier against requests signed by the SDK's own signer (@smithy/signature-v4), in both forms, and
// against AWS's published test vector; every tampering is refused with the right kind of failure.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import type { Caller } from './service.js';
import { testSigner, type TestCredentials } from './test-signer.js';
import { SignatureFailure, SigV4Verifier, uriEncode, type SignatureFailureKind, type SignedRequest } from './sigv4.js';


const KEY = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const SESSION = { accessKeyId: 'ASIASESSION', secretAccessKey: 'session-secret', sessionToken: 'the-token' };
const caller = (accessKeyId: string): Caller => ({ accessKeyId, accountId: '123456789012', arn: 'arn:aws:iam::123456789012:root' });
const NOW = new Date('2024-05-01T12:00:00Z');

const verifier = (mode: 'sigv4' | 'permissive' = 'sigv4') =>
  new SigV4Verifier({
    mode,
    accountId: '000000000000',
    region: 'us-east-1',
    credentials: {
      // The resolver judges tokens: a long-term key takes none, the session key only its own, `expired` is past.
      resolve: (id, token) => {
        if (id === KEY.accessKeyId) return token === undefined ? { secretAccessKey: KEY.secretAccessKey, caller: caller(id) } : { refused: 'invalid-token' };
        if (id !== SESSION.accessKeyId) return undefined;
        if (token === 'expired') return { refused: 'expired-token' };
        return token === SESSION.sessionToken ? { secretAccessKey: SESSION.secretAccessKey, caller: caller(id) } : { refused: 'invalid-token' };
      },
    },
  });

interface Plain {
  method?: string;
  path?: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string;
}

const signer = (credentials: TestCredentials = KEY, service = 'ecs') => testSigner(credentials, service);

const toSmithy = (plain: Plain) => ({
  method: plain.method ?? 'POST',
  protocol: 'http:',
  hostname: 'localhost',
  port: 4566,
  path: plain.path ?? '/',
  query: plain.query ?? {},
  headers: { host: 'localhost:4566', ...plain.headers },
  body: plain.body,
});

// What goes on the wire for a signed smithy request, the way the SDK's HTTP handler writes it.
function wire(request: { method: string; path: string; query?: Record<string, unknown>; headers: Record<string, string>; body?: unknown }): SignedRequest {
  const query = Object.entries(request.query ?? {})
    .map(([k, v]) => `${uriEncode(k)}=${uriEncode(String(v))}`)
    .join('&');
  return {
    method: request.method,
    path: request.path,
    query,
    headers: Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v])),
    rawHeaders: Object.entries(request.headers).flat(),
    body: Buffer.from((request.body as string | undefined) ?? ''),
  };
}

async function signed(plain: Plain = {}, options: { date?: Date; credentials?: TestCredentials; service?: string } = {}) {
  const request = await signer(options.credentials, options.service).sign(toSmithy(plain), { signingDate: options.date ?? NOW });
  return wire(request as never);
}

async function presigned(plain: Plain = {}, options: { date?: Date; expiresIn?: number; credentials?: TestCredentials } = {}) {
  const request = await signer(options.credentials).presign(toSmithy({ method: 'GET', ...plain }), {
    signingDate: options.date ?? NOW,
    expiresIn: options.expiresIn ?? 300,
  });
  return wire(request as never);
}

const expectation = { service: 'ecs', clockSkewMinutes: 5, now: NOW };

function refused(request: SignedRequest, kind: SignatureFailureKind, message?: RegExp, expect = expectation) {
  assert.throws(
    () => verifier().verify(request, expect),
    (error: unknown) => {
      assert.ok(error instanceof SignatureFailure, String(error));
      assert.equal(error.kind, kind, error.message);
      if (message) assert.match(error.message, message);
      return true;
    },
  );
}

describe('the Authorization header form', () => {
  test('a request the SDK signed verifies: caller and region from the credential scope', async () => {
    const request = await signed({ headers: { 'x-amz-target': 'AmazonEC2ContainerServiceV20141113.ListClusters' }, body: '{}' });
    assert.deepEqual(verifier().verify(request, expectation), { caller: caller(KEY.accessKeyId), region: 'us-east-1' });
  });

  test("AWS's published get-vanilla vector", () => {
    const request: SignedRequest = {
      method: 'GET',
      path: '/',
      query: '',
      headers: { host: 'example.amazonaws.com', 'x-amz-date': '20150830T123600Z', authorization: '' },
      rawHeaders: ['Host', 'example.amazonaws.com', 'X-Amz-Date', '20150830T123600Z'],
      body: Buffer.alloc(0),
    };
    request.headers.authorization =
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31';
    const signer = verifier().verify(request, { service: 'service', clockSkewMinutes: 5, now: new Date('2015-08-30T12:36:00Z') });
    assert.equal(signer.caller.accessKeyId, KEY.accessKeyId);
  });

  test('paths and queries with characters that need encoding', async () => {
    const request = await signed({
      method: 'GET',
      path: `/${uriEncode('some dir')}/${uriEncode('ሴ~*+=')}/`,
      query: { 'b key': 'x y+z', a: 'ä/=&', Z: '', tilde: '~-_.' },
    });
    assert.equal(verifier().verify(request, expectation).region, 'us-east-1');
  });

  test('repeated headers and runs of spaces canonicalise as AWS does', async () => {
    const request = await signed({ headers: { 'x-amz-meta-list': 'one,two', 'x-amz-meta-spaced': 'a   b  c' }, body: '{}' });
    // On the wire: the list as two header lines with padding, the spaced value with tabs and padding.
    const raw = [...request.rawHeaders];
    const list = raw.indexOf('x-amz-meta-list');
    raw.splice(list, 2, 'X-Amz-Meta-List', '  one ', 'x-amz-meta-list', 'two  ');
    raw[raw.indexOf('x-amz-meta-spaced') + 1] = ' a \t b c ';
    assert.equal(verifier().verify({ ...request, rawHeaders: raw }, expectation).region, 'us-east-1');
  });

  test('session credentials need their token', async () => {
    const request = await signed({ body: '{}' }, { credentials: SESSION });
    assert.equal(verifier().verify(request, expectation).caller.accessKeyId, SESSION.accessKeyId);
    const withoutToken = { ...request, headers: { ...request.headers, 'x-amz-security-token': undefined } };
    refused(withoutToken, 'invalid-token', /security token included in the request is invalid/);
    const tokenForKey = await signed({ headers: { 'x-amz-security-token': 'forged' }, body: '{}' });
    refused(tokenForKey, 'invalid-token');
  });

  test('expired session credentials are refused as expired, whatever the signature', async () => {
    const request = await signed({ body: '{}' }, { credentials: { ...SESSION, sessionToken: 'expired' } });
    refused(request, 'expired-token', /^The security token included in the request is expired$/);
    refused({ ...request, body: Buffer.from('{"tampered":1}') }, 'expired-token');
  });

  test('permissive mode takes the caller of a good session and the root for a refused one', async () => {
    const good = await signed({ body: '{}' }, { credentials: SESSION });
    assert.equal(verifier('permissive').verify(good, expectation).caller.accessKeyId, SESSION.accessKeyId);
    const expired = await signed({ body: '{}' }, { credentials: { ...SESSION, sessionToken: 'expired' } });
    assert.equal(verifier('permissive').verify(expired, expectation).caller.arn, 'arn:aws:iam::000000000000:root');
  });

  test('UNSIGNED-PAYLOAD is a payload mode of S3 alone: elsewhere the body is signed, whatever the header says', async () => {
    const request = await signed({ headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' }, body: 'anything' });
    const other = { ...request, body: Buffer.from('something else') };
    assert.equal(verifier().verify(other, { ...expectation, unsignedPayload: true }).region, 'us-east-1');
    refused(other, 'mismatch', /host;x-amz-content-sha256;x-amz-date\n[0-9a-f]{64}'/);
    refused(request, 'mismatch');
  });

  test('a signed x-amz-content-sha256 is checked before the body: the body must then hash to it', async () => {
    const body = '{"cluster":"c"}';
    const hash = createHash('sha256').update(body).digest('hex');
    const request = await signed({ headers: { 'x-amz-content-sha256': hash }, body });
    const pending = verifier().begin(request, expectation);
    assert.equal(pending.claimedPayloadHash, hash);
    assert.equal(pending.complete(hash).region, 'us-east-1');
    assert.throws(() => pending.complete(createHash('sha256').update('{}').digest('hex')), { kind: 'mismatch' });
    // Without the header (botocore sends none), nothing is claimed: the body is hashed as it is read.
    const { 'x-amz-content-sha256': _, ...headers } = request.headers;
    assert.equal(verifier().begin({ ...request, headers }, expectation).claimedPayloadHash, undefined);
  });

  test('a signature that is not exactly 64 hex digits does not match, even if its first 64 do', async () => {
    const request = await signed({});
    const authorization = request.headers.authorization!;
    refused({ ...request, headers: { ...request.headers, authorization: `${authorization}zz` } }, 'mismatch');
    refused({ ...request, headers: { ...request.headers, authorization: authorization.replace(/Signature=(\w+)/, (_, hex: string) => `Signature=${hex.toUpperCase()}`) } }, 'mismatch');
  });

  test('the query is decoded once, as the call reads it: `+` (a space) and %2B (a plus) are not one signature', async () => {
    const request = await signed({ method: 'GET', query: { Action: 'ListUsers', PathPrefix: '/a+b/' } });
    assert.match(request.query, /PathPrefix=%2Fa%2Bb%2F/);
    assert.ok(verifier().verify(request, expectation));
    refused({ ...request, query: request.query.replace('%2B', '+') }, 'mismatch');
    const spaced = await signed({ method: 'GET', query: { Action: 'ListUsers', PathPrefix: '/a b/' } });
    assert.ok(verifier().verify({ ...spaced, query: spaced.query.replace('%20', '+') }, expectation), 'a + is a space, as the call reads it');
  });

  test('a region AWS does not have is refused; every region it has is served', async () => {
    const request = await signed({});
    const authorization = request.headers.authorization!;
    for (const region of ['us-east-9', 'aws-global'])
      refused({ ...request, headers: { ...request.headers, authorization: authorization.replace('/us-east-1/', `/${region}/`) } }, 'invalid', new RegExp(`^Credential should be scoped to a valid region, not '${region}'\\.$`));
    const ohio = await testSigner(KEY, 'ecs', 'us-east-2').sign(toSmithy({}), { signingDate: NOW });
    assert.equal(verifier().verify(wire(ohio as never), expectation).region, 'us-east-2');
  });

  test('a tampered body, header, path or query does not match', async () => {
    const request = await signed({ path: '/a', query: { q: '1' }, headers: { 'x-amz-target': 'T.ListClusters' }, body: '{}' });
    refused({ ...request, body: Buffer.from('{"x":1}') }, 'mismatch', /does not match the signature you provided[\s\S]*Canonical String/);
    const raw = [...request.rawHeaders];
    raw[raw.indexOf('x-amz-target') + 1] = 'T.DeleteCluster';
    refused({ ...request, rawHeaders: raw }, 'mismatch');
    refused({ ...request, path: '/b' }, 'mismatch');
    refused({ ...request, query: 'q=2' }, 'mismatch');
  });

  test('a body that does not match its claimed x-amz-content-sha256 does not match', async () => {
    const request = await signed({ headers: { 'x-amz-content-sha256': createHash('sha256').update('{}').digest('hex') }, body: '{}' });
    assert.equal(verifier().verify(request, expectation).region, 'us-east-1');
    refused({ ...request, body: Buffer.from('{ }') }, 'mismatch');
  });

  test('a wrong secret does not match', async () => {
    refused(await signed({ body: '{}' }, { credentials: { ...KEY, secretAccessKey: 'wrong' } }), 'mismatch');
  });

  test('an unknown access key', async () => {
    refused(await signed({ body: '{}' }, { credentials: { accessKeyId: 'AKIANOBODY', secretAccessKey: 'x' } }), 'unknown-key', /^The security token included in the request is invalid\.$/);
  });

  test('more than 5 minutes off either way', async () => {
    refused(await signed({}, { date: new Date(NOW.getTime() - 6 * 60_000) }), 'skewed', /^Signature expired: 20240501T115400Z is now earlier than 20240501T115500Z \(20240501T120000Z - 5 min\.\)$/);
    refused(await signed({}, { date: new Date(NOW.getTime() + 6 * 60_000) }), 'skewed', /^Signature not yet current: 20240501T120600Z is still later than 20240501T120500Z \(20240501T120000Z \+ 5 min\.\)$/);
    assert.ok(verifier().verify(await signed({}, { date: new Date(NOW.getTime() - 4 * 60_000) }), expectation));
    const relaxed = { ...expectation, clockSkewMinutes: 15 };
    assert.ok(verifier().verify(await signed({}, { date: new Date(NOW.getTime() - 14 * 60_000) }), relaxed));
  });

  test('a credential scoped to another service, a bad region or terminator', async () => {
    refused(await signed({}, { service: 'ec2' }), 'invalid', /Credential should be scoped to correct service: 'ecs'\./);
    const request = await signed({});
    const authorization = request.headers.authorization!;
    const rescope = (from: string, to: string) => ({ ...request, headers: { ...request.headers, authorization: authorization.replace(from, to) } });
    refused(rescope('/us-east-1/', '/US_East/'), 'invalid', /scoped to a valid region, not 'US_East'/);
    refused(rescope('/aws4_request', '/aws5_request'), 'invalid', /valid terminator: 'aws4_request', not 'aws5_request'/);
    refused(rescope('/20240501/', '/20240502/'), 'invalid', /Date in Credential scope does not match/);
    refused(rescope('/ecs/aws4_request', '/ecs/x/aws4_request'), 'incomplete', /exactly 5 slash-delimited elements/);
  });

  test('host must be signed', async () => {
    const request = await signed({});
    const authorization = request.headers.authorization!.replace('SignedHeaders=host;', 'SignedHeaders=');
    refused({ ...request, headers: { ...request.headers, authorization } }, 'invalid', /'Host' must be a 'SignedHeader'/);
  });

  test('missing and malformed signatures', async () => {
    const request = await signed({});
    const { authorization, ...unsigned } = request.headers;
    refused({ ...request, headers: unsigned }, 'missing', /^Request is missing Authentication Token$/);
    refused({ ...request, headers: { ...request.headers, authorization: 'AWS AKIDEXAMPLE:signature' } }, 'missing');
    refused(
      { ...request, headers: { ...request.headers, authorization: authorization!.replace(/, Signature=\w+/, '') } },
      'incomplete',
      /^Authorization header requires 'Signature' parameter\. Authorization=AWS4-HMAC-SHA256/,
    );
    refused({ ...request, headers: { ...request.headers, 'x-amz-date': undefined } }, 'incomplete', /requires existence of either a 'X-Amz-Date' or a 'Date' header/);
    refused({ ...request, headers: { ...request.headers, 'x-amz-date': '2024-05-01' } }, 'incomplete', /Date must be in ISO-8601 'basic format'\. Got '2024-05-01'/);
    refused({ ...request, headers: { ...request.headers, authorization: authorization!.replace('AWS4-HMAC-SHA256', 'AWS4-HMAC-SHA512') } }, 'incomplete', /Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512'/);
    refused({ ...request, headers: { ...request.headers, authorization: authorization!.replace('Credential=', 'Credential ') } }, 'incomplete', /not a valid key=value pair/);
  });

  test('commas alone may separate the parts', async () => {
    const request = await signed({});
    const authorization = request.headers.authorization!.replace(/, /g, ',');
    assert.ok(verifier().verify({ ...request, headers: { ...request.headers, authorization } }, expectation));
  });
});

describe('the presigned query-string form', () => {
  test('a URL the SDK presigned verifies', async () => {
    const request = await presigned({ path: '/_wharf/agent', query: { cluster: 'default', instance: 'i-1' } });
    assert.ok(request.query.includes('X-Amz-Signature='));
    assert.equal(verifier().verify(request, expectation).caller.accessKeyId, KEY.accessKeyId);
  });

  test('with session credentials, the token rides in the query', async () => {
    const request = await presigned({}, { credentials: SESSION });
    assert.ok(request.query.includes('X-Amz-Security-Token=the-token'));
    assert.equal(verifier().verify(request, expectation).caller.accessKeyId, SESSION.accessKeyId);
    // The token is judged before the signature: an altered one is refused as a token.
    refused({ ...request, query: request.query.replace('the-token', 'forged') }, 'invalid-token');
  });

  test('expired, tampered, or missing parts', async () => {
    const request = await presigned({ query: { cluster: 'default' } }, { expiresIn: 60 });
    refused(request, 'expired', /Request has expired/, { ...expectation, now: new Date(NOW.getTime() + 61_000) });
    assert.ok(verifier().verify(request, { ...expectation, now: new Date(NOW.getTime() + 59_000) }));
    refused({ ...request, query: request.query.replace('cluster=default', 'cluster=other') }, 'mismatch');
    refused({ ...request, query: request.query.replace(/&?X-Amz-Expires=\d+/, '') }, 'incomplete', /requires the X-Amz-Algorithm/);
  });
});

describe('permissive mode', () => {
  test('any well-formed signature from any key: the root of the account', async () => {
    const request = await signed({}, { credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, date: new Date(0), service: 'whatever' });
    assert.deepEqual(verifier('permissive').verify(request, expectation), {
      caller: { accessKeyId: 'test', accountId: '000000000000', arn: 'arn:aws:iam::000000000000:root' },
      region: 'us-east-1',
    });
  });

  test('a known key is its own caller; a 12-digit key names the account', async () => {
    assert.deepEqual(verifier('permissive').verify(await signed({}, { credentials: { ...KEY, secretAccessKey: 'wrong' } }), expectation).caller, caller(KEY.accessKeyId));
    const request = await signed({}, { credentials: { accessKeyId: '111122223333', secretAccessKey: 'x' } });
    assert.equal(verifier('permissive').verify(request, expectation).caller.arn, 'arn:aws:iam::111122223333:root');
  });

  test('still needs a signature', async () => {
    const { authorization, ...unsigned } = (await signed({})).headers;
    assert.throws(() => verifier('permissive').verify({ ...(wire(toSmithy({}) as never)), headers: unsigned }, expectation), { kind: 'missing' });
  });
});
