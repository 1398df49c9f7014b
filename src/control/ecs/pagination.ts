// The shared pagination of ECS List* operations. Results come in a stable order by a string key, and
// nextToken is opaque to callers (base64 of the last key returned): a page resumes after that key, so
// records created or deleted between pages neither repeat nor shift the rest.
import { InvalidParameterException } from '../../core/ecs-errors.js';

export interface PageRequest {
  maxResults?: number;
  nextToken?: string;
}

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

/** ECS List* operations answer at most 100 results per page unless asked for fewer. */
export const MAX_PAGE_SIZE = 100;

export interface PageOrder {
  /** The largest page the operation allows (ListAccountSettings: 10). */
  maxPageSize?: number;
  /** Keys in descending order (ListTaskDefinitions with sort DESC). */
  descending?: boolean;
}

export function paginate<T>(
  items: Iterable<T>,
  key: (item: T) => string,
  request: PageRequest,
  { maxPageSize = MAX_PAGE_SIZE, descending = false }: PageOrder = {},
): Page<T> {
  const size = request.maxResults ?? maxPageSize;
  if (!Number.isInteger(size) || size < 1 || size > maxPageSize) {
    throw new InvalidParameterException(`maxResults must be between 1 and ${maxPageSize}.`);
  }
  const after = request.nextToken === undefined ? undefined : decodeToken(request.nextToken);
  const direction = descending ? -1 : 1;
  const sorted = [...items]
    .map((item) => ({ item, k: key(item) }))
    .filter(({ k }) => after === undefined || (descending ? k < after : k > after))
    .sort((a, b) => direction * (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
  const page = sorted.slice(0, size);
  const more = sorted.length > size;
  return { items: page.map(({ item }) => item), nextToken: more ? encodeToken(page.at(-1)!.k) : undefined };
}

const encodeToken = (lastKey: string) => Buffer.from(JSON.stringify({ after: lastKey })).toString('base64');

function decodeToken(token: string): string {
  try {
    const { after } = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { after?: unknown };
    if (typeof after === 'string') return after;
  } catch {
    // falls through: any token we did not write is invalid
  }
  throw new InvalidParameterException('Invalid nextToken.');
}
