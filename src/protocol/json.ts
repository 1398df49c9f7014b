// The awsJson 1.0/1.1 protocol (ECS, DynamoDB, ...): POST /, `X-Amz-Target: <targetPrefix>.<Operation>`, a
// JSON body in and out. Errors are `{"__type": "<Code>", "message": "..."}` with `x-amzn-ErrorType`; both
// botocore and the JS SDK also accept AWS's `namespace#Code` form, and the plain code is what they match.
// Type errors use the wording of AWS's Java front end (Coral), as AWS answers them.
//
// `RpcService` is the RPC layer awsJson shares with smithy-rpc-v2-cbor (rpcv2-cbor.ts): operations by name,
// one document in and one out, `__type` errors; an `RpcCodec` says how the document is written and where the
// operation is named. A service that was once a query service (`awsQueryCompatible`: CloudWatch, SQS) also
// sends each error's query code in `x-amzn-query-error: <Code>;<Sender|Receiver>`, which its SDKs prefer.
import { gunzipSync } from 'node:zlib';
import { AwsError, IncompleteSignatureException, InternalFailure, InvalidSignatureException, MissingAuthenticationTokenException, RequestEntityTooLarge, SerializationException, UnknownOperationException, UnrecognizedClientException } from '../core/errors.js';
import { EVENT_STREAM_CONTENT_TYPE, eventStreamBody, type EventWriters } from './event-stream.js';
import { Cursor, inputReaders, outputWriters, serverFaultCode, validationError, type InputDialect, type OutputDialect, type Writer } from './model.js';
import type { Compile } from './shapes.js';
import type { ServiceBinding, ServiceModel } from './service.js';
import { ExpiredTokenException } from '../core/iam-errors.js';
import { DEFAULT_CLOCK_SKEW_MINUTES, type SignatureFailure } from './sigv4.js';
import type { Call, Operation, RequestHead, Route, SigningService, WireProtocol, WireResponse } from './wire.js';

export function awsJsonProtocol(bindings: ServiceBinding[]): WireProtocol {
  const services = new Map<string, RpcService>();
  for (const binding of bindings) {
    const service = new RpcService(binding, jsonCodec(binding.model));
    services.set(service.targetPrefix, service);
  }
  return {
    route(head) {
      const target = head.headers['x-amz-target'];
      if (typeof target !== 'string') return undefined;
      return services.get(target.slice(0, target.lastIndexOf('.'))) ?? unknownTarget;
    },
  };
}

/** How one RPC protocol writes its documents and names its operations. */
export interface RpcCodec {
  contentType: string;
  /** The content type of an event stream's payloads (StartLiveTail's events). */
  eventContentType: string;
  /** Headers every response carries besides the content type and request id. */
  headers: Record<string, string>;
  input: InputDialect;
  output: OutputDialect;
  /** The request's document; throws SerializationException. */
  parse(body: Buffer): unknown;
  serialize(document: unknown): string | Buffer;
  /** The operation the request names (its route matched it already). */
  operationName(head: RequestHead): string;
}

function jsonCodec(model: ServiceModel): RpcCodec {
  return {
    contentType: `application/x-amz-json-${model.metadata.jsonVersion ?? '1.0'}`,
    eventContentType: 'application/json',
    headers: {},
    input: jsonInput,
    output: jsonOutput,
    parse: parseBody,
    serialize: JSON.stringify,
    operationName: (head) => {
      const target = head.headers['x-amz-target'] as string;
      return target.slice(target.lastIndexOf('.') + 1);
    },
  };
}

export class RpcService implements Route, SigningService {
  readonly targetPrefix: string;
  readonly signingName: string;
  readonly clockSkewMinutes: number;
  readonly maxBodyBytes: number | undefined;
  /** The target prefix names the service: a signature is checked against it before the body is read. */
  readonly signing: SigningService = this;
  private readonly operations = new Map<string, Operation>();
  private readonly errorWriters = new Map<string, Writer>();
  private readonly faultCode: string;
  private readonly responseCrc32: boolean;
  /** awsQueryCompatible services: each error's shape name (`__type`) and query code, by either. */
  private readonly queryErrors: Map<string, { type: string; code: string }> | undefined;

