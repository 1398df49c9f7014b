// IAM's pagination: MaxItems (default 100) per page, IsTruncated, and an opaque Marker to resume with. The
// marker is the last key returned, so a page resumes after it whatever was created or deleted meanwhile.
import { InvalidInput } from '../../core/iam-errors.js';

export interface PageRequest {
  Marker?: string;
  MaxItems?: number;
}

export interface Page<T> {
  items: T[];
  IsTruncated: boolean;
  Marker?: string;
}

const DEFAULT_MAX_ITEMS = 100;

/** Items in a stable order by `key` (IAM lists names alphabetically). */
export function page<T>(items: Iterable<T>, key: (item: T) => string, request: PageRequest): Page<T> {
  const size = request.MaxItems ?? DEFAULT_MAX_ITEMS;
  const after = request.Marker === undefined ? undefined : decodeMarker(request.Marker);
  const sorted = [...items]
    .map((item) => ({ item, k: key(item) }))
    .filter(({ k }) => after === undefined || k > after)
    .sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
  const chosen = sorted.slice(0, size);
  const more = sorted.length > size;
  return { items: chosen.map(({ item }) => item), IsTruncated: more, ...(more ? { Marker: encodeMarker(chosen.at(-1)!.k) } : {}) };
}

/** A list's answer: its items under `member`, and the page's IsTruncated and Marker. */
export function listed<T, M extends string>(member: M, { items, IsTruncated, Marker }: Page<T>): Record<M, T[]> & { IsTruncated: boolean; Marker?: string } {
  return { [member]: items, IsTruncated, ...(Marker ? { Marker } : {}) } as Record<M, T[]> & { IsTruncated: boolean; Marker?: string };
}

const encodeMarker = (key: string) => Buffer.from(JSON.stringify({ after: key })).toString('base64');

function decodeMarker(marker: string): string {
  try {
    const { after } = JSON.parse(Buffer.from(marker, 'base64').toString('utf8')) as { after?: unknown };
    if (typeof after === 'string') return after;
  } catch {
    // falls through: a marker we did not write is invalid
  }
  throw new InvalidInput('Invalid Marker.');
}

/** The sort key of a name: IAM's names are unique without regard to case. */
export const byName = (name: string) => `${name.toLowerCase()}\0${name}`;
