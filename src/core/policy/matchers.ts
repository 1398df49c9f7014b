// Wildcard matching compiled once per policy value: actions (case-insensitive, `*` and `?` anywhere),
// resources and ARN conditions (case-sensitive, wildcards within one colon-separated ARN segment, the last
// segment free to contain colons), strings (StringLike).

import type { RequestContext } from './context.js';
import { globSource, parseTemplate, regexSource, type Template } from './template.js';

/**
 * Whether a value matches; undefined when the pattern names a policy variable the request has no value
 * for, which makes the whole statement not match (reference_policies_variables), even under NotResource or
 * a negated operator.
 */
export type ValueMatcher = (value: string, context: RequestContext) => boolean | undefined;

const hasWildcard = (s: string) => s.includes('*') || s.includes('?');

function colonsIn(t: Template): number {
  let n = 0;
  for (const p of t.parts) if ('text' in p && !p.literal) for (const ch of p.text) if (ch === ':') n++;
  return n;
}

/**
 * The regex source of a pattern, or undefined when a variable it names has no value in `context`. In an ARN,
 * AWS matches each of the six colon-separated parts separately (wildcards don't span segments), the resource
 * part taking the rest of the ARN; a pattern with fewer parts lets its last one run to the end.
 */
function patternSource(t: Template, arn: boolean, context: RequestContext | undefined): string | undefined {
  if (!arn) return regexSource(t, context, (text) => globSource(text, '.'));
  const last = Math.min(colonsIn(t), 5);
  let colons = 0;
  return regexSource(t, context, (text) => {
    let out = '';
    for (const ch of text) {
      if (ch === ':') colons++;
      out += ch === ':' ? ':' : globSource(ch, colons >= last ? '.' : '[^:]');
    }
    return out;
  });
}

/** Patterns with variables compile per distinct substitution; a small cache keeps that off the hot path. */
class RegexCache {
  private readonly cache = new Map<string, RegExp>();
  get(source: string, flags: string): RegExp {
    let re = this.cache.get(source);
    if (!re) {
      if (this.cache.size >= 256) this.cache.clear();
      re = new RegExp(`^${source}$`, flags);
      this.cache.set(source, re);
    }
    return re;
  }
}
const dynamic = new RegexCache();

export interface GlobOptions {
  /** Wildcards stay within ARN segments (Resource, ArnLike) when the pattern is an ARN. */
  arnSegments: boolean;
  ignoreCase?: boolean;
}

/** One pattern as a matcher: `*` alone matches everything, fixed text compares, the rest are regexes. */
export function globMatcher(pattern: string, variables: boolean, options: GlobOptions): ValueMatcher {
  const t = parseTemplate(pattern, variables);
  const flags = options.ignoreCase ? 'i' : '';
  const arn = options.arnSegments && pattern.startsWith('arn:');
  const onlyText = t.parts.every((p) => 'text' in p);
  if (onlyText) {
    if (pattern === '*') return () => true;
    const literal = t.fixed!;
    if (!t.parts.some((p) => 'text' in p && !p.literal && hasWildcard(p.text))) {
      if (options.ignoreCase) {
        const lower = literal.toLowerCase();
        return (value) => value.toLowerCase() === lower;
      }
      return (value) => value === literal;
    }
    const re = new RegExp(`^${patternSource(t, arn, undefined)!}$`, flags);
    return (value) => re.test(value);
  }
  return (value, context) => {
    const source = patternSource(t, arn, context);
    return source === undefined ? undefined : dynamic.get(source, flags).test(value);
  };
}

/** Any of several patterns: a pattern that cannot be resolved does not stop another from matching. */
export function anyOf(matchers: ValueMatcher[]): ValueMatcher {
  if (matchers.length === 1) return matchers[0]!;
  return (value, context) => {
    let unresolved = false;
    for (const m of matchers) {
      const result = m(value, context);
      if (result) return true;
      if (result === undefined) unresolved = true;
    }
    return unresolved ? undefined : false;
  };
}

/** NotResource, negated operators: the complement, still undefined when unresolved. */
export const not =
  (m: ValueMatcher): ValueMatcher =>
  (value, context) => {
    const result = m(value, context);
    return result === undefined ? undefined : !result;
  };

/**
 * Actions: case-insensitive globs over `service:Action`. Exact names go into a set; the service prefixes
 * an action list can match let a policy index its statements by service.
 */
export interface ActionMatcher {
  /** Lower-cased service prefixes this list can match, or 'any' when a wildcard covers the prefix. */
  readonly services: ReadonlySet<string> | 'any';
  matches(lowerAction: string): boolean;
}

export function actionMatcher(patterns: string[]): ActionMatcher {
  const exact = new Set<string>();
  const globs: string[] = [];
  const services = new Set<string>();
  let anyService = false;
  for (const raw of patterns) {
    const p = raw.toLowerCase();
    const colon = p.indexOf(':');
    const service = colon < 0 ? p : p.slice(0, colon);
    if (colon < 0 || hasWildcard(service)) anyService = true;
    else services.add(service);
    if (hasWildcard(p)) globs.push(globSource(p, '.'));
    else exact.add(p);
  }
  const re = globs.length > 0 ? new RegExp(`^(?:${globs.join('|')})$`) : undefined;
  return {
    services: anyService ? 'any' : services,
    matches: (action) => exact.has(action) || (re !== undefined && re.test(action)),
  };
}
