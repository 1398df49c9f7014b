// A request's condition keys, indexed once per evaluation under IAM's case rules (see normalizeKey), so
// every statement looks keys up without re-normalising.

import { normalizeKey } from './template.js';
import type { ConditionContext } from './types.js';

export class RequestContext {
  private readonly values = new Map<string, string | string[]>();

  constructor(context: ConditionContext) {
    for (const key in context) {
      const value = context[key];
      if (value !== undefined) this.values.set(normalizeKey(key), value);
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
