// What the gateway needs to serve one AWS service: its model (from models/, AWS's own) and a handler
// per operation. The protocol layer knows no domain: handlers take and return plain model-shaped data.

import type { CallContext } from '../core/caller.js';

export type { Caller, CallContext } from '../core/caller.js';

/** A botocore-format service model (models/<service>.json). */
export interface ServiceModel {
  metadata: {
    protocol: string;
    /** Every protocol the service speaks, the preferred first (CloudWatch: smithy-rpc-v2-cbor, json, query). */
    protocols?: string[];
    /** A former query service whose JSON/CBOR errors also carry their query codes (`x-amzn-query-error`). */
    awsQueryCompatible?: Record<string, never>;
    jsonVersion?: string;
    targetPrefix?: string;
    signingName?: string;
    endpointPrefix: string;
    apiVersion: string;
    serviceId: string;
    /** The namespace of query and EC2 XML responses. */
    xmlNamespace?: string;
    /** `v4`; S3's `s3`/`s3v4`: the path signed as sent, payload modes. */
    signatureVersion?: string;
  };
  operations: Record<string, ModelOperation>;
  shapes: Record<string, Shape>;
}

export interface ModelOperation {
  name: string;
  http: { method: string; requestUri: string; responseCode?: number };
  deprecated?: boolean;
  input?: { shape: string };
  output?: { shape: string; resultWrapper?: string };
  errors?: { shape: string }[];
}

export interface Shape {
  type: 'structure' | 'list' | 'map' | 'string' | 'integer' | 'long' | 'boolean' | 'double' | 'float' | 'timestamp' | 'blob';
  members?: Record<string, MemberRef>;
  required?: string[];
  member?: { shape: string; locationName?: string };
  key?: { shape: string; locationName?: string };
  value?: { shape: string; locationName?: string };
  enum?: string[];
  min?: number;
  max?: number;
  pattern?: string;
  error?: { code?: string; httpStatusCode?: number; senderFault?: boolean };
  exception?: boolean;
  flattened?: boolean;
  timestampFormat?: string;
  /** A structure that carries any JSON value (Smithy document type). */
  document?: boolean;
  /** An error that is the server's fault (5xx). */
  fault?: boolean;
  /** REST protocols: the member that is the whole body. */
  payload?: string;
  /** REST-XML: the element a structure is written in. */
  locationName?: string;
  /** A union whose members are the events (and modelled exceptions) of an event stream. */
  eventstream?: boolean;
}

/** A structure's member: its shape, and how the wire names it. */
export interface MemberRef {
  shape: string;
  /** The member's name on the wire (query and XML protocols), when not its own. */
  locationName?: string;
  /** The EC2 protocol's request name for the member, before `locationName`. */
  queryName?: string;
  location?: string;
  xmlNamespace?: { uri?: string };
  timestampFormat?: string;
  /** A blob or string payload that streams (S3 object bodies). */
  streaming?: boolean;
  flattened?: boolean;
}

export type Handler = (input: any, call: CallContext) => Promise<unknown> | unknown;

export interface ServiceBinding {
  model: ServiceModel;
  handlers: Record<string, Handler>;
  /**
   * The code this service answers input that breaks the model's constraints with (required, enum, length,
   * range, pattern). Defaults from the model: `ValidationException` when the model defines it, else
   * `InvalidParameterException` when it does (ECS), else `ValidationException` (AWS's common front end).
   * Query services default to `ValidationError`; EC2 answers `MissingParameter`/`InvalidParameterValue` instead.
   */
  validationErrorCode?: string;
  /** How far a signature's time may be from the server's, in minutes: 5 for ECS (the default), 15 for DynamoDB. */
  clockSkewMinutes?: number;
  /** The largest request body the service takes, as AWS documents it; larger ones are refused (413) unread. */
  maxBodyBytes?: number;
  /** Answers carry `x-amz-crc32`, the CRC32 of their body, as DynamoDB's do (the SDKs check it when present). */
  responseCrc32?: boolean;
  /**
   * REST-XML: the root element of an operation's output document where AWS names it otherwise than
   * `<Operation>Result` (S3's ListObjectsV2: `ListBucketResult`). A root named as the output's one member is
   * that member's text alone (S3's GetBucketLocation: `<LocationConstraint>us-west-2</LocationConstraint>`).
   */
  xmlRoots?: Record<string, string>;
  /**
   * S3's CORS, by the configuration of the bucket a request's path names: the Access-Control-* headers its
   * answer carries (undefined: none). A preflight (OPTIONS, unsigned) is answered with them, or refused by
   * the error thrown.
   */
  crossOrigin?(request: CrossOriginCall): Record<string, string> | undefined;
}

export interface CrossOriginCall {
  bucket: string;
  origin: string;
  /** The actual request's method (a preflight's Access-Control-Request-Method). */
  method: string;
  /** A preflight's Access-Control-Request-Headers, lower-cased. */
  requestHeaders: string[];
  preflight: boolean;
}
