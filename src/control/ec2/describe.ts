// What EC2's Describe* operations share: selection by ids (an unknown id is the resource's NotFound error),
// filters (`Name` and `Values`, `*` and `?` wildcards, `tag:<key>`, `tag-key`, `tag-value`), and pages
// (MaxResults and NextToken, everything when MaxResults is absent).
import type { Ec2Tag } from '../../core/ec2.js';
import { AwsError, InvalidParameterValue } from '../../core/errors.js';
import { InvalidParameterException } from '../../core/ecs-errors.js';
import { paginate } from '../ecs/pagination.js';

export interface Filter {
  Name?: string;
  Values?: string[];
}

/** A resource's filterable fields: each answers the value(s) a filter compares, or undefined. */
export type FilterFields<T> = Record<string, (item: T) => string | boolean | number | (string | undefined)[] | undefined>;

/**
 * A filter value as EC2 reads it: `*` matches any run of characters, `?` exactly one, and a backslash makes
 * the next character literal (`\*` is a star, `\\` a backslash).
 */
export function wildcard(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) source += escape(pattern[++i]!);
    else if (c === '*') source += '[\\s\\S]*';
    else if (c === '?') source += '[\\s\\S]';
    else source += escape(c);
  }
  return new RegExp(`^${source}$`);
}

const escape = (c: string) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whether an item passes every filter (one of its values matching), as EC2 applies them. */
function passes<T extends object>(item: T, filters: readonly Filter[], fields: FilterFields<T>): boolean {
  const tagged = item as { Tags?: Ec2Tag[]; TagSet?: Ec2Tag[] };
  const tags = tagged.Tags ?? tagged.TagSet ?? [];
  return filters.every((f) => {
    const name = f.Name ?? '';
    const patterns = (f.Values ?? []).map(wildcard);
    let values: (string | undefined)[];
    if (name.startsWith('tag:')) values = tags.filter((t) => t.Key === name.slice(4)).map((t) => t.Value);
    else if (name === 'tag-key') values = tags.map((t) => t.Key);
    else if (name === 'tag-value') values = tags.map((t) => t.Value);
    else {
      const field = fields[name];
      if (!field) throw new InvalidParameterValue(`The filter '${name}' is invalid`);
      const v = field(item);
      values = (Array.isArray(v) ? v : [v]).map((x) => (x === undefined ? undefined : String(x)));
    }
    return values.some((v) => v !== undefined && patterns.some((p) => p.test(v)));
  });
}

/**
 * The items a Describe call selects: those named by `ids` (each must exist), passing `filters`, one page
 * of them when `MaxResults` is given.
 */
export function describe<T extends object>(
  all: Iterable<T>,
  key: (item: T) => string,
  request: { ids?: string[]; Filters?: Filter[]; MaxResults?: number; NextToken?: string },
  fields: FilterFields<T>,
  notFound: (id: string) => AwsError,
): { items: T[]; NextToken?: string } {
  let items = [...all];
  if (request.ids?.length) {
    const byId = new Map(items.map((i) => [key(i), i]));
    const missing = request.ids.find((id) => !byId.has(id));
    if (missing !== undefined) throw notFound(missing);
    items = [...new Set(request.ids)].map((id) => byId.get(id)!);
  }
  items = items.filter((i) => passes(i, request.Filters ?? [], fields));
  if (request.MaxResults === undefined && request.NextToken === undefined) return { items };
  try {
    const page = paginate(items, key, { maxResults: request.MaxResults ?? 1000, nextToken: request.NextToken }, { maxPageSize: 1000 });
    return { items: page.items, ...(page.nextToken !== undefined && { NextToken: page.nextToken }) };
  } catch (err) {
    // The same rule, in EC2's words.
    if (err instanceof InvalidParameterException) throw new InvalidParameterValue(err.message);
    throw err;
  }
}

/** The tags a Create call's TagSpecifications give a resource of `resourceType`. */
export function tagsFor(resourceType: string, specifications: { ResourceType?: string; Tags?: Ec2Tag[] }[] | undefined): Ec2Tag[] {
  return (specifications ?? []).filter((s) => s.ResourceType === resourceType).flatMap((s) => s.Tags ?? []);
}