  constructor(
    { model, handlers, validationErrorCode, clockSkewMinutes, maxBodyBytes, responseCrc32 }: ServiceBinding,
    private readonly codec: RpcCodec,
  ) {
    this.responseCrc32 = responseCrc32 ?? false;
    const { metadata } = model;
    if (!metadata.targetPrefix) throw new Error(`${metadata.serviceId} has no targetPrefix: not an awsJson service`);
    this.targetPrefix = metadata.targetPrefix;
    this.signingName = metadata.signingName ?? metadata.endpointPrefix;
    this.clockSkewMinutes = clockSkewMinutes ?? DEFAULT_CLOCK_SKEW_MINUTES;
    this.maxBodyBytes = maxBodyBytes;
    // The service's own server-fault error (ECS: ServerException), else AWS's common InternalFailure.
    this.faultCode = serverFaultCode(model) ?? 'InternalFailure';
    const validationCode = validationErrorCode ?? defaultValidationCode(model);
    const read = inputReaders(model, codec.input);
    const write = outputWriters(model, codec.output);

    for (const name of Object.keys(handlers))
      if (!model.operations[name]) throw new Error(`${metadata.serviceId} has no operation ${name}`);
    for (const [name, operation] of Object.entries(model.operations)) {
      const reader = operation.input ? read(operation.input.shape) : undefined;
      const writer = operation.output ? write(operation.output.shape) : undefined;
      const stream = operation.output && this.eventStream(model, operation.output.shape, write);
      this.operations.set(name, {
        name,
        handler: handlers[name],
        readInput: (raw) => {
          if (!reader) return {};
          const cursor = new Cursor();
          const input = reader(raw, cursor);
          if (cursor.violations.length > 0) throw validationError(validationCode, cursor.violations);
          return input;
        },
        encodeOutput: (output, requestId) =>
          stream
            ? {
                status: 200,
                headers: { ...codec.headers, 'content-type': EVENT_STREAM_CONTENT_TYPE, 'x-amzn-RequestId': requestId },
                body: eventStreamBody(
                  (output as Record<string, AsyncIterable<Record<string, unknown>>>)[stream.member]!,
                  stream.writers,
                  Buffer.from(codec.serialize((writer && writer({ ...(output as object), [stream.member]: undefined })) ?? {})),
                ),
              }
            : this.checksummed({
                status: 200,
                headers: { ...codec.headers, 'content-type': codec.contentType, 'x-amzn-RequestId': requestId },
                body: codec.serialize((writer && writer(output)) ?? {}),
              }),
      });
    }
    // Errors with members beyond `message` (ECS's ConflictException has resourceIds) carry them as the
    // thrown error's own properties.
    for (const [name, shape] of Object.entries(model.shapes)) {
      if (!shape.exception || Object.keys(shape.members ?? {}).every((member) => member === 'message')) continue;
      this.errorWriters.set(shape.error?.code ?? name, write(name));
    }
    this.queryErrors = metadata.awsQueryCompatible ? queryErrorCodes(model) : undefined;
  }

  /**
   * The output's event stream member, if it has one (its other members go in the stream's initial-response),
   * and how its events are written: each union member's payload through its shape.
   */
  private eventStream(model: ServiceModel, output: string, write: Compile<Writer>): { member: string; writers: EventWriters } | undefined {
    const found = Object.entries(model.shapes[output]?.members ?? {}).find(([, ref]) => model.shapes[ref.shape]?.eventstream);
    if (!found) return undefined;
    const union = model.shapes[found[1].shape]!;
    const members = new Map(Object.entries(union.members ?? {}).map(([name, ref]) => [name, { exception: model.shapes[ref.shape]?.exception === true, write: write(ref.shape) }]));
    const payload = (value: unknown) => Buffer.from(this.codec.serialize(value ?? {}));
    return {
      member: found[0],
      writers: {
        contentType: this.codec.eventContentType,
        event: (name, value) => {
          const member = members.get(name);
          return member && !member.exception ? payload(member.write(value)) : undefined;
        },
        modelledError: (code) => members.get(code)?.exception === true,
        exception: (error) => payload({ message: error.message }),
      },
    };
  }

