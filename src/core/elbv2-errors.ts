// ELBv2's errors, with the codes its query protocol answers (the model's `error.code`, not the shape name).
import { define } from './errors.js';

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
export const TooManyRules = define('TooManyRules');
export const TooManyTargets = define('TooManyTargets');
