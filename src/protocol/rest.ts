// The HTTP-binding layer that REST-XML (S3) and REST-JSON (EFS, Scheduler) share: each operation's URI
// template (labels, greedy `{Key+}` labels, literal query parameters), routing a request to the most specific
// template, reading the input's members from where the model binds them (`uri`, `querystring`, `header`,
// `headers` prefix maps, the `payload` member or the body's members) and writing the output the same way
// (`header`, `headers`, `statusCode`, the payload, the body). What a body looks like (XML or JSON) is the
// protocol's `BodyCodec`; everything is compiled once per model.
import type { Readable } from 'node:stream';
import { AwsError, SerializationException } from '../core/errors.js';
import { formPairs } from './form.js';
import type { MemberRef, ModelOperation, ServiceModel, Shape } from './service.js';
import { shapeOf } from './shapes.js';

/** How one protocol reads and writes bodies (documents of structures), and its timestamps in them. */
export interface BodyCodec {
  contentType: string;
  /** A body document as the structure `shape`'s raw value (scalars typed); `root`: the element it sits in (XML). */
  reader(shape: string): (body: Buffer) => Record<string, unknown>;
  /** The document of a structure value (only modelled members); `root`: the outer element (XML), `namespace` its xmlns. */
  writer(shape: string, root: string): (value: unknown) => string;
}

/** A compiled URI template: `/{Bucket}/{Key+}?uploads`. */
export interface UriTemplate {
  /** Path segments: literal text, or a label (greedy: takes the rest of the path, slashes and all). */
  segments: ({ literal: string } | { label: string; greedy: boolean })[];
  /** Literal query parameters the template requires (`?uploads`: present; `?list-type=2`: that value). */
  query: [string, string | undefined][];
}

export function parseUriTemplate(requestUri: string): UriTemplate {
  const q = requestUri.indexOf('?');
  const path = q < 0 ? requestUri : requestUri.slice(0, q);
  const query: [string, string | undefined][] = [];
  if (q >= 0)
    for (const part of requestUri.slice(q + 1).split('&')) {
      const eq = part.indexOf('=');
      query.push(eq < 0 ? [part, undefined] : [part.slice(0, eq), part.slice(eq + 1)]);
    }
  const segments = path
    .split('/')
    .slice(1)
    .map((segment) => {
      const label = /^\{([^}+]+)(\+?)\}$/.exec(segment);
      return label ? { label: label[1]!, greedy: label[2] === '+' } : { literal: segment };
    });
  // `/` has no segment at all; a trailing slash (`/tags/{Id}/`) is an empty literal that requests may leave out.
  if (segments.length === 1 && 'literal' in segments[0]! && segments[0].literal === '') segments.pop();
  return { segments, query };
}

/** The labels' values (decoded) if `segments` (the path split at `/`, still encoded) matches, else undefined. */
export function matchPath(template: UriTemplate, segments: readonly string[]): Record<string, string> | undefined {
  const labels: Record<string, string> = {};
  let i = 0;
  for (const part of template.segments) {
    if ('literal' in part) {
      if (part.literal === '' && i === segments.length) continue;
      if (segments[i] === undefined || decode(segments[i]!) !== part.literal) return undefined;
      i++;
    } else if (part.greedy) {
      const rest = segments.slice(i).join('/');
      if (rest === '') return undefined;
      labels[part.label] = decode(rest);
      i = segments.length;
    } else {
      if (segments[i] === undefined || segments[i] === '') return undefined;
      labels[part.label] = decode(segments[i]!);
      i++;
    }
  }
  // One trailing slash is the same path (`/bucket/` lists the bucket).
  if (i === segments.length - 1 && segments[i] === '') return labels;
  return i === segments.length ? labels : undefined;
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new AwsError('InvalidURI', "Couldn't parse the specified URI.", 400);
  }
}

/** One request as the binding reads it. */
export interface HttpRequest {
  method: string;
  /** Path segments, still percent-encoded (after any virtual-host rewriting). */
  segments: string[];
  /** Decoded query parameters, in order. */
  query: [string, string][];
  headers: Record<string, string | string[] | undefined>;
}

export function httpRequest(method: string, path: string, query: string, headers: HttpRequest['headers']): HttpRequest {
  return { method, segments: path.split('/').slice(1), query: query === '' ? [] : [...formPairs(query)], headers };
}

