// ACM's errors (awsJson: the shape name is the code).
import { define } from './errors.js';

export const InvalidArnException = define('InvalidArnException');
export const InvalidTagException = define('InvalidTagException');
export const InvalidArgsException = define('InvalidArgsException');
export const TooManyTagsException = define('TooManyTagsException');
