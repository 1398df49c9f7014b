// EC2 Auto Scaling's errors (query protocol: the model's error codes, e.g. `AlreadyExists`, and its
// catch-all `ValidationError` from core/errors.ts).
import { define } from './errors.js';

export const AlreadyExists = define('AlreadyExists');
export const ResourceInUse = define('ResourceInUse');
export const ScalingActivityInProgress = define('ScalingActivityInProgress');
export const LimitExceeded = define('LimitExceeded');
export const InvalidNextToken = define('InvalidNextToken');
