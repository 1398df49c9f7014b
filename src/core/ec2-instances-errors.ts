// EC2's instance, launch template and key pair errors, with EC2's dotted codes.
import { define } from './errors.js';

export const InvalidInstanceIDNotFound = define('InvalidInstanceID.NotFound');
export const InvalidInstanceIDMalformed = define('InvalidInstanceID.Malformed');
export const IncorrectInstanceState = define('IncorrectInstanceState');
export const InvalidAMIIDMalformed = define('InvalidAMIID.Malformed');
export const InvalidKeyPairNotFound = define('InvalidKeyPair.NotFound');
export const InvalidKeyPairDuplicate = define('InvalidKeyPair.Duplicate');
export const InvalidKeyPairFormat = define('InvalidKeyPair.Format');
export const InvalidLaunchTemplateIdNotFound = define('InvalidLaunchTemplateId.NotFound');
export const InvalidLaunchTemplateIdMalformed = define('InvalidLaunchTemplateId.Malformed');
export const InvalidLaunchTemplateNameNotFound = define('InvalidLaunchTemplateName.NotFoundException');
export const InvalidLaunchTemplateNameAlreadyExists = define('InvalidLaunchTemplateName.AlreadyExistsException');
export const InvalidLaunchTemplateIdVersionNotFound = define('InvalidLaunchTemplateId.VersionNotFound');
export const InvalidLaunchTemplateNameMalformed = define('InvalidLaunchTemplateName.MalformedException');
export const InsufficientFreeAddressesInSubnet = define('InsufficientFreeAddressesInSubnet');
export const OperationNotPermitted = define('OperationNotPermitted');
export const UnsupportedOperation = define('UnsupportedOperation');
export const InvalidUserDataMalformed = define('InvalidUserData.Malformed');
export const InvalidInstanceType = define('InvalidInstanceType');
export const IdempotentParameterMismatch = define('IdempotentParameterMismatch');
