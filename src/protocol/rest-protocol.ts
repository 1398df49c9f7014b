// The REST protocols: REST-XML (S3) and REST-JSON (EFS, Scheduler). A request's service is the one its
// credential scope names (Authorization header or presigned X-Amz-Credential); its operation is the most
// specific URI template that matches its method, path and query (rest.ts). S3 is also addressed
// virtual-hosted-style (`bucket.localhost:4566`, `bucket.s3.us-west-2.amazonaws.com`): the bucket moves from
// the Host header to the front of the path before matching (the signature covers the path as sent). An
// unsigned request goes to S3 when it cannot be another protocol's (those POST forms or JSON to `/`).
import type { Readable } from 'node:stream';
import { AwsError, UnknownOperationException } from '../core/errors.js';
import { encodeJsonError, jsonInput } from './json.js';
import { Cursor, inputReaders, serverFaultCode, validationError, type InputDialect, type Reader } from './model.js';
import { httpRequest, matchOperation, RestOperation, type BodyCodec, type HttpRequest } from './rest.js';
import { jsonCodec, jsonErrorMembers, restJsonAuthError } from './rest-json.js';
import { encodeXmlError, s3AuthError, xmlCodec, xmlNamespaceOf } from './rest-xml.js';
import type { ServiceBinding } from './service.js';
import { DEFAULT_CLOCK_SKEW_MINUTES, type SignatureFailure } from './sigv4.js';
import type { Call, Operation, RequestHead, Route, SigningService, WireProtocol, WireResponse } from './wire.js';

export function restProtocol(bindings: ServiceBinding[]): WireProtocol {
  const services = new Map(bindings.map((binding) => [binding.model.metadata.signingName ?? binding.model.metadata.endpointPrefix, new RestService(binding)]));
  // Anonymous requests (allowed by a bucket policy) can only be S3's.
  const anonymous = [...services.values()].find((service) => service.s3Signing);
  return {
    route(head) {
      const scope = scopedService(head);
      if (scope !== undefined) return services.get(scope);
      if (!anonymous || head.headers['x-amz-target'] !== undefined) return undefined;
      const formPost = head.path === '/' && head.method === 'POST';
      return formPost || /(^|&)Action=/.test(head.query) ? undefined : anonymous;
    },
  };
}

/** The signing name in the credential scope (`AKID/20240501/us-east-1/<service>/aws4_request`), if signed. */
function scopedService(head: RequestHead): string | undefined {
  const { authorization } = head.headers;
  if (typeof authorization === 'string') return /Credential=([^,\s]+)/.exec(authorization)?.[1]?.split('/')[3] ?? '';
  const credential = /(?:^|&)X-Amz-Credential=([^&]*)/.exec(head.query)?.[1];
  if (credential === undefined) return undefined;
  try {
    return decodeURIComponent(credential).split('/')[3] ?? '';
  } catch {
    return '';
  }
}

// S3's virtual-hosted-style host names: `<bucket>.localhost`, `<bucket>.s3.amazonaws.com`,
// `<bucket>.s3.<region>.amazonaws.com`, `<bucket>.s3-<region>.amazonaws.com`.
const VIRTUAL_HOST = /^(.+?)\.(localhost|s3\.localhost|s3[.-](?:[a-z0-9-]+\.)*amazonaws\.com(?:\.cn)?)$/;

/** The bucket a Host header names, virtual-hosted-style, or undefined. */
export function virtualHostBucket(host: string | undefined): string | undefined {
  if (!host) return undefined;
  const name = host.startsWith('[') ? host : host.replace(/:\d+$/, '');
  const match = VIRTUAL_HOST.exec(name.toLowerCase());
  return match && !/^s3([.-]|$)/.test(match[1]!) ? match[1] : undefined;
}

class RestService implements Route, SigningService {
  readonly signingName: string;
  readonly clockSkewMinutes: number;
  readonly maxBodyBytes: number | undefined;
  readonly s3Signing: boolean;
  readonly signing: SigningService = this;
  private readonly operations: RestOperation[] = [];
  private readonly compiled = new Map<RestOperation, Operation>();
  private readonly read: (shape: string) => Reader;
  private readonly xml: boolean;
  private readonly namespace: string;
  private readonly faultCode: string;
  private readonly validationCode: string;
  private readonly errorStatus = new Map<string, number>();
  private readonly errorMembers: (error: AwsError) => unknown;
  // The match of a request's head, asked for twice (does it stream? then decode).
  private readonly matches = new WeakMap<RequestHead, { operation: RestOperation; labels: Record<string, string>; request: HttpRequest }>();

