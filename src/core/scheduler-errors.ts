// EventBridge Scheduler's errors (REST-JSON: the code travels in x-amzn-ErrorType, with the status the model gives).
import { define } from './errors.js';

export const ConflictException = define('ConflictException', 409);
export const ResourceNotFoundException = define('ResourceNotFoundException', 404);
export const ServiceQuotaExceededException = define('ServiceQuotaExceededException', 402);
