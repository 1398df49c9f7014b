// AWS Signature Version 4, verified: the Authorization header form and the presigned query-string form,
// with the canonical request exactly as AWS defines it (and as @smithy/signature-v4 and botocore build
// it). Failures carry a protocol-neutral kind; each wire protocol turns a kind into its own AWS error code
// (awsJson: InvalidSignatureException..., query: SignatureDoesNotMatch...). The checks run in the order
// AWS's front end runs them, with its messages.
import crypto, { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { formPairs } from './form.js';
import { isRegion } from './regions.js';
import { isQueryV2, queryV2, queryV2SignatureMatches, queryV2StringToSign } from './sigv2.js';
import type { Caller } from './service.js';

export interface ResolvedCredentials {
  secretAccessKey: string;
  caller: Caller;
}

/** A key that exists, presented with a session token that is not good for it. */
export interface RefusedCredentials {
  /** `invalid-token`: forged, altered, missing, superfluous or revoked; `expired-token`: past its expiration. */
  refused: 'invalid-token' | 'expired-token';
}

/**
 * Where the verifier finds the secret behind an access key id. The resolver judges the session token
 * (`X-Amz-Security-Token`, undefined when absent): temporary credentials are only good with theirs.
 */
export interface CredentialResolver {
  /** undefined: nobody issued this key (or it is inactive). */
  resolve(accessKeyId: string, sessionToken: string | undefined): ResolvedCredentials | RefusedCredentials | undefined;
}

/**
 * `sigv4`: every request must be signed with known credentials. `permissive`: any well-formed signature from
 * any key is accepted without checking it (for suites written against other emulators); the caller is the
 * key's own when known, else the root of the account.
 */
export type AuthMode = 'sigv4' | 'permissive';

export type SignatureFailureKind =
  /** no signature at all */
  | 'missing'
  /** a signature with parts missing or malformed */
  | 'incomplete'
  /** well-formed, but scoped or dated wrongly */
  | 'invalid'
  /** signed at a time outside the allowed clock skew */
  | 'skewed'
  /** a presigned URL past its expiry */
  | 'expired'
  /** an access key nobody issued */
  | 'unknown-key'
  /** a session token that does not belong with the key */
  | 'invalid-token'
  /** temporary credentials past their expiration */
  | 'expired-token'
  /** the signature is not the one the secret gives */
  | 'mismatch';

export class SignatureFailure extends Error {
  constructor(
    readonly kind: SignatureFailureKind,
    message: string,
  ) {
    super(message);
    this.name = 'SignatureFailure';
  }
}

/** A request's head as it came off the wire: what a signature covers, but the body. */
export interface SignedHead {
  method: string;
  /** The path as sent (still percent-encoded), without the query. */
  path: string;
  /** The query string as sent, without `?`. */
  query: string;
  headers: IncomingHttpHeaders;
  /** node's rawHeaders: repeated headers stay apart, so their values join as AWS joins them. */
  rawHeaders: readonly string[];
}

/** A whole request: what a signature covers. */
export interface SignedRequest extends SignedHead {
  body: Buffer;
}

/**
 * A signature whose head checked out (form, time, scope, credentials): only the payload is left to check, so a
 * request that cannot be authentic is refused before its body is read.
 */
export interface PendingSignature {
  /** The signing name in the credential scope. */
  readonly service: string;
  /**
   * The body's SHA-256 (hex) as a signed `x-amz-content-sha256` header claims it: when there is one, the
   * signature can be checked against it before the body is read, and the body against it while it is.
   */
  readonly claimedPayloadHash?: string;
  /**
   * The caller and region, given the body's SHA-256 (hex); throws SignatureFailure. `service`: the signing name
   * the called operation needs, when only the body told which (query services share a path).
   */
  complete(payloadHash: string, service?: string): Signer;
  /**
   * What S3 signs instead of the payload (`UNSIGNED-PAYLOAD`, `STREAMING-*`; a presigned URL without
   * X-Amz-Content-Sha256 is `UNSIGNED-PAYLOAD`), when the service allows payload modes; else undefined.
   */
  readonly payloadMode?: string;
  /** What `aws-chunked` chunk signatures are checked with, once `complete` has verified the seed signature (permissive mode: none). */
  readonly chunkSigning?: ChunkSigning;
}

/** The seed signature and signing key of a request whose body comes in signed chunks (STREAMING-AWS4-HMAC-SHA256-PAYLOAD). */
export interface ChunkSigning {
  seed: string;
  amzDate: string;
  scope: string;
  key: Buffer;
}

/**
 * The signature of one chunk of an `aws-chunked` body (`kind` PAYLOAD) or of its trailer (`kind` TRAILER), given
 * the previous signature and the SHA-256 (hex) of the chunk's data (of the trailer's `name:value\n` lines).
 */
export function chunkSignature(signing: ChunkSigning, kind: 'PAYLOAD' | 'TRAILER', previous: string, hash: string): string {
  const stringToSign =
    kind === 'PAYLOAD'
      ? `${ALGORITHM}-PAYLOAD\n${signing.amzDate}\n${signing.scope}\n${previous}\n${EMPTY_SHA256}\n${hash}`
      : `${ALGORITHM}-TRAILER\n${signing.amzDate}\n${signing.scope}\n${previous}\n${hash}`;
  return createHmac('sha256', signing.key).update(stringToSign).digest('hex');
}

export interface Expectation {
  /** The signing name the credential scope must carry (`ecs`); undefined accepts any. */
  service?: string;
  /** How far the signature's time may be from now. */
  clockSkewMinutes: number;
  now: Date;
  /** S3 signs the path as sent; every other service normalises it and encodes it again. */
  pathAsSent?: boolean;
  /**
   * S3 alone lets the signer leave the payload out (`UNSIGNED-PAYLOAD`, `STREAMING-*` in x-amz-content-sha256);
   * every other service signs the body's own hash, whatever the header says.
   */
  unsignedPayload?: boolean;
  /**
   * S3: the path as sent with the bucket in front (virtual-hosted style moves it from the Host header), which
   * SigV2's presigned URLs sign; given, SigV2 query authentication is accepted too (sigv2.ts).
   */
  resourcePath?: string;
}

/** Who signed, and for which region. */
export interface Signer {
  caller: Caller;
  region: string;
}

export interface VerifierOptions {
  credentials: CredentialResolver;
  mode: AuthMode;
  /** The account whose root permissive callers are (unless their key id is itself an account id). */
  accountId: string;
  /** The region of permissive calls whose scope names none that looks like a region. */
  region: string;
}

/** ECS allows 5 minutes between the signature's time and its own; DynamoDB 15. */
export const DEFAULT_CLOCK_SKEW_MINUTES = 5;

const ALGORITHM = 'AWS4-HMAC-SHA256';
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const HEX_SHA256 = /^[0-9a-f]{64}$/;
const MAX_PRESIGNED_SECONDS = 7 * 24 * 3600;
const SIGNING_KEY_CACHE_SIZE = 1024;
const INVALID_TOKEN = 'The security token included in the request is invalid.';

/** The parts of a signature, from either form. */
interface Signature {
  presigned: boolean;
  algorithm: string;
  credential: string;
  signedHeaders: string;
  signature: string;
  /** The request time as signed (ISO-8601 basic). */
  amzDate: string;
  time: number;
  expires?: number;
  sessionToken?: string;
  /** Decoded query parameters, when the request has any (the presigned form always does). */
  params: [string, string][];
}

export class SigV4Verifier {
  // HMAC chain results per (secret, date, region, service): deriving one costs four HMACs per request.
  private readonly signingKeys = new Map<string, Buffer>();

  constructor(private readonly options: VerifierOptions) {}

  /** The caller and region of a signed request; throws SignatureFailure. */
  verify(request: SignedRequest, expect: Expectation): Signer {
    return this.begin(request, expect).complete(request.body.length === 0 ? EMPTY_SHA256 : sha256(request.body));
  }

  /** Checks all a signature's head can tell (everything but the payload); throws SignatureFailure. */
  begin(head: SignedHead, expect: Expectation): PendingSignature {
    if (expect.resourcePath !== undefined && isQueryV2(head)) return this.beginQueryV2(head, expect, expect.resourcePath);
    const signature = parse(head);
    const [accessKeyId, date, region, service, terminator, ...rest] = signature.credential.split('/');
    if (rest.length > 0 || terminator === undefined)
      throw new SignatureFailure(
        'incomplete',
        `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${signature.credential}'`,
      );
    const claimed = claimedPayload(head, signature, expect.unsignedPayload ?? false);
    // Only S3 signs a payload mode instead of the payload; elsewhere the header's value is just a header.
    const payloadMode = expect.unsignedPayload && claimed !== undefined && !HEX_SHA256.test(claimed) ? claimed : undefined;
    if (this.options.mode === 'permissive') {
      const signer = this.permissive(accessKeyId!, region!, signature.sessionToken);
      return { service: service!, payloadMode, complete: () => signer };
    }

    checkTime(signature, expect);
    if (!signature.signedHeaders.split(';').includes('host'))
      throw new SignatureFailure('invalid', "'Host' must be a 'SignedHeader' in the AWS Authorization.");
    if (signature.algorithm !== ALGORITHM)
      throw new SignatureFailure('incomplete', `Unsupported AWS 'algorithm': '${signature.algorithm}' (only ${ALGORITHM} for now). `);
    const scope: string[] = [];
    // The region a request is served in is the one its signature names (Wharf serves every region), so the
    // only wrong region is one AWS does not have.
    if (!isRegion(region!)) scope.push(`Credential should be scoped to a valid region, not '${region}'. `);
    if (expect.service !== undefined && service !== expect.service) scope.push(wrongService(expect.service));
    if (terminator !== 'aws4_request')
      scope.push(`Credential should be scoped with a valid terminator: 'aws4_request', not '${terminator}'. `);
    if (date !== signature.amzDate.slice(0, 8))
      scope.push(
        `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${date}' != '${signature.amzDate.slice(0, 8)}', from '${signature.amzDate}'.`,
      );
    if (scope.length > 0) throw new SignatureFailure('invalid', scope.join('').trim());

    // The token is judged before the signature, as AWS does: it is what names the secret of temporary credentials.
    const credentials = this.options.credentials.resolve(accessKeyId!, signature.sessionToken);
    if (!credentials) throw new SignatureFailure('unknown-key', INVALID_TOKEN);
    if ('refused' in credentials)
      throw credentials.refused === 'expired-token'
        ? new SignatureFailure('expired-token', 'The security token included in the request is expired')
        : new SignatureFailure('invalid-token', INVALID_TOKEN);

    const key = this.signingKey(credentials.secretAccessKey, date!, region!, service!);
    const signer = { caller: credentials.caller, region: region! };
    // The payload hash the signature was found good for: checked against a claimed hash before the body, then
    // given the body's own, the same signature is not computed twice.
    let verified: string | undefined;
    return {
      service: service!,
      claimedPayloadHash: claimed !== undefined && HEX_SHA256.test(claimed) && !signature.presigned ? claimed : undefined,
      payloadMode,
      chunkSigning: { seed: signature.signature, amzDate: signature.amzDate, scope: `${date}/${region}/${service}/${terminator}`, key },
      complete(payloadHash, expected) {
        if (expected !== undefined && service !== expected) throw new SignatureFailure('invalid', wrongService(expected).trim());
        if (payloadHash === verified) return signer;
        const payload = payloadMode ?? payloadHash;
        const canonical = canonicalRequest(head, signature, payload, expect.pathAsSent ?? false);
        const stringToSign = `${ALGORITHM}\n${signature.amzDate}\n${date}/${region}/${service}/${terminator}\n${sha256(canonical)}`;
        const expectedSignature = createHmac('sha256', key).update(stringToSign).digest();
        // Exactly the 64 hex digits of a signature: hex decoding would stop at the first other character.
        const given = HEX_SHA256.test(signature.signature) ? Buffer.from(signature.signature, 'hex') : undefined;
        if (!given || !timingSafeEqual(given, expectedSignature))
          throw new SignatureFailure(
            'mismatch',
            'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.' +
              `\n\nThe Canonical String for this request should have been\n'${canonical}'\n\nThe String-to-Sign should have been\n'${stringToSign}'\n`,
          );
        verified = payloadHash;
        return signer;
      },
    };
  }

  /** A SigV2 presigned URL (S3): it signs no payload, and names no region (the default one serves it). */
  private beginQueryV2(head: SignedHead, expect: Expectation, resourcePath: string): PendingSignature {
    const params = [...formPairs(head.query)];
    const query = queryV2(params);
    if (!query) throw new SignatureFailure('incomplete', 'Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters');
    const pending = (signer: Signer): PendingSignature => ({ service: expect.service ?? 's3', payloadMode: 'UNSIGNED-PAYLOAD', complete: () => signer });
    if (this.options.mode === 'permissive') return pending(this.permissive(query.accessKeyId, this.options.region, query.sessionToken));
    if (!/^\d{1,12}$/.test(query.expires) || Number(query.expires) * 1000 < expect.now.getTime()) throw new SignatureFailure('expired', 'Request has expired');
    const credentials = this.options.credentials.resolve(query.accessKeyId, query.sessionToken);
    if (!credentials) throw new SignatureFailure('unknown-key', INVALID_TOKEN);
    if ('refused' in credentials)
      throw credentials.refused === 'expired-token'
        ? new SignatureFailure('expired-token', 'The security token included in the request is expired')
        : new SignatureFailure('invalid-token', INVALID_TOKEN);
    const stringToSign = queryV2StringToSign(head, params, resourcePath);
    if (!queryV2SignatureMatches(credentials.secretAccessKey, stringToSign, query.signature))
      throw new SignatureFailure(
        'mismatch',
        `The request signature we calculated does not match the signature you provided. Check your key and signing method.\n\nThe String-to-Sign should have been\n'${stringToSign}'\n`,
      );
    return pending({ caller: credentials.caller, region: this.options.region });
  }

  private permissive(accessKeyId: string, region: string, sessionToken: string | undefined): Signer {
    const known = this.options.credentials.resolve(accessKeyId, sessionToken);
    // As LocalStack does, a key id that is an account id names the account.
    const accountId = /^\d{12}$/.test(accessKeyId) ? accessKeyId : this.options.accountId;
    const caller = (known && 'caller' in known ? known.caller : undefined) ?? { accessKeyId, accountId, arn: `arn:aws:iam::${accountId}:root` };
    return { caller, region: isRegion(region) ? region : this.options.region };
  }

  private signingKey(secret: string, date: string, region: string, service: string): Buffer {
    const id = `${secret}\n${date}\n${region}\n${service}`;
    let key = this.signingKeys.get(id);
    if (!key) {
      key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
      if (this.signingKeys.size >= SIGNING_KEY_CACHE_SIZE) this.signingKeys.clear();
      this.signingKeys.set(id, key);
    }
    return key;
  }
}

const wrongService = (service: string) => `Credential should be scoped to correct service: '${service}'. `;

function parse(request: SignedHead): Signature {
  // Decoded as the query's parameters are decoded for the call (form.ts), so one wire form means one thing.
  const params = request.query === '' ? [] : [...formPairs(request.query)];
  const authorization = request.headers.authorization;
  if (authorization !== undefined) return parseHeader(authorization, request, params);
  if (params.some(([name]) => name === 'X-Amz-Algorithm' || name === 'X-Amz-Credential')) return parsePresigned(params);
  throw new SignatureFailure('missing', 'Request is missing Authentication Token');
}

function parseHeader(authorization: string, request: SignedHead, params: [string, string][]): Signature {
  const header = authorization.trim();
  if (!header.startsWith('AWS4-')) throw new SignatureFailure('missing', 'Request is missing Authentication Token');
  const space = header.indexOf(' ');
  const algorithm = space < 0 ? header : header.slice(0, space);
  const fields = new Map<string, string>();
  // Parts are separated by commas, with or without spaces.
  for (const part of space < 0 ? [] : header.slice(space + 1).split(/[,\s]+/)) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq < 0)
      throw new SignatureFailure(
        'incomplete',
        `'${part}' not a valid key=value pair (missing equal-sign) in Authorization header: '${header}'.`,
      );
    fields.set(part.slice(0, eq), part.slice(eq + 1));
  }
  const amzDate = headerValue(request.headers['x-amz-date']) ?? headerValue(request.headers.date);
  let problems = '';
  for (const name of ['Credential', 'Signature', 'SignedHeaders'])
    if (!fields.has(name)) problems += `Authorization header requires '${name}' parameter. `;
  if (amzDate === undefined) problems += "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";
  if (problems) throw new SignatureFailure('incomplete', `${problems}Authorization=${header}`);
  const { basic, time } = parseDate(amzDate!);
  return {
    presigned: false,
    algorithm,
    credential: fields.get('Credential')!,
    signedHeaders: fields.get('SignedHeaders')!,
    signature: fields.get('Signature')!,
    amzDate: basic,
    time,
    sessionToken: headerValue(request.headers['x-amz-security-token']),
    params,
  };
}