  constructor(private readonly binding: ServiceBinding) {
    const { model, handlers } = binding;
    const { metadata } = model;
    for (const name of Object.keys(handlers)) if (!model.operations[name]) throw new Error(`${metadata.serviceId} has no operation ${name}`);
    this.signingName = metadata.signingName ?? metadata.endpointPrefix;
    this.clockSkewMinutes = binding.clockSkewMinutes ?? DEFAULT_CLOCK_SKEW_MINUTES;
    this.maxBodyBytes = binding.maxBodyBytes;
    this.s3Signing = metadata.signatureVersion?.startsWith('s3') ?? false;
    this.xml = metadata.protocol === 'rest-xml';
    this.namespace = xmlNamespaceOf(model);
    const codec: BodyCodec = this.xml ? xmlCodec(model, this.namespace) : jsonCodec(model);
    this.read = inputReaders(model, this.xml ? checkedInput : restJsonInput);
    this.faultCode = serverFaultCode(model) ?? (this.s3Signing ? 'InternalError' : 'InternalFailure');
    this.validationCode = binding.validationErrorCode ?? (this.s3Signing ? 'InvalidArgument' : model.shapes.BadRequest ? 'BadRequest' : 'ValidationException');
    for (const [name, shape] of Object.entries(model.shapes)) if (shape.exception && shape.error?.httpStatusCode) this.errorStatus.set(shape.error.code ?? name, shape.error.httpStatusCode);
    this.errorMembers = this.xml ? () => undefined : jsonErrorMembers(model);
    for (const operation of Object.values(model.operations))
      this.operations.push(new RestOperation(model, operation, codec, handlers[operation.name] !== undefined, binding.xmlRoots?.[operation.name]));
  }

  streamsBody(head: RequestHead): boolean {
    return this.match(head)?.operation.streamsBody ?? false;
  }

  decode(head: RequestHead, body: Buffer | Readable): Call {
    const match = this.match(head);
    if (!match)
      throw this.s3Signing
        ? new AwsError('MethodNotAllowed', 'The specified method is not allowed against this resource.', 405)
        : new UnknownOperationException(`No operation of ${this.binding.model.metadata.serviceId} answers ${head.method} ${head.path}`);
    const raw = match.operation.read(match.request, match.labels, body);
    return { service: this, operation: this.operation(match.operation, head.method === 'HEAD'), raw };
  }

  preflight(head: RequestHead, requestId: string): WireResponse {
    const origin = head.headers.origin;
    const method = head.headers['access-control-request-method'];
    if (!this.binding.crossOrigin) throw new UnknownOperationException(`No operation of ${this.binding.model.metadata.serviceId} answers OPTIONS ${head.path}`);
    if (origin === undefined) throw new AwsError('BadRequest', 'Insufficient information. Origin request header needed.', 400);
    if (typeof method !== 'string') throw new AwsError('BadRequest', 'Invalid Access-Control-Request-Method: null', 400);
    const requested = head.headers['access-control-request-headers'];
    const requestHeaders = typeof requested === 'string' ? requested.split(',').map((name) => name.trim().toLowerCase()).filter(Boolean) : [];
    const headers = this.binding.crossOrigin({ bucket: this.bucketOf(head), origin, method, requestHeaders, preflight: true })!;
    return { status: 200, headers: { ...headers, ...this.requestIdHeaders(requestId) }, body: '' };
  }

  crossOriginHeaders(head: RequestHead): Record<string, string> | undefined {
    const origin = head.headers.origin;
    if (origin === undefined || !this.binding.crossOrigin) return undefined;
    return this.binding.crossOrigin({ bucket: this.bucketOf(head), origin, method: head.method, requestHeaders: [], preflight: false });
  }

  /** The bucket an S3 request's path (or Host) names; '' for none. */
  private bucketOf(head: RequestHead): string {
    const segment = this.resourcePath(head).split('/')[1] ?? '';
    try {
      return decodeURIComponent(segment);
    } catch {
      return segment;
    }
  }

