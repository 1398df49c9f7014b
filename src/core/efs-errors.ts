// EFS's errors (REST-JSON: the code is the shape's name, with its status; the body carries ErrorCode and Message).
import { define } from './errors.js';

export const BadRequest = define('BadRequest', 400);
export const FileSystemNotFound = define('FileSystemNotFound', 404);
export const FileSystemAlreadyExists = define('FileSystemAlreadyExists', 409);
export const FileSystemInUse = define('FileSystemInUse', 409);
export const IncorrectFileSystemLifeCycleState = define('IncorrectFileSystemLifeCycleState', 409);
export const MountTargetNotFound = define('MountTargetNotFound', 404);
export const MountTargetConflict = define('MountTargetConflict', 409);
export const SubnetNotFound = define('SubnetNotFound', 400);
export const SecurityGroupNotFound = define('SecurityGroupNotFound', 400);
export const SecurityGroupLimitExceeded = define('SecurityGroupLimitExceeded', 400);
export const IpAddressInUse = define('IpAddressInUse', 409);
export const NoFreeAddressesInSubnet = define('NoFreeAddressesInSubnet', 409);
export const AccessPointNotFound = define('AccessPointNotFound', 404);
export const AccessPointAlreadyExists = define('AccessPointAlreadyExists', 409);
export const AccessPointLimitExceeded = define('AccessPointLimitExceeded', 403);
export const PolicyNotFound = define('PolicyNotFound', 404);
export const InvalidPolicyException = define('InvalidPolicyException', 400);
export const UnsupportedAvailabilityZone = define('UnsupportedAvailabilityZone', 400);
export const AvailabilityZonesMismatch = define('AvailabilityZonesMismatch', 400);
export const ReplicationNotFound = define('ReplicationNotFound', 404);
