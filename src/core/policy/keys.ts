// The condition keys a policy's decisions can depend on: the keys its Condition blocks test and those its
// policy variables name (`${aws:username}` in a Resource or a condition value). Any two requests with the
// same action, resource and values of these keys get the same decision from the policy, which lets a
// caller of the evaluator keep decisions. Read from the document, generously: naming a key it never
// reads (a variable in a pre-2012 document, which is literal text there) only makes kept decisions rarer.
import type { CompiledPolicy } from './compile.js';
import { normalizeKey } from './template.js';
import type { PolicyStatement } from './types.js';

const VARIABLE = /\$\{([^}]*)\}/g;

/** The normalised (see normalizeKey) condition keys `policy` reads. */
export function referencedKeys(policy: CompiledPolicy): Set<string> {
  const keys = new Set<string>();
  const statements: PolicyStatement[] = Array.isArray(policy.document.Statement) ? policy.document.Statement : [policy.document.Statement];
  for (const statement of statements) {
    for (const block of Object.values(statement.Condition ?? {})) for (const key of Object.keys(block)) keys.add(normalizeKey(key));
  }
  addVariables(policy.document, keys);
  return keys;
}

/** The keys the policy variables in every string of `value` name. */
function addVariables(value: unknown, keys: Set<string>): void {
  if (typeof value === 'string') {
    if (!value.includes('${')) return;
    for (const [, inner] of value.matchAll(VARIABLE)) {
      // `${key, 'default'}` names `key`.
      const comma = inner!.indexOf(',');
      keys.add(normalizeKey((comma < 0 ? inner! : inner!.slice(0, comma)).trim()));
    }
  } else if (value && typeof value === 'object') {
    for (const item of Object.values(value)) addVariables(item, keys);
  }
}
