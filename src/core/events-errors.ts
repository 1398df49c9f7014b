// EventBridge's errors (awsJson 1.1: the shape name is the code).
import { define } from './errors.js';

export const InvalidEventPatternException = define('InvalidEventPatternException');
export const LimitExceededException = define('LimitExceededException');
export const ResourceAlreadyExistsException = define('ResourceAlreadyExistsException');
export const ManagedRuleException = define('ManagedRuleException');
export const ConcurrentModificationException = define('ConcurrentModificationException');
export const InternalException = define('InternalException', 500);

/** EventBridge's words for a pattern Event Ruler refuses. */
export const invalidPattern = (reason: string) => new InvalidEventPatternException(`Event pattern is not valid. Reason: ${reason}`);
