// AWS Cloud Map's errors (awsJson: the shape name is the code).
import { define } from './errors.js';

export const InvalidInput = define('InvalidInput');
export const NamespaceNotFound = define('NamespaceNotFound');
export const NamespaceAlreadyExists = define('NamespaceAlreadyExists');
export const ServiceNotFound = define('ServiceNotFound');
export const ServiceAlreadyExists = define('ServiceAlreadyExists');
export const InstanceNotFound = define('InstanceNotFound');
export const OperationNotFound = define('OperationNotFound');
export const ResourceInUse = define('ResourceInUse');
export const CustomHealthNotFound = define('CustomHealthNotFound');
export const TooManyTagsException = define('TooManyTagsException');
