// The authorisation step's contract: after SigV4 and the model have read a call, and before its operation
// runs, the gateway hands the call to an `Authorize` hook (the control plane's authorizer), which throws
// the service's AwsError to refuse it. Shared by protocol/ (which calls it) and control/ (which answers it).
import type { CallContext } from './caller.js';

export interface AuthorizationCall {
  /** The service's signing name, which is its IAM action prefix for most (`ecs`, `elasticloadbalancing`). */
  service: string;
  /** The model's wire protocol (`json`, `query`, `ec2`): it decides the form of a denial. */
  protocol: string;
  /** The API operation, as the model names it (`RunTask`). */
  operation: string;
  /** The input as read through the model. */
  input: unknown;
  call: CallContext;
}

/** Returns (or resolves) when the call is allowed; throws the protocol's AwsError when it is not. */
export type Authorize = (request: AuthorizationCall) => void | Promise<void>;
