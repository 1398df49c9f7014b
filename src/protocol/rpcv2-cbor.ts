// The smithy-rpc-v2-cbor protocol (CloudWatch's first; current SDKs and botocore send it): POST
// `/service/<ServiceName>/operation/<Operation>` with `smithy-protocol: rpc-v2-cbor`, CBOR documents in and
// out (RFC 8949: timestamps as tag 1 epoch seconds, blobs as byte strings), errors as `{__type, message}`
// documents with the error's HTTP status. The RPC layer (operations, validation, error members,
// awsQueryCompatible codes) is awsJson's (`RpcService`, json.ts); this file holds the CBOR codec and routing.
import { Decoder, Encoder } from 'cbor-x';
import { SerializationException, UnknownOperationException } from '../core/errors.js';
import { RpcService, jsonErrors, jsonInput, type RpcCodec } from './json.js';
import type { InputDialect, OutputDialect } from './model.js';
import type { ServiceBinding } from './service.js';
import type { RequestHead, Route, WireProtocol } from './wire.js';

const PATH = /^\/service\/([^/]+)\/operation\/([^/]+)$/;

/** Services by their Smithy service name (botocore's targetPrefix: CloudWatch's GraniteServiceVersion20100801). */
export function rpcV2CborProtocol(bindings: ServiceBinding[]): WireProtocol {
  const services = new Map<string, RpcService>();
  for (const binding of bindings) {
    const name = binding.model.metadata.targetPrefix;
    if (!name) throw new Error(`${binding.model.metadata.serviceId} has no targetPrefix: its rpc-v2-cbor service name is unknown`);
    services.set(name, new RpcService(binding, CBOR));
  }
  return {
    route(head) {
      if (head.method !== 'POST' || head.headers['smithy-protocol'] !== 'rpc-v2-cbor') return undefined;
      const match = PATH.exec(head.path);
      if (!match) return undefined;
      return services.get(decodeURIComponent(match[1]!)) ?? unknownService;
    },
  };
}

const unknownService: Route = {
  ...jsonErrors,
  encodeError: (error, requestId) => ({
    status: error.status,
    headers: { 'smithy-protocol': 'rpc-v2-cbor', 'content-type': 'application/cbor', 'x-amzn-RequestId': requestId },
    body: serializeCbor({ __type: error.code, message: error.message }),
  }),
  decode(head) {
    throw new UnknownOperationException(`${head.path} names no service here`);
  },
};

// Plain CBOR both ways: maps as objects, no cbor-x record or typed-array extension tags (SDKs would not read them).
const encoder = new Encoder({ useRecords: false, mapsAsObjects: true, tagUint8Array: false, variableMapSize: true });
const decoder = new Decoder({ useRecords: false, mapsAsObjects: true });

export const serializeCbor = (document: unknown): Buffer => encoder.encode(document);

/** As the JSON protocol bounds its documents: no model nests this deep, no request carries this many values. */
const MAX_DEPTH = 100;
const MAX_VALUES = 100_000;

export function parseCbor(body: Buffer): unknown {
  // An operation without input may come with no body at all.
  if (body.length === 0) return {};
  let document: unknown;
  try {
    document = decoder.decode(body);
  } catch (error) {
    throw new SerializationException(`Request body is not valid CBOR: ${(error as Error).message}`);
  }
  let values = 0;
  const walk = (value: unknown, depth: number): void => {
    if (++values > MAX_VALUES) throw new SerializationException(`Request body has more than ${MAX_VALUES} values`);
    if (typeof value !== 'object' || value === null || value instanceof Date || value instanceof Uint8Array) return;
    if (depth > MAX_DEPTH) throw new SerializationException(`Request body is nested deeper than ${MAX_DEPTH} levels`);
    for (const item of Array.isArray(value) ? value : Object.values(value)) walk(item, depth + 1);
  };
  walk(document, 0);
  if (typeof document !== 'object' || document === null || Array.isArray(document) || document instanceof Date || document instanceof Uint8Array) {
    throw new SerializationException('Request body must be a CBOR map');
  }
  return document;
}

/** CBOR's scalars: numbers may come as integers or floats of any width, timestamps tagged, blobs as bytes. */
export const cborInput: InputDialect = {
  scalar(shape) {
    switch (shape.type) {
      case 'timestamp':
        return (value) => {
          if (value instanceof Date) return value;
          if (typeof value === 'number') return new Date(value * 1000);
          throw new SerializationException(`${describe(value)} can not be converted to a Timestamp`);
        };
      case 'blob':
        return (value) => {
          if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
          throw new SerializationException(`${describe(value)} can not be converted to a Blob`);
        };
      case 'long':
      case 'integer':
      case 'double':
      case 'float': {
        const read = jsonInput.scalar(shape);
        // Integers past 2^53 decode as bigint.
        return (value) => read(typeof value === 'bigint' ? Number(value) : value);
      }
      default:
        return jsonInput.scalar(shape);
    }
  },
  notA: (kind, value) => new SerializationException(`${describe(value)} found where a ${kind} was expected`),
};

const describe = (value: unknown) =>
  value instanceof Date ? 'A timestamp' : value instanceof Uint8Array ? 'A byte string' : Array.isArray(value) ? 'An array' : value === null ? 'null' : `A ${typeof value}`;

/** Records hold Dates, or ISO-8601 strings once they have been through the store: either goes out tagged. */
export const cborOutput: OutputDialect = {
  scalar(shape) {
    if (shape.type === 'timestamp') {
      return (value) => {
        if (value instanceof Date) return value;
        if (typeof value === 'number') return new Date(value * 1000);
        if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return new Date(value);
        return undefined;
      };
    }
    if (shape.type === 'blob') return (value) => (typeof value === 'string' ? Buffer.from(value, 'utf8') : value);
    return undefined;
  },
};

const CBOR: RpcCodec = {
  contentType: 'application/cbor',
  eventContentType: 'application/cbor',
  headers: { 'smithy-protocol': 'rpc-v2-cbor' },
  input: cborInput,
  output: cborOutput,
  parse: parseCbor,
  serialize: serializeCbor,
  operationName: (head: RequestHead) => decodeURIComponent(PATH.exec(head.path)![2]!),
};