  resourcePath(head: RequestHead): string {
    const bucket = this.s3Signing ? virtualHostBucket(head.headers.host) : undefined;
    return bucket === undefined ? head.path : `/${encodeURIComponent(bucket)}${head.path === '/' ? '' : head.path}`;
  }

  private match(head: RequestHead) {
    let match = this.matches.get(head);
    if (match) return match;
    const path = this.resourcePath(head);
    const request = httpRequest(head.method === 'HEAD' ? 'HEAD' : head.method, path, head.query, head.headers);
    // HEAD is its own method in the models (HeadObject, HeadBucket).
    const found = matchOperation(this.operations, request);
    if (!found) return undefined;
    match = { ...found, request };
    this.matches.set(head, match);
    return match;
  }

  private operation(operation: RestOperation, head: boolean): Operation {
    let compiled = this.compiled.get(operation);
    if (compiled) return compiled;
    const model = this.binding.model.operations[operation.name]!;
    const reader = model.input ? this.read(model.input.shape) : undefined;
    compiled = {
      name: operation.name,
      handler: this.binding.handlers[operation.name],
      readInput: (raw) => {
        if (!reader) return {};
        const cursor = new Cursor();
        const input = reader(raw, cursor) as Record<string, unknown>;
        if (cursor.violations.length > 0) throw validationError(this.validationCode, cursor.violations);
        // A streamed body is no enumerable member: authorisation and logs read inputs as JSON.
        const streaming = operation.streamingMember;
        if (streaming && input[streaming] !== undefined) Object.defineProperty(input, streaming, { value: input[streaming], enumerable: false });
        return input;
      },
      encodeOutput: (output, requestId) => {
        const response = operation.writeOutput(output);
        Object.assign(response.headers, this.requestIdHeaders(requestId));
        if (head && typeof response.body !== 'string' && !Buffer.isBuffer(response.body)) response.body.destroy();
        return head ? { ...response, body: '' } : response;
      },
    };
    this.compiled.set(operation, compiled);
    return compiled;
  }

  private requestIdHeaders(requestId: string): Record<string, string> {
    return this.s3Signing ? { 'x-amz-request-id': requestId, 'x-amz-id-2': requestId } : { 'x-amzn-RequestId': requestId };
  }

  authError(failure: SignatureFailure): AwsError {
    return this.s3Signing ? s3AuthError(failure) : restJsonAuthError(failure);
  }

  internalError(): AwsError {
    return new AwsError(this.faultCode, this.s3Signing ? 'We encountered an internal error. Please try again.' : 'An internal error occurred.', 500);
  }

  encodeError(error: AwsError, requestId: string): WireResponse {
    const status = error.status === 400 ? (this.errorStatus.get(error.code) ?? (this.xml ? undefined : REST_JSON_FRONT_END[error.code]) ?? 400) : error.status;
    const failure = status === error.status ? error : Object.assign(new AwsError(error.code, error.message, status), error);
    const response = this.xml
      ? encodeXmlError(failure, requestId, this.s3Signing, this.namespace)
      : encodeJsonError(failure, requestId, 'application/json', this.errorMembers(failure));
    Object.assign(response.headers, this.requestIdHeaders(requestId));
    return response;
  }
}

/** What REST-JSON services' common front end answers for errors their models do not define (EFS, Scheduler: a denial is 403). */
const REST_JSON_FRONT_END: Record<string, number> = { AccessDeniedException: 403 };

const passes = (value: unknown) => value instanceof Date || value instanceof Uint8Array || (typeof value === 'object' && value !== null && typeof (value as Readable).pipe === 'function');

// REST-XML's readers (and the binding's header, query and label readers) have built and typed every value:
// the model's readers only check constraints.
const checkedInput: InputDialect = {
  scalar: () => (value) => value,
  notA: (kind) => new AwsError('MalformedXML', `The XML you provided was not well-formed or did not validate against our published schema (expected a ${kind}).`, 400),
};

// REST-JSON bodies are JSON values, read as awsJson reads them; values from labels, the query and headers
// come typed already.
const restJsonInput: InputDialect = {
  scalar(shape) {
    const convert = jsonInput.scalar(shape);
    return (value) => (passes(value) ? value : convert(value));
  },
  notA: jsonInput.notA,
};