/** A handler's output as the HTTP response it binds to. */
export interface BoundResponse {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer | Readable;
}

/** An operation of a REST model, compiled: whether a request is its, its input from a request, its response. */
export class RestOperation {
  readonly name: string;
  readonly template: UriTemplate;
  /** Whether the operation takes its body as a stream (S3 PutObject, UploadPart). */
  readonly streamsBody: boolean;
  /** The payload member that streams, if any. */
  readonly streamingMember?: string;
  private readonly method: string;
  /** Members the template does not name that a request must carry to be this operation's (UploadPart's uploadId). */
  private readonly requiredQuery: string[] = [];
  private readonly requiredHeaders: string[] = [];
  private readonly readInput: (request: HttpRequest, labels: Record<string, string>, body: Buffer | Readable) => Record<string, unknown>;
  readonly writeOutput: (output: unknown) => BoundResponse;
  /** Whether an implementation exists: among equally specific templates (ListBuckets, ListDirectoryBuckets) it wins. */
  readonly implemented: boolean;
  readonly deprecated: boolean;

  constructor(model: ServiceModel, operation: ModelOperation & { deprecated?: boolean }, codec: BodyCodec, implemented: boolean, xmlRoot?: string) {
    this.name = operation.name;
    this.method = operation.http.method;
    this.template = parseUriTemplate(operation.http.requestUri);
    this.implemented = implemented;
    this.deprecated = operation.deprecated === true;
    const input = operation.input ? shapeOf(model, operation.input.shape) : undefined;
    const inputMembers = Object.entries(input?.members ?? {});
    for (const [name, ref] of inputMembers) {
      if (!input!.required?.includes(name)) continue;
      if (ref.location === 'querystring') this.requiredQuery.push(ref.locationName ?? name);
      if (ref.location === 'header') this.requiredHeaders.push((ref.locationName ?? name).toLowerCase());
    }
    const payload = input?.payload ? input.members![input.payload] : undefined;
    this.streamsBody = payload !== undefined && payload.streaming === true;
    if (this.streamsBody) this.streamingMember = input!.payload;
    this.readInput = input ? inputBinding(model, operation.input!.shape, codec) : () => ({});
    this.writeOutput = outputBinding(model, operation, codec, xmlRoot);
  }

  /** How specific a match is (higher wins), or -1 when the request is not this operation's. */
  specificity(request: HttpRequest): number {
    if (request.method !== this.method && !(request.method === 'HEAD' && this.method === 'HEAD')) return -1;
    const params = new Map(request.query);
    for (const [name, value] of this.template.query) {
      if (!params.has(name)) return -1;
      if (value !== undefined && params.get(name) !== value) return -1;
    }
    for (const name of this.requiredQuery) if (!params.has(name)) return -1;
    for (const name of this.requiredHeaders) if (request.headers[name] === undefined) return -1;
    const literals = this.template.segments.filter((part) => 'literal' in part && part.literal !== '').length;
    const greedy = this.template.segments.some((part) => 'greedy' in part && part.greedy) ? 0 : 1;
    // Literal path segments first, then what the query and headers must hold, then a greedy label loses.
    return literals * 1000 + (this.template.query.length + this.requiredQuery.length + this.requiredHeaders.length) * 10 + greedy * 2 + (this.implemented ? 1 : 0);
  }

  /** The raw input (typed values, not yet checked against the model's constraints). */
  read(request: HttpRequest, labels: Record<string, string>, body: Buffer | Readable): Record<string, unknown> {
    return this.readInput(request, labels, body);
  }
}

/** The operation of `operations` a request is for, and its labels; undefined when none matches. */
export function matchOperation(operations: readonly RestOperation[], request: HttpRequest): { operation: RestOperation; labels: Record<string, string> } | undefined {
  let best: { operation: RestOperation; labels: Record<string, string>; score: number } | undefined;
  for (const operation of operations) {
    const score = operation.specificity(request);
    if (score < 0 || (best && (score < best.score || (score === best.score && (operation.deprecated || !best.operation.deprecated))))) continue;
    const labels = matchPath(operation.template, request.segments);
    if (labels) best = { operation, labels, score };
  }
  return best && { operation: best.operation, labels: best.labels };
}

type Located = { name: string; ref: MemberRef; shape: Shape; wire: string };

