// Application Auto Scaling's errors (awsJson 1.1: the shape name is the code).
import { define } from './errors.js';

export const ObjectNotFoundException = define('ObjectNotFoundException');
export const InvalidNextTokenException = define('InvalidNextTokenException');
export const ConcurrentUpdateException = define('ConcurrentUpdateException', 500);
export const FailedResourceAccessException = define('FailedResourceAccessException');
export const TooManyTagsException = define('TooManyTagsException');
