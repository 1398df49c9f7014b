// TestEventPattern: whether a pattern matches an event given as JSON with EventBridge's required members.
import { ValidationException } from '../../core/errors.js';
import { checkPattern } from './rules.js';

const REQUIRED = ['id', 'account', 'source', 'time', 'region', 'detail-type'] as const;

export function testEventPattern(input: { EventPattern: string; Event: string }): { Result: boolean } {
  const pattern = checkPattern(input.EventPattern);
  let event: unknown;
  try {
    event = JSON.parse(input.Event);
  } catch {
    throw new ValidationException('Parameter Event is not valid.');
  }
  if (event === null || typeof event !== 'object' || Array.isArray(event) || REQUIRED.some((k) => !(k in event)))
    throw new ValidationException('Parameter Event is not valid.');
  return { Result: pattern.matches(event) };
}