function located(model: ServiceModel, structure: Shape, location: string | undefined): Located[] {
  return Object.entries(structure.members ?? {})
    .filter(([, ref]) => ref.location === location)
    .map(([name, ref]) => ({ name, ref, shape: shapeOf(model, ref.shape), wire: ref.locationName ?? name }));
}

function inputBinding(model: ServiceModel, inputName: string, codec: BodyCodec) {
  const input = shapeOf(model, inputName);
  const uri = located(model, input, 'uri');
  const query = located(model, input, 'querystring');
  const headers = located(model, input, 'header');
  const prefixed = located(model, input, 'headers');
  const payloadName = input.payload;
  const payload = payloadName ? { name: payloadName, ref: input.members![payloadName]!, shape: shapeOf(model, input.members![payloadName]!.shape) } : undefined;
  // Without a payload member, the members bound nowhere else are the body's.
  const bodyMembers = payload ? [] : located(model, input, undefined);
  const readPayload = payload?.shape.type === 'structure' ? codec.reader(payload.ref.shape) : undefined;
  const readBody = bodyMembers.length > 0 ? codec.reader(inputName) : undefined;
  const mapQuery = query.find((member) => member.shape.type === 'map');

  return (request: HttpRequest, labels: Record<string, string>, body: Buffer | Readable): Record<string, unknown> => {
    const raw: Record<string, unknown> = {};
    for (const member of uri) if (labels[member.wire] !== undefined) raw[member.name] = scalarFromText(member, labels[member.wire]!, 'uri');
    const claimed = new Set<string>();
    for (const member of query) {
      if (member.shape.type === 'map') continue;
      const values = request.query.filter(([name]) => name === member.wire).map(([, value]) => value);
      if (values.length === 0) continue;
      claimed.add(member.wire);
      raw[member.name] = member.shape.type === 'list' ? values.map((value) => scalarFromText(memberOf(model, member.shape), value, 'querystring')) : scalarFromText(member, values[0]!, 'querystring');
    }
    // A map bound to the query string takes every parameter no other member claims.
    if (mapQuery) {
      const map: Record<string, unknown> = {};
      for (const [name, value] of request.query) if (!claimed.has(name)) map[name] = value;
      if (Object.keys(map).length > 0) raw[mapQuery.name] = map;
    }
    for (const member of headers) {
      const value = request.headers[member.wire.toLowerCase()];
      if (value === undefined) continue;
      const text = Array.isArray(value) ? value.join(', ') : value;
      raw[member.name] = member.shape.type === 'list' ? text.split(',').map((item) => scalarFromText(memberOf(model, member.shape), item.trim(), 'header')) : scalarFromText(member, text, 'header');
    }
    for (const member of prefixed) {
      const prefix = member.wire.toLowerCase();
      const map: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers))
        if (name.startsWith(prefix) && value !== undefined) map[name.slice(prefix.length)] = Array.isArray(value) ? value.join(', ') : value;
      if (Object.keys(map).length > 0) raw[member.name] = map;
    }
    if (payload) {
      if (!Buffer.isBuffer(body)) raw[payload.name] = body;
      else if (body.length > 0) raw[payload.name] = readPayload ? readPayload(body) : payload.shape.type === 'string' ? body.toString('utf8') : body;
    } else if (readBody && Buffer.isBuffer(body) && body.length > 0) {
      const document = readBody(body);
      for (const { name } of bodyMembers) if (document[name] !== undefined) raw[name] = document[name];
    }
    return raw;
  };
}

const memberOf = (model: ServiceModel, list: Shape): Located => {
  const ref = list.member!;
  return { name: 'member', ref: ref as MemberRef, shape: shapeOf(model, ref.shape), wire: ref.locationName ?? 'member' };
};

/** A scalar bound to a URI label, a query parameter or a header, from its text. */
function scalarFromText({ shape, ref }: Pick<Located, 'shape' | 'ref'>, text: string, location: 'uri' | 'querystring' | 'header'): unknown {
  switch (shape.type) {
    case 'integer':
    case 'long':
    case 'double':
    case 'float': {
      const number = Number(text);
      if (text.trim() === '' || Number.isNaN(number)) throw new SerializationException(`Value '${text}' is not a number`);
      return number;
    }
    case 'boolean':
      if (text !== 'true' && text !== 'false') throw new SerializationException(`Value '${text}' is not a boolean`);
      return text === 'true';
    case 'timestamp': {
      const time = parseTimestamp(text, (ref as { timestampFormat?: string }).timestampFormat ?? shape.timestampFormat ?? (location === 'header' ? 'rfc822' : 'iso8601'));
      if (time === undefined) throw new SerializationException(`Value '${text}' is not a timestamp`);
      return time;
    }
    case 'blob':
      return Buffer.from(text, 'base64');
    default:
      // A header bound to a JSON value (`jsonvalue` trait) is Base64 of it; other strings go as they are.
      return text;
  }
}