  decode(head: RequestHead, body: Buffer): Call {
    const name = this.codec.operationName(head);
    const operation = this.operations.get(name);
    if (!operation) throw new UnknownOperationException(`${name} is not an operation of ${this.targetPrefix}`);
    return { service: this, operation, raw: this.codec.parse(inflated(head, body, this.maxBodyBytes ?? MAX_INFLATED_BYTES)) };
  }

  authError(failure: SignatureFailure): AwsError {
    return jsonAuthError(failure);
  }

  internalError(): AwsError {
    return new AwsError(this.faultCode, INTERNAL_FAILURE, 500);
  }

  encodeError(error: AwsError, requestId: string): WireResponse {
    const compatible = this.queryErrors && (this.queryErrors.get(error.code) ?? { type: error.code, code: error.code });
    const members = this.errorWriters.get(compatible?.code ?? error.code)?.(error);
    const headers: Record<string, string> = {
      ...this.codec.headers,
      'content-type': this.codec.contentType,
      'x-amzn-RequestId': requestId,
      'x-amzn-ErrorType': compatible?.type ?? error.code,
    };
    if (compatible) headers['x-amzn-query-error'] = `${compatible.code};${error.status >= 500 ? 'Receiver' : 'Sender'}`;
    return this.checksummed({
      status: error.status,
      headers,
      body: this.codec.serialize({ __type: compatible?.type ?? error.code, message: error.message, ...(members as object | undefined) }),
    });
  }

  private checksummed(response: WireResponse): WireResponse {
    if (this.responseCrc32) response.headers['x-amz-crc32'] = String(crc32(Buffer.from(response.body as string | Buffer)));
    return response;
  }
}

const CRC32_TABLE = Int32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});

