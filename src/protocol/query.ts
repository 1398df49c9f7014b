// The query protocols: awsQuery (ELBv2, IAM, STS, CloudWatch, Auto Scaling...) and its EC2 variant. A request is
// `Action=<Operation>&Version=<apiVersion>` plus the input's members as flat form parameters (form.ts), in a
// form POST body or a GET query string, always to `/`; the answer is XML (xml.ts) in the protocol's envelope.
// What differs between the two (parameter naming, envelopes, error codes) is a QueryDialect; this file holds
// the awsQuery one, ec2.ts the other.
//
// Every query service shares the path `/`, so the request's head only narrows the services down: the credential
// scope of its signature names one signing name (`elasticloadbalancing`, `ec2`, `iam`, `sts`); the body's
// `Version` and `Action` pick the service among those (ELB and ELBv2 share a signing name; an unsigned request
// names none). Adding a service is adding its binding.
import { AwsError, IncompleteSignature, RequestEntityTooLarge, InvalidAction, InvalidClientTokenId, InvalidParameterValue, MissingAction, MissingAuthenticationToken, NoSuchVersion, RequestExpired, SignatureDoesNotMatch } from '../core/errors.js';
import { ExpiredToken } from '../core/iam-errors.js';
import { ec2Dialect } from './ec2.js';
import { FormParams, formReaders, queryNaming, type FormNaming, type FormReader } from './form.js';
import { Cursor, inputReaders, renderValue, serverFaultCode, validationError, type InputDialect, type Reader, type Violation } from './model.js';
import type { ModelOperation, ServiceBinding, ServiceModel } from './service.js';
import { DEFAULT_CLOCK_SKEW_MINUTES, type SignatureFailure } from './sigv4.js';
import type { Call, Failures, Operation, RequestHead, Route, SigningService, WireProtocol, WireResponse } from './wire.js';
import { element, escapeXml, xmlWriters, type XmlWriter } from './xml.js';

/** What tells the query protocols apart. */
export interface QueryDialect {
  naming: FormNaming;
  /** The namespace the service's responses are in. */
  namespace(model: ServiceModel): string;
  /** A success: the output's XML (`content`, undefined for no output value) in the protocol's envelope. */
  response(operation: ModelOperation, content: string | undefined, requestId: string, namespace: string): string;
  /** An error in the protocol's envelope. */
  errorResponse(code: string, message: string, status: number, requestId: string, namespace: string): string;
  authError(failure: SignatureFailure): AwsError;
  /** Input that breaks the model's constraints, as the service answers it. */
  validationError(violations: readonly Violation[], binding: ServiceBinding): AwsError;
  /** Our bug (5xx), as the service answers it. */
  internalError(model: ServiceModel): AwsError;
}

const lowerFirst = (name: string) => name.charAt(0).toLowerCase() + name.slice(1);

/** awsQuery: ELBv2, IAM, STS, CloudWatch, Auto Scaling... */
export const awsQueryDialect: QueryDialect = {
  naming: queryNaming,
  namespace: (model) => model.metadata.xmlNamespace ?? '',
  response(operation, content, requestId, namespace) {
    const name = operation.name;
    // An operation without an output shape answers only its metadata (IAM's DeleteRole).
    const result = operation.output ? element(operation.output.resultWrapper ?? `${name}Result`, content ?? '') : '';
    return (
      `<${name}Response xmlns="${escapeXml(namespace)}">${result}` +
      `<ResponseMetadata><RequestId>${escapeXml(requestId)}</RequestId></ResponseMetadata></${name}Response>`
    );
  },
  errorResponse(code, message, status, requestId, namespace) {
    const type = status >= 500 ? 'Receiver' : 'Sender';
    return (
      `<ErrorResponse xmlns="${escapeXml(namespace)}"><Error><Type>${type}</Type><Code>${escapeXml(code)}</Code>` +
      `<Message>${escapeXml(message)}</Message></Error><RequestId>${escapeXml(requestId)}</RequestId></ErrorResponse>`
    );
  },
  // AWS's XML front end answers signature failures with 403s, but for a malformed signature and an expired URL.
  authError(failure) {
    switch (failure.kind) {
      case 'missing':
        return new MissingAuthenticationToken(failure.message);
      case 'incomplete':
        return new IncompleteSignature(failure.message);
      case 'unknown-key':
      case 'invalid-token':
        return new InvalidClientTokenId(failure.message);
      case 'expired-token':
        return new ExpiredToken(failure.message);
      case 'expired':
        return new RequestExpired(failure.message);
      case 'invalid':
      case 'skewed':
      case 'mismatch':
        return new SignatureDoesNotMatch(failure.message);
    }
  },
  // Query services name members with a lower-case first letter in these messages (`at 'roleSessionName'`).
  validationError: (violations, binding) => validationError(binding.validationErrorCode ?? 'ValidationError', violations, lowerFirst),
  internalError: (model) =>
    new AwsError(serverFaultCode(model) ?? 'InternalFailure', 'The request processing has failed because of an unknown error, exception or failure.', 500),
};

