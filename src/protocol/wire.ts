// The contract between the gateway and a wire protocol (awsJson, awsQuery and EC2, REST-XML and REST-JSON).
// The gateway owns HTTP, body limits, SigV4 and dispatch; a protocol only recognises its requests, decodes
// them and encodes results and errors. Everything a protocol returns is long-lived except the per-request Call.
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { AwsError } from '../core/errors.js';
import type { Handler } from './service.js';
import type { SignatureFailure } from './sigv4.js';

/** What is known of a request before its body is read. */
export interface RequestHead {
  method: string;
  /** As sent, still percent-encoded, without the query. */
  path: string;
  /** As sent, without `?`. */
  query: string;
  headers: IncomingHttpHeaders;
}

export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  /** A stream (S3 GetObject) is piped out; its length is the `content-length` header the protocol set. */
  body: string | Buffer | Readable;
}

/** One wire protocol over the services that speak it. */
export interface WireProtocol {
  /** The route for a request this protocol recognises from its head alone, else undefined. */
  route(head: RequestHead): Route | undefined;
}

/** How a service, or a protocol before it knows the service, answers a failed request. */
export interface Failures {
  /** A failed signature as this protocol's AWS error. */
  authError(failure: SignatureFailure): AwsError;
  /** What this service answers for a failure that is not an AwsError (our bug): its 5xx error. */
  internalError(): AwsError;
  encodeError(error: AwsError, requestId: string): WireResponse;
}

/**
 * Where a recognised request goes: one service, or (query protocols, which share a path) the services its
 * head admits, one of which its body picks; or the protocol's answer for an unknown one.
 */
export interface Route extends Failures {
  /** The service a signature must be scoped to, when the head alone names it (undefined: the body will tell). */
  signing?: SigningService;
  /** The largest body this route's services take (undefined: the gateway's limit). */
  maxBodyBytes?: number;
  /**
   * The operation called and its undecoded input; throws AwsError (malformed body, unknown operation). `body`
   * is a stream, unread, when `streamsBody` said so.
   */
  decode(head: RequestHead, body: Buffer | Readable): Call;
  /** Whether the request's operation takes its body as a stream (S3 PutObject): the gateway neither reads nor bounds it. */
  streamsBody?(head: RequestHead): boolean;
  /**
   * Who answers a request refused before it was authenticated, when only its (small) body names the service:
   * query services share a path, and each answers in its own envelope. Parses no more than that.
   */
  refusedBy?(head: RequestHead, body: Buffer): Failures;
  /** S3's CORS preflight (an unsigned OPTIONS): the answer, or throws the refusal. */
  preflight?(head: RequestHead, requestId: string): WireResponse;
  /** S3's CORS: the Access-Control-* headers the answer to a request with an Origin carries, if any. */
  crossOriginHeaders?(head: RequestHead): Record<string, string> | undefined;
}

export interface Call {
  /** The service called: its signing name is the one the signature must be scoped to, and it answers the request's failures from here on. */
  service: SigningService & Failures;
  operation: Operation;
  /** The input as decoded from the wire, before it is read through the model. */
  raw: unknown;
}

export interface SigningService {
  /** The service name in the SigV4 credential scope (`ecs`). */
  signingName: string;
  clockSkewMinutes: number;
  /** The largest request body the service takes, as AWS documents it (undefined: the gateway's limit). */
  maxBodyBytes?: number;
  /** S3: the path is signed as sent, and the signer may sign a payload mode instead of the payload. */
  s3Signing?: boolean;
  /** S3: the path with the bucket in front (SigV2 signs it so, whatever the addressing style). */
  resourcePath?(head: RequestHead): string;
}

export interface Operation {
  name: string;
  /** Undefined for an operation of the model that Wharf does not implement. */
  handler: Handler | undefined;
  /** Converts and validates the raw input through the input shape; throws AwsError. */
  readInput(raw: unknown): unknown;
  encodeOutput(output: unknown, requestId: string): WireResponse;
}