/** CRC-32 (IEEE), as DynamoDB's x-amz-crc32 carries it: unsigned, in decimal. */
export function crc32(data: Uint8Array): number {
  let c = -1;
  for (const byte of data) c = CRC32_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

/** The most a compressed body may inflate to where the service sets no limit of its own. */
const MAX_INFLATED_BYTES = 10 * 1024 * 1024;

/**
 * The body as sent before compression: SDKs gzip operations the model marks `requestcompression`
 * (CloudWatch's PutMetricData) once the body passes 10 KiB. Inflated within the service's body limit.
 */
function inflated(head: RequestHead, body: Buffer, limit: number): Buffer {
  const encoding = head.headers['content-encoding'];
  if (encoding === undefined || encoding === 'identity') return body;
  if (encoding !== 'gzip') throw new SerializationException(`Content-Encoding ${encoding} is not supported`);
  try {
    return gunzipSync(body, { maxOutputLength: limit });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw new RequestEntityTooLarge(`Request body is larger than ${limit} bytes once inflated`);
    throw new SerializationException(`Request body is not valid gzip: ${(error as Error).message}`);
  }
}

/**
 * An awsQueryCompatible service's errors, by shape name and by query code: handlers throw either, `__type`
 * is the shape name and `x-amzn-query-error` the code. Constraint violations are the query protocol's
 * `ValidationError` (ValidationException in JSON).
 */
function queryErrorCodes(model: ServiceModel): Map<string, { type: string; code: string }> {
  const codes = new Map<string, { type: string; code: string }>();
  const add = (type: string, code: string) => {
    codes.set(type, { type, code });
    codes.set(code, { type, code });
  };
  add('ValidationException', 'ValidationError');
  for (const [name, shape] of Object.entries(model.shapes)) if (shape.exception) add(name, shape.error?.code ?? name);
  return codes;
}

/** Errors in JSON for requests that reached no service: the gateway's own answers, and unknown targets. */
export const jsonErrors: Omit<Route, 'decode'> = {
  authError: jsonAuthError,
  internalError: () => new InternalFailure(INTERNAL_FAILURE),
  encodeError: (error, requestId) => encodeJsonError(error, requestId, 'application/x-amz-json-1.1'),
};

/** The route of a target prefix that no service has: AWS answers UnknownOperationException. */
const unknownTarget: Route = {
  ...jsonErrors,
  decode(head) {
    throw new UnknownOperationException(`${head.headers['x-amz-target']} is not an operation of any service here`);
  },
};

const INTERNAL_FAILURE = 'The request processing has failed because of an unknown error, exception or failure.';

/** An error as the awsJson protocols write it; `members` are the error shape's members beyond `message`. */
export function encodeJsonError(error: AwsError, requestId: string, contentType: string, members?: unknown): WireResponse {
  return {
    status: error.status,
    headers: { 'content-type': contentType, 'x-amzn-RequestId': requestId, 'x-amzn-ErrorType': error.code },
    body: JSON.stringify({ __type: error.code, message: error.message, ...(members as object | undefined) }),
  };
}

/** SigV4 failures as AWS's JSON front end answers them: all 400, with these codes. */
export function jsonAuthError(failure: SignatureFailure): AwsError {
  switch (failure.kind) {
    case 'missing':
      return new MissingAuthenticationTokenException(failure.message);
    case 'incomplete':
      return new IncompleteSignatureException(failure.message);
    case 'unknown-key':
    case 'invalid-token':
      return new UnrecognizedClientException(failure.message);
    case 'expired-token':
      return new ExpiredTokenException(failure.message);
    case 'invalid':
    case 'skewed':
    case 'expired':
    case 'mismatch':
      return new InvalidSignatureException(failure.message);
  }
}

function parseBody(body: Buffer): unknown {
  // AWS needs a body: SDKs send `{}` for an operation without input.
  if (body.length === 0) throw new SerializationException('Request body is empty: expected a JSON object');
  checkJsonBounds(body);
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new SerializationException(`Request body is not valid JSON: ${(error as Error).message}`);
  }
}

// Bounds on what a body may cost to parse, as AWS's Java front end (Jackson's read constraints) has them:
// JSON.parse takes seconds over a few MiB of nested brackets, and every value costs memory. No model nests
// anywhere near this deep; no request of a served service carries this many values (a 64 KiB task definition
// has a few thousand).
const MAX_DEPTH = 100;
const MAX_VALUES = 100_000;
const [QUOTE, BACKSLASH, OPEN_ARRAY, CLOSE_ARRAY, OPEN_OBJECT, CLOSE_OBJECT, COMMA] = [0x22, 0x5c, 0x5b, 0x5d, 0x7b, 0x7d, 0x2c];

/** One pass over the bytes, strings skipped: refuses a body nested deeper, or with more values, than the bounds. */
export function checkJsonBounds(body: Uint8Array): void {
  let depth = 0;
  let values = 1;
  for (let i = 0; i < body.length; i++) {
    const byte = body[i];
    if (byte === QUOTE) {
      for (i++; i < body.length && body[i] !== QUOTE; i++) if (body[i] === BACKSLASH) i++;
    } else if (byte === OPEN_ARRAY || byte === OPEN_OBJECT) {
      if (++depth > MAX_DEPTH) throw new SerializationException(`Request body is nested deeper than ${MAX_DEPTH} levels`);
    } else if (byte === CLOSE_ARRAY || byte === CLOSE_OBJECT) {
      depth--;
    } else if (byte === COMMA && ++values > MAX_VALUES) {
      throw new SerializationException(`Request body has more than ${MAX_VALUES} values`);
    }
  }
}