const DIALECTS: Record<string, QueryDialect> = {
  query: awsQueryDialect,
  ec2: ec2Dialect,
};

export function queryProtocol(bindings: ServiceBinding[]): WireProtocol {
  const services = bindings.map((binding) => new QueryService(binding));
  const routes = new Map<string, QueryRoute>();
  for (const signingName of new Set(services.map((service) => service.signingName)))
    routes.set(signingName, new QueryRoute(services.filter((service) => service.signingName === signingName), true));
  // Unsigned requests, and those scoped to a service nobody serves, are routed by their body alone.
  const anyService = new QueryRoute(services, false);
  return {
    route(head) {
      if (!isQueryRequest(head)) return undefined;
      const signingName = scopedService(head);
      return (signingName !== undefined && routes.get(signingName)) || anyService;
    },
  };
}

const FORM = 'application/x-www-form-urlencoded';

const isForm = (head: RequestHead) => String(head.headers['content-type'] ?? '').toLowerCase().startsWith(FORM);

// A form POST, or any request with `Action=` in its query string; an X-Amz-Target header makes it awsJson.
function isQueryRequest(head: RequestHead): boolean {
  if (head.headers['x-amz-target'] !== undefined) return false;
  return isForm(head) || new URLSearchParams(head.query).has('Action');
}

/** The service named by the signature's credential scope (`AKID/20240501/us-east-1/<service>/aws4_request`). */
function scopedService(head: RequestHead): string | undefined {
  const { authorization } = head.headers;
  const credential =
    typeof authorization === 'string' ? /Credential=([^,\s]+)/.exec(authorization)?.[1] : new URLSearchParams(head.query).get('X-Amz-Credential');
  return credential?.split('/')[3];
}

/** The services a request's head admits; its body picks one. */
class QueryRoute implements Route {
  // Before a service is picked, the first answers failures: all of a route's services usually speak alike.
  private readonly first: QueryService;
  readonly signing: SigningService | undefined;
  readonly maxBodyBytes: number | undefined;

  /** `scoped`: the services of one signing name, which the signature's scope named. */
  constructor(
    private readonly services: QueryService[],
    scoped: boolean,
  ) {
    this.first = services[0]!;
    this.signing = scoped ? this.first : undefined;
    const limits = services.map((service) => service.maxBodyBytes);
    this.maxBodyBytes = limits.includes(undefined) ? undefined : Math.max(...(limits as number[]));
  }

  decode(head: RequestHead, body: Buffer): Call {
    const call = this.pick(FormParams.of(head.query, isForm(head) ? body.toString('utf8') : undefined));
    const limit = call.service.maxBodyBytes;
    if (limit !== undefined && body.length > limit) throw new RequestEntityTooLarge(`Request body is larger than ${limit} bytes`);
    return call;
  }

  refusedBy(head: RequestHead, body: Buffer): Failures {
    try {
      return this.pick(FormParams.of(head.query, isForm(head) ? body.toString('utf8') : undefined)).service;
    } catch {
      return this;
    }
  }

  private pick(params: FormParams): Call {
    const action = params.get('Action');
    if (!action) throw new MissingAction('No action was supplied with this request.');
    const version = params.get('Version');
    const services = version === undefined ? this.services : this.services.filter((service) => service.apiVersion === version);
    if (services.length === 0) throw new NoSuchVersion(`The requested version (${version}) of service ${this.first.serviceId} does not exist`);
    for (const service of services) {
      const operation = service.operation(action);
      if (operation) return { service, operation, raw: params };
    }
    throw new InvalidAction(`The action ${action} is not valid for this web service.`);
  }

  authError(failure: SignatureFailure): AwsError {
    return this.first.authError(failure);
  }

  internalError(): AwsError {
    return this.first.internalError();
  }

