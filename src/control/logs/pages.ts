// Pages of a Describe* listing: `nextToken` is opaque to callers (an offset into the ordered listing).
import { InvalidParameterException } from '../../core/logs-errors.js';

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

export function page<T>(all: readonly T[], input: { nextToken?: string; limit?: number }, defaultLimit: number): Page<T> {
  let start = 0;
  if (input.nextToken !== undefined) {
    start = Number(Buffer.from(input.nextToken, 'base64url').toString('utf8'));
    if (!Number.isInteger(start) || start < 0) throw new InvalidParameterException('The specified nextToken is invalid.');
  }
  const end = start + (input.limit ?? defaultLimit);
  return { items: all.slice(start, end), ...(end < all.length && { nextToken: Buffer.from(String(end)).toString('base64url') }) };
}
