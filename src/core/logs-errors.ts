// CloudWatch Logs' errors (awsJson 1.1: the shape name is the code). ResourceNotFoundException is shared.
import { define } from './errors.js';

export const InvalidParameterException = define('InvalidParameterException');
export const ResourceAlreadyExistsException = define('ResourceAlreadyExistsException');
export const InvalidOperationException = define('InvalidOperationException');
export const TooManyTagsException = define('TooManyTagsException');
export const OperationAbortedException = define('OperationAbortedException');
export const ServiceUnavailableException = define('ServiceUnavailableException', 503);