function parsePresigned(params: [string, string][]): Signature {
  const get = (name: string) => params.find(([key]) => key === name)?.[1];
  const [algorithm, credential, amzDate, expires, signedHeaders, signature] = [
    'X-Amz-Algorithm',
    'X-Amz-Credential',
    'X-Amz-Date',
    'X-Amz-Expires',
    'X-Amz-SignedHeaders',
    'X-Amz-Signature',
  ].map(get);
  if (!algorithm || !credential || !amzDate || !expires || !signedHeaders || !signature)
    throw new SignatureFailure(
      'incomplete',
      'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
    );
  const seconds = Number(expires);
  if (!Number.isInteger(seconds) || seconds < 0)
    throw new SignatureFailure('incomplete', 'X-Amz-Expires should be a number');
  if (seconds > MAX_PRESIGNED_SECONDS)
    throw new SignatureFailure('incomplete', `X-Amz-Expires must be less than a week (in seconds) that is ${MAX_PRESIGNED_SECONDS}`);
  const { basic, time } = parseDate(amzDate);
  return {
    presigned: true,
    algorithm,
    credential,
    signedHeaders,
    signature,
    amzDate: basic,
    time,
    expires: seconds,
    sessionToken: get('X-Amz-Security-Token'),
    params,
  };
}

