// IAM's and STS's errors, with the codes their query protocol answers (the model's `error.code`).
import { define } from './errors.js';

export const NoSuchEntity = define('NoSuchEntity', 404);
export const EntityAlreadyExists = define('EntityAlreadyExists', 409);
export const DeleteConflict = define('DeleteConflict', 409);
export const LimitExceeded = define('LimitExceeded', 409);
export const InvalidInput = define('InvalidInput', 400);
export const MalformedPolicyDocument = define('MalformedPolicyDocument', 400);
export const PolicyNotAttachable = define('PolicyNotAttachable', 400);
export const UnmodifiableEntity = define('UnmodifiableEntity', 400);
export const ConcurrentModification = define('ConcurrentModification', 409);
export const ServiceFailure = define('ServiceFailure', 500);
export const PackedPolicyTooLarge = define('PackedPolicyTooLarge', 400);
/** Temporary credentials past their expiration: the query services' answer (403, as IAM's and STS's front end sends it), and JSON services'. */
export const ExpiredToken = define('ExpiredToken', 403);
export const ExpiredTokenException = define('ExpiredTokenException', 400);
/** The query services' (IAM, STS, ELBv2) refusal by policy. */
export const AccessDenied = define('AccessDenied', 403);
/** EC2's refusal by policy. */
export const UnauthorizedOperation = define('UnauthorizedOperation', 403);
