// The one HTTP port every AWS service Wharf serves answers on. Per request: pick the wire protocol and
// service from the head, read the body (bounded), decode it, verify SigV4, read the input through the
// model, call the handler, encode the result. That is AWS's own order: a malformed body or an unknown
// operation is answered before authentication, a wrong type or a constraint violation after it.
// Between reading the input and the handler, the `authorize` hook (IAM policies, supplied by the composition
// root) may refuse the call, as AWS authorises after authenticating and validating. Internal routes
// (/_wharf/...) and WebSocket upgrades (the agent channel) are hooks the composition root supplies; both can
// authenticate with the same SigV4 verification.
import { createHash, randomUUID } from 'node:crypto';
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { pipeline, Readable, type Duplex } from 'node:stream';
import type { Authorize } from '../core/authorization.js';
import { ANONYMOUS } from '../core/caller.js';
import { AwsError, RequestEntityTooLarge, UnknownOperationException } from '../core/errors.js';
import type { Clock, Logger } from '../core/ports.js';
import { writesItself } from '../core/self-writing-body.js';
import { EVENT_STREAM_CONTENT_TYPE } from './event-stream.js';
import { awsJsonProtocol, jsonErrors } from './json.js';
import { queryProtocol } from './query.js';
import { rpcV2CborProtocol } from './rpcv2-cbor.js';
import { PayloadStream } from './rest-payload.js';
import { restProtocol } from './rest-protocol.js';
import type { CallContext, ServiceBinding } from './service.js';
import {
  DEFAULT_CLOCK_SKEW_MINUTES,
  SignatureFailure,
  SigV4Verifier,
  type AuthMode,
  type CredentialResolver,
  type PendingSignature,
  type Signer,
} from './sigv4.js';
import type { Call, Failures, RequestHead, Route, SigningService, WireProtocol, WireResponse } from './wire.js';

/** Verifies the request's signature (any service in its scope): the call's context, or throws an AwsError. */
export type Authenticate = (body?: Buffer) => CallContext;

/** Serves paths under /_wharf/ that it knows (returning true); false lets the request through to the APIs. */
export type InternalRoutes = (req: IncomingMessage, res: ServerResponse, authenticate: Authenticate) => boolean | Promise<boolean>;

/** Takes over a WebSocket upgrade whose signature (header or presigned form) verified. */
export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer, call: CallContext) => void;

export interface GatewayOptions {
  services: ServiceBinding[];
  credentials: CredentialResolver;
  auth: AuthMode;
  /** The account whose root permissive callers are. */
  accountId: string;
  /** The region of permissive calls signed for no recognisable region. */
  region: string;
  log: Logger;
  clock?: Clock;
  /** Larger bodies are refused with 413 without being read. Default 10 MiB. */
  maxBodyBytes?: number;
  internal?: InternalRoutes;
  upgrade?: UpgradeHandler;
  /** Authorises each API call after its input is read (absent: every authenticated call is allowed). */
  authorize?: Authorize;
  /** A key pair (PEM): the APIs and the upgrades are served over HTTPS and WSS only. */
  tls?: { cert: string | Buffer; key: string | Buffer };
}

export interface Gateway {
  server: Server;
  listen(port: number, host?: string): Promise<AddressInfo>;
  close(): Promise<void>;
}

const INTERNAL_PREFIX = '/_wharf/';
/** Prometheus scrapes here, unsigned; a signed request for this path is S3's (a bucket named `metrics`). */
const PROMETHEUS_PATH = '/metrics';
const isInternal = (head: RequestHead) =>
  head.path.startsWith(INTERNAL_PREFIX) || (head.path === PROMETHEUS_PATH && head.headers.authorization === undefined && !/(^|&)X-Amz-Signature=/.test(head.query));
const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;
// The most of a refused request's body read to tell whose envelope answers it (query services): more than any
// unsigned call a client makes (STS's AssumeRoleWithWebIdentity, with its token, is a few KiB).
const REFUSED_BODY_BYTES = 64 * 1024;
const EMPTY = Buffer.alloc(0);
// Longer than the idle time of SDK connection pools and load balancers, so the client closes first.
const KEEP_ALIVE_MS = 65_000;
// Time limits on one request: its head, and the whole of it (10 MiB at a slow 1 Mbit/s take 90 s).
const HEADERS_TIMEOUT_MS = 20_000;
const REQUEST_TIMEOUT_MS = 120_000;

type ProtocolFactory = (bindings: ServiceBinding[]) => WireProtocol;

