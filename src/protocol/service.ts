// What the gateway needs to serve one AWS service: its model (from models/, AWS's own) and a handler
// per operation. The protocol layer knows no domain: handlers take and return plain model-shaped data.

/** A botocore-format service model (models/<service>.json). */
export interface ServiceModel {
  metadata: {
    protocol: string;
    jsonVersion?: string;
    targetPrefix?: string;
    signingName?: string;
    endpointPrefix: string;
    apiVersion: string;
    serviceId: string;
  };
  operations: Record<string, ModelOperation>;
  shapes: Record<string, Shape>;
}

export interface ModelOperation {
  name: string;
  http: { method: string; requestUri: string };
  input?: { shape: string };
  output?: { shape: string; resultWrapper?: string };
  errors?: { shape: string }[];
}

export interface Shape {
  type: 'structure' | 'list' | 'map' | 'string' | 'integer' | 'long' | 'boolean' | 'double' | 'float' | 'timestamp' | 'blob';
  members?: Record<string, { shape: string; locationName?: string; location?: string; xmlNamespace?: unknown; flattened?: boolean }>;
  required?: string[];
  member?: { shape: string; locationName?: string };
  key?: { shape: string };
  value?: { shape: string };
  enum?: string[];
  min?: number;
  max?: number;
  pattern?: string;
  error?: { code?: string; httpStatusCode?: number; senderFault?: boolean };
  exception?: boolean;
  flattened?: boolean;
  timestampFormat?: string;
}

/** Who is calling, as SigV4 established it. */
export interface Caller {
  accessKeyId: string;
  accountId: string;
  /** The principal's ARN (root: arn:aws:iam::<account>:root). */
  arn: string;
}

export interface CallContext {
  requestId: string;
  caller: Caller;
  region: string;
}

export type Handler = (input: any, call: CallContext) => Promise<unknown> | unknown;

export interface ServiceBinding {
  model: ServiceModel;
  handlers: Record<string, Handler>;
}
