// EFS's pagination: Marker / NextToken are opaque to callers; here an offset into the sorted list.
import { BadRequest } from '../../core/efs-errors.js';

export function page<T>(items: readonly T[], token: string | undefined, size: number | undefined): { items: T[]; next?: string } {
  let start = 0;
  if (token !== undefined) {
    start = Number(Buffer.from(token, 'base64url').toString('utf8'));
    if (!Number.isInteger(start) || start < 0) throw new BadRequest('The marker is not valid.');
  }
  const end = start + (size ?? 100);
  return { items: items.slice(start, end), ...(end < items.length && { next: Buffer.from(String(end)).toString('base64url') }) };
}