// The factory of each wire protocol, by the model's metadata.protocol, in the order they are asked to route:
// REST first, as its services are picked by the credential scope (an S3 PutObject may well carry a form's
// content type). Query and EC2 requests look alike (form parameters, `Action=`, path `/`), so one factory
// routes between them both; REST-XML and REST-JSON share their HTTP bindings and routing, so one factory too.
const PROTOCOLS: Record<string, ProtocolFactory> = {
  'smithy-rpc-v2-cbor': rpcV2CborProtocol,
  'rest-xml': restProtocol,
  'rest-json': restProtocol,
  json: awsJsonProtocol,
  query: queryProtocol,
  ec2: queryProtocol,
};

export function createGateway(options: GatewayOptions): Gateway {
  const { log, internal, upgrade, authorize } = options;
  const clock = options.clock ?? { now: () => new Date() };
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const protocols = wireProtocols(options.services);
  const protocolOf = protocolsBySigningName(options.services);
  const verifier = new SigV4Verifier({
    credentials: options.credentials,
    mode: options.auth,
    accountId: options.accountId,
    region: options.region,
  });

  // Without a service (internal routes, upgrades, query requests before their body): any service in the
  // scope, the default skew.
  const begin = (req: IncomingMessage, head: RequestHead, service?: SigningService): PendingSignature =>
    verifier.begin(
      { method: head.method, path: head.path, query: head.query, headers: head.headers, rawHeaders: req.rawHeaders },
      {
        service: service?.signingName,
        clockSkewMinutes: service?.clockSkewMinutes ?? DEFAULT_CLOCK_SKEW_MINUTES,
        now: clock.now(),
        pathAsSent: service?.s3Signing,
        unsignedPayload: service?.s3Signing,
        resourcePath: service?.s3Signing ? service.resourcePath?.(head) : undefined,
      },
    );

  const verify = (req: IncomingMessage, head: RequestHead, body: Buffer, failures: Pick<Failures, 'authError'>): Signer => {
    try {
      return begin(req, head).complete(sha256(body));
    } catch (error) {
      throw error instanceof SignatureFailure ? failures.authError(error) : error;
    }
  };

  const authenticator = (req: IncomingMessage, head: RequestHead, requestId: string): Authenticate => (body = EMPTY) => {
    const { caller, region } = verify(req, head, body, jsonErrors);
    return { requestId, caller, region, ...origin(req.socket) };
  };

  /** Our bug, not the caller's: logged with its stack, answered as the service's 5xx. */
  const asAwsError = (error: unknown, requestId: string, failures: Pick<Failures, 'internalError'> = jsonErrors, operation?: string): AwsError => {
    if (error instanceof AwsError) {
      if (error.fault === 'server') log.error('request failed', { requestId, operation, code: error.code, message: error.message });
      else log.debug('request refused', { requestId, operation, code: error.code, message: error.message });
      return error;
    }
    log.error('request failed', { requestId, operation, error: error instanceof Error ? error.stack : String(error) });
    return failures.internalError();
  };

  /** Responses that are event streams, open until their client leaves or the gateway closes. */
  const eventStreams = new Set<ServerResponse>();
  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const requestId = randomUUID();
    const head = headOf(req);

    if (internal && isInternal(head)) {
      try {
        if (await internal(req, res, authenticator(req, head, requestId))) return;
      } catch (error) {
        send(res, jsonErrors.encodeError(asAwsError(error, requestId), requestId));
        return;
      }
    }

    let route: Route | undefined;
    for (const protocol of protocols) if ((route = protocol.route(head))) break;
    if (!route) {
      const error = new AwsError('UnknownOperationException', `No AWS API here answers ${head.method} ${head.path}`, 404);
      send(res, jsonErrors.encodeError(asAwsError(error, requestId), requestId));
      return;
    }

    // A CORS preflight is unsigned: the resource's CORS configuration alone answers it.
    if (head.method === 'OPTIONS' && route.preflight) {
      try {
        send(res, route.preflight(head, requestId));
      } catch (error) {
        send(res, route.encodeError(asAwsError(error, requestId, route), requestId));
      }
      return;
    }
    const crossOrigin = route.crossOriginHeaders?.(head);

    let operation: string | undefined;
    // Until the body names the service (query protocols share a path), the route answers failures.
    let failures: Failures = route;
    try {
      const limit = route.maxBodyBytes ?? maxBodyBytes;
      const declared = Number(head.headers['content-length'] ?? 0);
      if (declared > limit && !route.streamsBody?.(head)) throw tooLarge(limit);
      // The signature first, on the head alone: a request that cannot be authentic costs no more than its head.
      let signature: PendingSignature;
      try {
        signature = begin(req, head, route.signing);
      } catch (error) {
        // S3 serves an unsigned request as the anonymous principal, whom policies then judge (only a bucket
        // policy granting "*" lets it through); without policies (permissive mode) it stays refused.
        if (error instanceof SignatureFailure && error.kind === 'missing' && route.signing?.s3Signing && authorize) {
          signature = anonymous(route.signing.signingName, options.region);
        } else {
          // Only a small body is read, to answer in the envelope of the service it names.
          if (error instanceof SignatureFailure && route.refusedBy && declared <= REFUSED_BODY_BYTES)
            failures = await readBody(req, REFUSED_BODY_BYTES).then(({ body }) => route.refusedBy!(head, body), () => route);
          throw error;
        }
      }
      const claimed = signature.claimedPayloadHash;
      // A signed x-amz-content-sha256 (every AWS SDK for JavaScript sends one): the signature is checked before
      // the body is read, and the body against the hash as it is.
      if (claimed) signature.complete(claimed, route.signing?.signingName);
      let call: Call;
      let hash: string;
      if (route.signing?.s3Signing) {
        // S3 checks its payload modes, chunk signatures and checksums as the body passes; a streaming operation
        // takes the stream, any other the (bounded) body.
        if (!claimed && !signature.payloadMode) throw new AwsError('InvalidRequest', 'Missing required header for this request: x-amz-content-sha256', 400);
        hash = claimed ?? signature.payloadMode!;
        signature.complete(hash, route.signing.signingName);
        const payload = new PayloadStream({ headers: head.headers, payloadMode: signature.payloadMode, claimedSha256: claimed, chunkSigning: signature.chunkSigning });
        pipeline(req, payload, () => undefined);
        call = route.decode(head, route.streamsBody?.(head) ? payload : (await readBody(payload, limit)).body);
      } else {
        const read = await readBody(req, limit);
        hash = read.hash;
        if (claimed && hash !== claimed) throw new SignatureFailure('mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.");
        call = route.decode(head, read.body);
      }
      failures = call.service;
      operation = call.operation.name;
      const { caller, region } = signature.complete(hash, call.service.signingName);
      const input = call.operation.readInput(call.raw);
      const handler = call.operation.handler;
      if (!handler) throw new UnknownOperationException(`Wharf does not implement ${operation} yet`);
      const context = { requestId, caller, region, ...origin(req.socket) };
      const service = call.service.signingName;
      // Awaited only when the hook is asynchronous: most decisions are synchronous, and this is the hot path.
      const pending = authorize?.({ service, protocol: protocolOf.get(service)!, operation, input, call: context });
      if (pending) await pending;
      const output = await handler(input, context);
      const response = withHeaders(call.operation.encodeOutput(output, requestId), crossOrigin);
      // An event stream (StartLiveTail) lasts until the client leaves: closing the gateway ends it.
      if (response.headers['content-type'] === EVENT_STREAM_CONTENT_TYPE) {
        eventStreams.add(res);
        res.once('close', () => eventStreams.delete(res));
      }
      send(res, response);
    } catch (error) {
      const failure = asAwsError(error instanceof SignatureFailure ? failures.authError(error) : error, requestId, failures, operation);
      // A body left unread (refused before it, or oversize) is not drained: the connection cannot carry another request.
      send(res, withHeaders(failures.encodeError(failure, requestId), crossOrigin), !req.complete);
    }
  };

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    serve(req, res).catch((error: unknown) => log.error('request handling failed', { error: (error as Error).stack }));
  };
  const server = options.tls ? createTlsServer({ cert: options.tls.cert, key: options.tls.key }, listener) : createServer(listener);
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  // A slow client holds a connection no longer than this (a head trickled byte by byte, a body never finished).
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.requestTimeout = REQUEST_TIMEOUT_MS;

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, upgradeHead: Buffer) => {
    const requestId = randomUUID();
    try {
      if (!upgrade) throw new AwsError('UnknownOperationException', 'No WebSocket endpoint here', 404);
      const call = authenticator(req, headOf(req), requestId)();
      upgrade(req, socket, upgradeHead, call);
    } catch (error) {
      const response = jsonErrors.encodeError(asAwsError(error, requestId), requestId);
      socket.on('error', () => undefined);
      socket.end(rawResponse(response));
    }
  });

  return {
    server,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve(server.address() as AddressInfo);
        });
      }),
    close: () =>
      new Promise((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
        for (const res of eventStreams) res.destroy();
      }),
  };
}