// The service's own code for constraint violations: ValidationException (AWS's common front end) unless
// the model names only InvalidParameterException (ECS answers with it).
function defaultValidationCode(model: ServiceModel): string {
  if (model.shapes.ValidationException?.exception) return 'ValidationException';
  if (model.shapes.InvalidParameterException?.exception) return 'InvalidParameterException';
  return 'ValidationException';
}

// Type errors name the Java class AWS's front end parsed the value as.
function javaClass(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return 'class java.lang.String';
    case 'boolean':
      return 'class java.lang.Boolean';
    case 'number':
      if (!Number.isInteger(value)) return 'class java.lang.Double';
      if (Math.abs(value) <= 32767) return 'class java.lang.Short';
      return Math.abs(value) <= 2147483647 ? 'class java.lang.Integer' : 'class java.lang.Long';
    default:
      return 'class java.lang.Object';
  }
}

function unexpected(value: unknown, target: string): AwsError {
  if (Array.isArray(value)) return new SerializationException('Start of list found where not expected');
  if (typeof value === 'object' && value !== null) return new SerializationException('Start of structure or map found where not expected.');
  return new SerializationException(`${javaClass(value)} can not be converted to ${target === 'Blob' ? 'a' : 'an'} ${target}`);
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export const jsonInput: InputDialect = {
  scalar(shape) {
    switch (shape.type) {
      case 'string':
        return (value) => (typeof value === 'string' ? value : raise(unexpected(value, 'String')));
      case 'boolean':
        return (value) => (typeof value === 'boolean' ? value : raise(unexpected(value, 'Boolean')));
      case 'integer':
        return (value) => {
          if (typeof value !== 'number') throw unexpected(value, 'Integer');
          const integer = Math.trunc(value);
          if (integer < -2147483648 || integer > 2147483647)
            throw new SerializationException(`Numeric value (${value}) out of range of int (-2147483648 - 2147483647)`);
          return integer;
        };
      case 'long':
        return (value) => (typeof value === 'number' ? Math.trunc(value) : raise(unexpected(value, 'Long')));
      case 'double':
      case 'float':
        return (value) => (typeof value === 'number' ? value : raise(unexpected(value, 'Double')));
      case 'timestamp':
        // awsJson timestamps are epoch seconds, fractions allowed.
        return (value) => (typeof value === 'number' ? new Date(value * 1000) : raise(unexpected(value, 'Date')));
      case 'blob':
        return (value) => {
          if (typeof value !== 'string') throw unexpected(value, 'Blob');
          if (value.length % 4 !== 0 || !BASE64.test(value))
            throw new SerializationException(`'${value}' can not be converted to a Blob: it is not valid Base64`);
          return Buffer.from(value, 'base64');
        };
    }
  },
  notA(kind, value) {
    if (kind === 'list')
      return typeof value === 'object' ? unexpected(value, 'List') : new SerializationException('Expected list or null');
    if (Array.isArray(value)) return unexpected(value, kind);
    return new SerializationException(kind === 'map' ? 'Expected map or null' : 'Expected null');
  },
};

export const jsonOutput: OutputDialect = {
  scalar(shape) {
    switch (shape.type) {
      case 'timestamp':
        return epochSeconds;
      case 'blob':
        return (value) => (value instanceof Uint8Array ? Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') : value);
      default:
        return undefined;
    }
  },
};

// Records hold Dates, or ISO-8601 strings once they have been through the store as JSON; a number is
// taken as epoch seconds already.
function epochSeconds(value: unknown): number | undefined {
  if (value instanceof Date) return value.getTime() / 1000;
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const time = Date.parse(value);
    return Number.isNaN(time) ? undefined : time / 1000;
  }
  return undefined;
}

function raise(error: AwsError): never {
  throw error;
}
