// EventBridge's list pagination: NextToken is opaque (an offset here), Limit at most 100.
import { ValidationException } from '../../core/errors.js';

export function page<T>(all: readonly T[], input: { NextToken?: string; Limit?: number }): { items: T[]; NextToken?: string } {
  let start = 0;
  if (input.NextToken !== undefined) {
    start = Number(Buffer.from(input.NextToken, 'base64').toString('utf8'));
    if (!Number.isInteger(start) || start < 0) throw new ValidationException('The NextToken provided is invalid.');
  }
  const size = input.Limit ?? 100;
  const items = all.slice(start, start + size);
  return { items, ...(start + size < all.length && { NextToken: Buffer.from(String(start + size)).toString('base64') }) };
}