function wireProtocols(services: ServiceBinding[]): WireProtocol[] {
  const byFactory = new Map<ProtocolFactory, ServiceBinding[]>([...new Set(Object.values(PROTOCOLS))].map((factory) => [factory, []]));
  for (const service of services.flatMap(eachProtocol)) {
    const { protocol, serviceId } = service.model.metadata;
    const factory = PROTOCOLS[protocol];
    if (!factory) throw new Error(`${serviceId} speaks the ${protocol} protocol, which the gateway does not serve yet`);
    byFactory.get(factory)!.push(service);
  }
  return [...byFactory].filter(([, bindings]) => bindings.length > 0).map(([factory, bindings]) => factory(bindings));
}

/**
 * A service that speaks several protocols (CloudWatch: smithy-rpc-v2-cbor, then JSON, then query), as one
 * binding per protocol the gateway serves, so that a request in any of them is routed to it.
 */
function eachProtocol(service: ServiceBinding): ServiceBinding[] {
  const { metadata } = service.model;
  const others = (metadata.protocols ?? []).filter((protocol) => protocol !== metadata.protocol && PROTOCOLS[protocol]);
  return [service, ...others.map((protocol) => ({ ...service, model: { ...service.model, metadata: { ...metadata, protocol } } }))];
}

/** Each service's wire protocol, by the signing name its calls are scoped to. */
function protocolsBySigningName(services: ServiceBinding[]): Map<string, string> {
  return new Map(services.map(({ model: { metadata } }) => [metadata.signingName ?? metadata.endpointPrefix, metadata.protocol]));
}