const headerValue = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/** X-Amz-Date is ISO-8601 basic (20150830T123600Z); a plain Date header is RFC 1123. */
function parseDate(value: string): { basic: string; time: number } {
  const basic = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (basic) {
    const [, y, mo, d, h, mi, s] = basic.map(Number) as number[];
    return { basic: value, time: Date.UTC(y!, mo! - 1, d!, h!, mi!, s!) };
  }
  const time = Date.parse(value);
  if (/[a-z]{3}, /i.test(value) && !Number.isNaN(time)) return { basic: isoBasic(time), time };
  throw new SignatureFailure('incomplete', `Date must be in ISO-8601 'basic format'. Got '${value}'. See http://en.wikipedia.org/wiki/ISO_8601`);
}

const isoBasic = (time: number) => new Date(time).toISOString().replace(/[-:]|\.\d{3}/g, '');

function checkTime(signature: Signature, expect: Expectation): void {
  const now = expect.now.getTime();
  const skew = expect.clockSkewMinutes * 60_000;
  if (signature.time > now + skew)
    throw new SignatureFailure(
      'skewed',
      `Signature not yet current: ${signature.amzDate} is still later than ${isoBasic(now + skew)} (${isoBasic(now)} + ${expect.clockSkewMinutes} min.)`,
    );
  if (signature.presigned) {
    if (signature.time + signature.expires! * 1000 < now) throw new SignatureFailure('expired', 'Request has expired');
  } else if (signature.time < now - skew) {
    throw new SignatureFailure(
      'skewed',
      `Signature expired: ${signature.amzDate} is now earlier than ${isoBasic(now - skew)} (${isoBasic(now)} - ${expect.clockSkewMinutes} min.)`,
    );
  }
}

