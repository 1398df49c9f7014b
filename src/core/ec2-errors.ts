// EC2's VPC errors, with EC2's dotted codes.
import { define } from './errors.js';

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
