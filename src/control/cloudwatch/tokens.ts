// NextTokens: opaque to callers, an offset and the operation they continue (a token of one operation is
// refused by another).
import { InvalidNextToken } from '../../core/cloudwatch-errors.js';

export const encodeToken = (offset: number, operation: string) => Buffer.from(JSON.stringify({ o: offset, op: operation })).toString('base64url');

export function decodeToken(token: string, operation: string): number {
  try {
    const { o, op } = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o: unknown; op: unknown };
    if (op === operation && typeof o === 'number' && Number.isInteger(o) && o >= 0) return o;
  } catch {
    // refused below
  }
  throw new InvalidNextToken('The service cannot complete the request. The NextToken is invalid.');
}
