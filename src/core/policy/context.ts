// A request's condition keys, indexed once per evaluation under IAM's case rules (see normalizeKey), so
// every statement looks keys up without re-normalising.

import { normalizeKey } from './template.js';
import type { ConditionContext } from './types.js';

// Requests carry the same few dozen keys again and again (aws:CurrentTime, aws:PrincipalTag/team...): each is
// normalised once. Bounded, as tag keys come from users.
const NORMALIZED_MAX = 10_000;
const normalized = new Map<string, string>();

/** normalizeKey, remembered per distinct key. */
export function normalizedKey(key: string): string {
  let n = normalized.get(key);
  if (n === undefined) {
    if (normalized.size >= NORMALIZED_MAX) normalized.clear();
    normalized.set(key, (n = normalizeKey(key)));
  }
  return n;
}

export class RequestContext {
  private readonly values = new Map<string, string | string[]>();

  constructor(context: ConditionContext) {
    for (const key in context) {
      const value = context[key];
      if (value !== undefined) this.values.set(normalizedKey(key), value);
    }
  }

  /** The key's values: a single-valued key as one value, a multivalued key as its list; undefined if absent. */
  get(key: string): string | string[] | undefined {
    return this.values.get(key);
  }

  /** A single-valued key's value (policy variables take only single-valued keys). */
  single(key: string): string | undefined {
    const value = this.values.get(key);
    return typeof value === 'string' ? value : undefined;
  }
}
