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

const define = (code: string, status = 400) =>
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

// ECS errors, as named in the ECS service model.
export const ClientException = define('ClientException');
export const InvalidParameterException = define('InvalidParameterException');
export const ServerException = define('ServerException', 500);
export const ClusterNotFoundException = define('ClusterNotFoundException');
export const ClusterContainsContainerInstancesException = define('ClusterContainsContainerInstancesException');
export const ClusterContainsServicesException = define('ClusterContainsServicesException');
export const ClusterContainsTasksException = define('ClusterContainsTasksException');
export const ResourceNotFoundException = define('ResourceNotFoundException');
export const ResourceInUseException = define('ResourceInUseException');
export const TargetNotFoundException = define('TargetNotFoundException');
export const AttributeLimitExceededException = define('AttributeLimitExceededException');
export const ServiceNotFoundException = define('ServiceNotFoundException');
export const ServiceNotActiveException = define('ServiceNotActiveException');
export const LimitExceededException = define('LimitExceededException');

// EC2's VPC errors, with EC2's dotted codes.
export const InvalidVpcIDNotFound = define('InvalidVpcID.NotFound');
export const InvalidSubnetIDNotFound = define('InvalidSubnetID.NotFound');
export const InvalidGroupNotFound = define('InvalidGroup.NotFound');
export const InvalidGroupDuplicate = define('InvalidGroup.Duplicate');
export const InvalidGroupIdMalformed = define('InvalidGroupId.Malformed');
export const InvalidVpcRange = define('InvalidVpc.Range');
export const InvalidSubnetRange = define('InvalidSubnet.Range');
export const InvalidSubnetConflict = define('InvalidSubnet.Conflict');
export const InvalidPermissionDuplicate = define('InvalidPermission.Duplicate');
export const InvalidPermissionNotFound = define('InvalidPermission.NotFound');
export const InvalidNetworkInterfaceIDNotFound = define('InvalidNetworkInterfaceID.NotFound');
export const InvalidZoneNotFound = define('InvalidZone.NotFound');
export const DependencyViolation = define('DependencyViolation');
export const CannotDelete = define('CannotDelete');
export const InvalidParameterCombination = define('InvalidParameterCombination');

// ELBv2's errors, with the codes its query protocol answers (the model's `error.code`, not the shape name).
export const LoadBalancerNotFound = define('LoadBalancerNotFound');
export const TargetGroupNotFound = define('TargetGroupNotFound');
export const ListenerNotFound = define('ListenerNotFound');
export const RuleNotFound = define('RuleNotFound');
export const DuplicateLoadBalancerName = define('DuplicateLoadBalancerName');
export const DuplicateTargetGroupName = define('DuplicateTargetGroupName');
export const DuplicateListener = define('DuplicateListener');
export const DuplicateTagKeys = define('DuplicateTagKeys');
export const PriorityInUse = define('PriorityInUse');
export const InvalidConfigurationRequest = define('InvalidConfigurationRequest');
export const InvalidLoadBalancerAction = define('InvalidLoadBalancerAction');
export const InvalidTarget = define('InvalidTarget');
export const IncompatibleProtocols = define('IncompatibleProtocols');
export const CertificateNotFound = define('CertificateNotFound');
export const OperationNotPermitted = define('OperationNotPermitted');
export const ResourceInUse = define('ResourceInUse');
export const SubnetNotFound = define('SubnetNotFound');
export const UnsupportedProtocol = define('UnsupportedProtocol');
export const TooManyTags = define('TooManyTags');
export const TargetGroupAssociationLimit = define('TargetGroupAssociationLimit');
export const TooManyActions = define('TooManyActions');

// ACM's errors (awsJson: the shape name is the code).
export const InvalidArnException = define('InvalidArnException');
export const InvalidTagException = define('InvalidTagException');
export const InvalidArgsException = define('InvalidArgsException');
export const TooManyTagsException = define('TooManyTagsException');

/** RunTask's clientToken reused with a different request; `resourceIds` are the tasks the token already started. */
export class ConflictException extends AwsError {
  constructor(
    message: string,
    readonly resourceIds: string[],
  ) {
    super('ConflictException', message);
  }
}