/** Where the call came from, for aws:SourceIp and aws:SecureTransport (a TLS socket: the gateway serves HTTPS). */
function origin(socket: Socket): { sourceIp?: string; secureTransport: boolean } {
  const address = socket.remoteAddress;
  // A dual-stack socket reports IPv4 peers as IPv4-mapped IPv6; AWS's aws:SourceIp is the IPv4 address.
  return { sourceIp: address?.startsWith('::ffff:') ? address.slice(7) : address, secureTransport: (socket as TLSSocket).encrypted === true };
}

function headOf(req: IncomingMessage): RequestHead {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return {
    method: req.method ?? 'GET',
    path: q < 0 ? url : url.slice(0, q),
    query: q < 0 ? '' : url.slice(q + 1),
    headers: req.headers,
  };
}

/** The body, hashed (SHA-256, hex) as it arrives, up to `limit` bytes: larger is refused as soon as it is. */
function readBody(req: Readable, limit: number): Promise<{ body: Buffer; hash: string }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const digest = createHash('sha256');
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.pause();
        reject(tooLarge(limit));
      } else {
        chunks.push(chunk);
        digest.update(chunk);
      }
    });
    req.on('end', () => resolve({ body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size), hash: digest.digest('hex') }));
    req.on('error', reject);
    req.on('close', () => (req as IncomingMessage).complete === false && reject(new AwsError('RequestAbortedException', 'The client closed the request', 400)));
  });
}

const tooLarge = (limit: number) => new RequestEntityTooLarge(`Request body is larger than ${limit} bytes`);

const sha256 = (body: Buffer) => createHash('sha256').update(body).digest('hex');

/** An unsigned request's "signature": nothing to check, the payload unsigned, the caller anonymous. */
const anonymous = (service: string, region: string): PendingSignature => ({
  service,
  payloadMode: 'UNSIGNED-PAYLOAD',
  complete: () => ({ caller: ANONYMOUS, region }),
});

const withHeaders = (response: WireResponse, headers: Record<string, string> | undefined): WireResponse =>
  headers ? { ...response, headers: { ...response.headers, ...headers } } : response;

function send(res: ServerResponse, response: WireResponse, close = false): void {
  const { body } = response;
  if (res.headersSent || res.destroyed) {
    if (body instanceof Readable) body.destroy();
    return;
  }
  if (close) response.headers.connection = 'close';
  if (body instanceof Readable) {
    res.writeHead(response.status, response.headers);
    // A stream that fails half-way cuts the response short: the client sees fewer bytes than content-length.
    if (writesItself(body)) body.writeTo(res).then(() => res.end(), (error: Error) => res.destroy(error));
    else pipeline(body, res, () => undefined);
    return;
  }
  // A HEAD response (S3 HeadObject) says the length of the body it does not carry.
  if (body !== '' || response.headers['content-length'] === undefined) response.headers['content-length'] = String(Buffer.byteLength(body));
  res.writeHead(response.status, response.headers).end(body);
}

/** A response written straight to a socket that never became an HTTP response (a refused upgrade). */
function rawResponse({ status, headers, body }: WireResponse): string {
  const lines = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  const text = typeof body === 'string' || Buffer.isBuffer(body) ? body.toString() : '';
  lines.push(`content-length: ${Buffer.byteLength(text)}`, 'connection: close', '', '');
  return lines.join('\r\n') + text;
}