function canonicalRequest(request: SignedHead, signature: Signature, payloadHash: string, pathAsSent: boolean): string {
  const names = signature.signedHeaders.split(';');
  return [
    request.method,
    pathAsSent ? request.path : canonicalPath(request.path),
    canonicalQuery(signature.params, signature.presigned),
    canonicalHeaders(request.rawHeaders, names),
    signature.signedHeaders,
    payloadHash,
  ].join('\n');
}

/** AWS's URI encoding: everything but A-Z a-z 0-9 - _ . ~ as %XX with upper-case hex. */
export function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

// The path is normalised (empty, `.` and `..` segments resolved) and encoded once more, slashes kept.
function canonicalPath(path: string): string {
  if (path === '/') return path;
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const trailing = segments.length > 0 && path.endsWith('/') ? '/' : '';
  return `${path.startsWith('/') ? '/' : ''}${segments.map(uriEncode).join('/')}${trailing}`;
}

// Each name and value encoded, sorted by name then value; a presigned URL's own signature is left out.
function canonicalQuery(params: [string, string][], presigned: boolean): string {
  if (params.length === 0) return '';
  const encoded: [string, string][] = [];
  for (const [name, value] of params) {
    if (presigned && name === 'X-Amz-Signature') continue;
    encoded.push([uriEncode(name), uriEncode(value)]);
  }
  encoded.sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0));
  return encoded.map(([name, value]) => `${name}=${value}`).join('&');
}

