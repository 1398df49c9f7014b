// One error catalogue. Every error that reaches a client carries AWS's stable code (the `__type` of JSON
// protocols, `Code` of query/XML ones) and its HTTP status; nothing matches errors by message text.

export class AwsError extends Error {
  constructor(
    /** AWS's error code, verbatim (e.g. `ClusterNotFoundException`). */
    readonly code: string,
    message: string,
    /** HTTP status the wire protocol answers with. */
    readonly status = 400,
  ) {
    super(message);
    this.name = code;
  }

  /** Client errors are the caller's fault (4xx); server errors are ours (5xx). */
  get fault(): 'client' | 'server' {
    return this.status >= 500 ? 'server' : 'client';
  }
}

/** An error class for one AWS code: each service's errors file defines its own with it. */
export const define = (code: string, status = 400) =>
  class extends AwsError {
    constructor(message: string) {
      super(code, message, status);
    }
  };

// Generic protocol and auth errors, shared by every AWS service.
export const SerializationException = define('SerializationException');
export const UnknownOperationException = define('UnknownOperationException');
export const ValidationException = define('ValidationException');
// AWS's JSON front end (ECS, DynamoDB, ECR...) answers its auth errors with 400, not 403.
export const InvalidSignatureException = define('InvalidSignatureException');
export const UnrecognizedClientException = define('UnrecognizedClientException');
export const IncompleteSignatureException = define('IncompleteSignatureException');
export const MissingAuthenticationTokenException = define('MissingAuthenticationTokenException');
export const AccessDeniedException = define('AccessDeniedException');
// The query protocols' (IAM, STS, ELBv2) names for them, and their common request errors.
export const SignatureDoesNotMatch = define('SignatureDoesNotMatch', 403);
export const RequestExpired = define('RequestExpired', 400);
export const MissingAuthenticationToken = define('MissingAuthenticationToken', 403);
export const IncompleteSignature = define('IncompleteSignature', 400);
export const InvalidClientTokenId = define('InvalidClientTokenId', 403);
export const MissingAction = define('MissingAction', 400);
export const InvalidAction = define('InvalidAction', 400);
export const NoSuchVersion = define('NoSuchVersion', 400);
export const InvalidParameterValue = define('InvalidParameterValue', 400);
export const MissingParameter = define('MissingParameter', 400);
export const ValidationError = define('ValidationError', 400);
// EC2's: an unknown key or a bad session token, and its server fault.
export const AuthFailure = define('AuthFailure', 401);
export const InternalError = define('InternalError', 500);
export const RequestEntityTooLarge = define('RequestEntityTooLargeException', 413);
export const InternalFailure = define('InternalFailure', 500);

// Codes many services share (ECS, ACM, and the services to come).
export const ResourceNotFoundException = define('ResourceNotFoundException');
export const ResourceInUseException = define('ResourceInUseException');
export const LimitExceededException = define('LimitExceededException');
