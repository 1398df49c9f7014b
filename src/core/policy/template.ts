// Policy values with wildcards and policy variables, compiled once into matchers.
// Variables (`${aws:username}`, `${aws:PrincipalTag/team, 'none'}`) and the escapes `${*}`, `${?}`, `${$}`
// exist only in Version 2012-10-17 documents; in older ones the text is literal (AWS, "IAM policy elements:
// Variables and tags"). A substituted value is literal text: its `*` is not a wildcard.

import type { RequestContext } from './context.js';

type Part = { text: string; literal: boolean } | { key: string; fallback: string | undefined };

/** A policy value split into wildcard text, literal text and variable references. */
export interface Template {
  readonly parts: readonly Part[];
  /** The text when the value has no variables (escapes applied: for equality, not for wildcard matching). */
  readonly fixed: string | undefined;
}

const VARIABLE = /\$\{([^}]*)\}/g;
const ESCAPES: Record<string, string> = { '*': '*', '?': '?', $: '$' };

export function parseTemplate(value: string, variables: boolean): Template {
  if (!variables || !value.includes('${')) return { parts: [{ text: value, literal: false }], fixed: value };
  const parts: Part[] = [];
  let last = 0;
  for (const m of value.matchAll(VARIABLE)) {
    if (m.index! > last) parts.push({ text: value.slice(last, m.index), literal: false });
    last = m.index! + m[0].length;
    const inner = m[1]!.trim();
    const escaped = ESCAPES[inner];
    if (escaped !== undefined) {
      parts.push({ text: escaped, literal: true });
      continue;
    }
    // `${key, 'default'}`: the default applies when the key is absent from the request.
    const withDefault = /^([^,]+?)\s*,\s*'([^']*)'$/.exec(inner);
    if (withDefault) parts.push({ key: normalizeKey(withDefault[1]!), fallback: withDefault[2]! });
    else parts.push({ key: normalizeKey(inner), fallback: undefined });
  }
  if (last < value.length) parts.push({ text: value.slice(last), literal: false });
  const fixed = parts.every((p) => 'text' in p) ? parts.map((p) => (p as { text: string }).text).join('') : undefined;
  return { parts, fixed };
}

/**
 * Condition keys are case-insensitive, but a tag key after the `/` (aws:PrincipalTag/CostCenter) keeps its
 * case, as tag keys are compared case-sensitively.
 */
export function normalizeKey(key: string): string {
  const slash = key.indexOf('/');
  return slash < 0 ? key.toLowerCase() : key.slice(0, slash).toLowerCase() + key.slice(slash);
}

/** The value with variables substituted, wildcards left as text; undefined when a variable has no value. */
export function resolve(t: Template, context: RequestContext): string | undefined {
  if (t.fixed !== undefined) return t.fixed;
  let out = '';
  for (const part of t.parts) {
    if ('text' in part) {
      out += part.text;
      continue;
    }
    const value = context.single(part.key) ?? part.fallback;
    if (value === undefined) return undefined;
    out += value;
  }
  return out;
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** How `*` and `?` read in a pattern: anywhere (`.`), or within one ARN segment (`[^:]`). */
export type GlobScope = '.' | '[^:]';

export function globSource(text: string, scope: GlobScope): string {
  let out = '';
  for (const ch of text) out += ch === '*' ? `${scope}*` : ch === '?' ? scope : escapeRegex(ch);
  return out;
}

/** A regex source for the template: wildcards in policy text, everything substituted is literal. */
export function regexSource(t: Template, context: RequestContext | undefined, glob: (text: string) => string): string | undefined {
  let out = '';
  for (const part of t.parts) {
    if ('text' in part) out += part.literal ? escapeRegex(part.text) : glob(part.text);
    else {
      const value = context?.single(part.key) ?? part.fallback;
      if (value === undefined) return undefined;
      out += escapeRegex(value);
    }
  }
  return out;
}