export function parseTimestamp(text: string, format: string): Date | undefined {
  const time = format === 'unixTimestamp' || /^\d+(\.\d+)?$/.test(text) ? Number(text) * 1000 : Date.parse(text);
  return Number.isNaN(time) ? undefined : new Date(time);
}

/** A timestamp in one of the models' formats. */
export function formatTimestamp(value: unknown, format: string): string | undefined {
  const time = value instanceof Date ? value.getTime() : typeof value === 'number' ? value * 1000 : typeof value === 'string' ? Date.parse(value) : NaN;
  if (Number.isNaN(time)) return undefined;
  if (format === 'unixTimestamp') return String(time / 1000);
  return format === 'rfc822' ? new Date(time).toUTCString() : new Date(time).toISOString();
}

function outputBinding(model: ServiceModel, operation: ModelOperation, codec: BodyCodec, xmlRoot?: string): (output: unknown) => BoundResponse {
  const output = operation.output ? shapeOf(model, operation.output.shape) : undefined;
  const headers = output ? located(model, output, 'header') : [];
  const prefixed = output ? located(model, output, 'headers') : [];
  const status = output ? located(model, output, 'statusCode')[0] : undefined;
  const payloadName = output?.payload;
  const payloadRef = payloadName ? output!.members![payloadName]! : undefined;
  const payloadShape = payloadRef ? shapeOf(model, payloadRef.shape) : undefined;
  const writePayload = payloadShape?.type === 'structure' ? codec.writer(payloadRef!.shape, payloadRef!.locationName ?? payloadRef!.shape) : undefined;
  const bodyMembers = output && !payloadRef ? located(model, output, undefined) : [];
  const writeBody = bodyMembers.length > 0 ? codec.writer(operation.output!.shape, xmlRoot ?? (output as { locationName?: string }).locationName ?? `${operation.name}Result`) : undefined;
  const successStatus = (operation.http as { responseCode?: number }).responseCode ?? 200;

  return (value) => {
    const out = (value ?? {}) as Record<string, unknown>;
    const response: BoundResponse = { status: successStatus, headers: {}, body: '' };
    for (const member of headers) {
      const item = out[member.name];
      if (item === undefined || item === null) continue;
      const text =
        member.shape.type === 'timestamp'
          ? formatTimestamp(item, (member.ref as { timestampFormat?: string }).timestampFormat ?? member.shape.timestampFormat ?? 'rfc822')
          : Array.isArray(item)
            ? item.join(',')
            : Buffer.isBuffer(item)
              ? item.toString('base64')
              : String(item);
      if (text !== undefined) response.headers[member.wire.toLowerCase()] = text;
    }
    for (const member of prefixed) {
      const map = out[member.name];
      if (typeof map === 'object' && map !== null) for (const [key, item] of Object.entries(map)) response.headers[`${member.wire}${key}`.toLowerCase()] = String(item);
    }
    if (status && typeof out[status.name] === 'number') response.status = out[status.name] as number;
    // A success status the model cannot say (S3's 206 Partial Content for a Range): the handler's `$status`.
    if (typeof out.$status === 'number') response.status = out.$status;
    if (payloadRef) {
      const payload = out[payloadName!];
      if (payload === undefined || payload === null) return response;
      if (writePayload) {
        response.body = writePayload(payload);
        response.headers['content-type'] ??= codec.contentType;
      } else {
        response.body = typeof payload === 'string' || Buffer.isBuffer(payload) ? payload : payload instanceof Uint8Array ? Buffer.from(payload) : (payload as Readable);
      }
    } else if (writeBody) {
      const document: Record<string, unknown> = {};
      for (const { name } of bodyMembers) if (out[name] !== undefined) document[name] = out[name];
      response.body = writeBody(document);
      response.headers['content-type'] ??= codec.contentType;
    }
    return response;
  };
}
