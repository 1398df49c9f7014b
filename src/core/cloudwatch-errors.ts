// CloudWatch's errors, by their shape names (the `__type` of rpc-v2-cbor and JSON); the query protocol, and
// awsQueryCompatible's `x-amzn-query-error` header, carry each shape's `error.code` instead
// (InvalidParameterValueException -> InvalidParameterValue). PutMetricAlarm's checks answer query's
// `ValidationError` (core/errors.ts), as CloudWatch does.
import { define } from './errors.js';

export const InvalidParameterValueException = define('InvalidParameterValueException');
export const MissingRequiredParameterException = define('MissingRequiredParameterException');
export const InvalidParameterCombinationException = define('InvalidParameterCombinationException');
export const InvalidNextToken = define('InvalidNextToken');
export const LimitExceededFault = define('LimitExceededFault');
export const ResourceNotFound = define('ResourceNotFound', 404);
export const ResourceNotFoundException = define('ResourceNotFoundException', 404);
export const InvalidFormatFault = define('InvalidFormatFault');
