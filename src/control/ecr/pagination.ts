// ECR's list paging: nextToken is opaque to callers (here the offset, base64), maxResults 1..1000.
import { InvalidParameterException } from '../../core/ecr-errors.js';

export function page<T>(items: readonly T[], input: { nextToken?: string; maxResults?: number }, defaultSize = 100): { items: T[]; nextToken?: string } {
  let start = 0;
  if (input.nextToken !== undefined) {
    start = Number(Buffer.from(input.nextToken, 'base64').toString('utf8'));
    if (!Number.isInteger(start) || start < 0) throw new InvalidParameterException('Invalid parameter at \'nextToken\' failed to satisfy constraint: \'Invalid NextToken\'');
  }
  const size = input.maxResults ?? defaultSize;
  const end = start + size;
  return { items: items.slice(start, end), ...(end < items.length && { nextToken: Buffer.from(String(end)).toString('base64') }) };
}