// `name:value` per signed header; a repeated header's values trimmed and joined with commas; runs of spaces
// inside a value become one.
function canonicalHeaders(rawHeaders: readonly string[], names: string[]): string {
  const values: string[][] = names.map(() => []);
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const index = names.indexOf(rawHeaders[i]!.toLowerCase());
    if (index >= 0) values[index]!.push(rawHeaders[i + 1]!.replace(/[ \t\r\n]+/g, ' ').trim());
  }
  let out = '';
  for (let i = 0; i < names.length; i++) out += `${names[i]}:${values[i]!.join(',')}\n`;
  return out;
}

/** The payload hash the signer says it signed: x-amz-content-sha256 (a query parameter when presigned). */
function claimedPayload(request: SignedHead, signature: Signature, payloadModes: boolean): string | undefined {
  // S3's presigned URLs sign no payload unless they say otherwise.
  if (signature.presigned) return signature.params.find(([name]) => name === 'X-Amz-Content-Sha256')?.[1] ?? (payloadModes ? 'UNSIGNED-PAYLOAD' : undefined);
  return signature.signedHeaders.split(';').includes('x-amz-content-sha256') ? headerValue(request.headers['x-amz-content-sha256']) : undefined;
}

// The one-shot crypto.hash (Node 20.12 on) spares a Hash object per call; older Node 20 builds the object.
const oneShot = (crypto as { hash?: (algorithm: string, data: string | Buffer, encoding: 'hex') => string }).hash;
const sha256 = oneShot ? (data: string | Buffer) => oneShot('sha256', data, 'hex') : (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