  encodeError(error: AwsError, requestId: string): WireResponse {
    return this.first.encodeError(error, requestId);
  }
}

// Form readers have already built every structure, list and map and converted every scalar: the model's
// readers only check constraints.
const formInput: InputDialect = {
  scalar: () => (value) => value,
  notA: (kind, value) => new InvalidParameterValue(`Value (${renderValue(value)}) is invalid. Expected a ${kind}.`),
};

class QueryService implements SigningService, Failures {
  readonly signingName: string;
  readonly clockSkewMinutes: number;
  readonly maxBodyBytes: number | undefined;
  readonly apiVersion: string;
  readonly serviceId: string;
  private readonly dialect: QueryDialect;
  private readonly namespace: string;
  private readonly form: (shape: string) => FormReader;
  private readonly read: (shape: string) => Reader;
  private readonly write: (shape: string) => XmlWriter;
  // Compiled on first call: EC2 has hundreds of operations, and Wharf serves few of them.
  private readonly operations = new Map<string, Operation>();
  /** The model's errors, by shape name and by code: the code and status they go on the wire with. */
  private readonly errors = new Map<string, { code: string; status: number }>();

  constructor(private readonly binding: ServiceBinding) {
    const { model, handlers, clockSkewMinutes } = binding;
    const { metadata } = model;
    const dialect = DIALECTS[metadata.protocol];
    if (!dialect) throw new Error(`${metadata.serviceId} speaks ${metadata.protocol}, not a query protocol`);
    for (const name of Object.keys(handlers)) if (!model.operations[name]) throw new Error(`${metadata.serviceId} has no operation ${name}`);
    this.dialect = dialect;
    this.signingName = metadata.signingName ?? metadata.endpointPrefix;
    this.clockSkewMinutes = clockSkewMinutes ?? DEFAULT_CLOCK_SKEW_MINUTES;
    this.maxBodyBytes = binding.maxBodyBytes;
    this.apiVersion = metadata.apiVersion;
    this.serviceId = metadata.serviceId;
    this.namespace = dialect.namespace(model);
    this.form = formReaders(model, dialect.naming);
    this.read = inputReaders(model, formInput);
    this.write = xmlWriters(model);
    // Query error codes often differ from their shape's name (LoadBalancerNotFoundException goes out as
    // LoadBalancerNotFound): a handler may throw either.
    for (const [name, shape] of Object.entries(model.shapes)) {
      if (!shape.exception) continue;
      const wire = { code: shape.error?.code ?? name, status: shape.error?.httpStatusCode ?? 400 };
      this.errors.set(name, wire);
      this.errors.set(wire.code, wire);
    }
  }

  /** The operation an `Action` names, or undefined when the model has none of that name. */
  operation(action: string): Operation | undefined {
    const known = this.operations.get(action);
    if (known) return known;
    const { operations } = this.binding.model;
    if (!Object.hasOwn(operations, action)) return undefined;
    const operation = this.compile(action, operations[action]!);
    this.operations.set(action, operation);
    return operation;
  }

  private compile(name: string, operation: ModelOperation): Operation {
    const input = operation.input?.shape;
    const form = input === undefined ? undefined : this.form(input);
    const read = input === undefined ? undefined : this.read(input);
    const write = operation.output ? this.write(operation.output.shape) : undefined;
    return {
      name,
      handler: this.binding.handlers[name],
      readInput: (raw) => {
        if (!form || !read) return {};
        const cursor = new Cursor();
        const value = read(form(raw as FormParams, ''), cursor);
        if (cursor.violations.length > 0) throw this.dialect.validationError(cursor.violations, this.binding);
        return value;
      },
      encodeOutput: (output, requestId) => ({
        status: 200,
        headers: xmlHeaders(requestId),
        body: this.dialect.response(operation, write?.(output), requestId, this.namespace),
      }),
    };
  }

  authError(failure: SignatureFailure): AwsError {
    return this.dialect.authError(failure);
  }

  internalError(): AwsError {
    return this.dialect.internalError(this.binding.model);
  }

  encodeError(error: AwsError, requestId: string): WireResponse {
    const { code, status } = this.errors.get(error.code) ?? error;
    return { status, headers: xmlHeaders(requestId), body: this.dialect.errorResponse(code, error.message, status, requestId, this.namespace) };
  }
}

const xmlHeaders = (requestId: string) => ({ 'content-type': 'text/xml', 'x-amzn-RequestId': requestId });
