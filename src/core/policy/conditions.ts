// The Condition element, compiled: every operator of "IAM JSON policy elements: Condition operators", the
// ...IfExists forms and the ForAnyValue:/ForAllValues: set operators. Within a block, operators and keys
// are ANDed and the values of one key are ORed (reference_policies_condition-logic-multiple-context-keys-or-values).

import type { RequestContext } from './context.js';
import { inCidr, parseCidr, parseIp, type Cidr } from './ip.js';
import { anyOf, globMatcher, not, type ValueMatcher } from './matchers.js';
import { normalizeKey, parseTemplate, resolve } from './template.js';

export type ConditionTest = (context: RequestContext) => boolean;

/** Thrown for a Condition element IAM would refuse; the compiler turns it into MalformedPolicyDocument. */
export class ConditionSyntaxError extends Error {}

type Kind = 'String' | 'StringIgnoreCase' | 'StringLike' | 'Numeric' | 'Date' | 'Bool' | 'Binary' | 'Ip' | 'Arn' | 'Null';
type Compare = 'eq' | 'lt' | 'lte' | 'gt' | 'gte';
interface Operator {
  kind: Kind;
  negated: boolean;
  compare: Compare;
}

const op = (kind: Kind, negated = false, compare: Compare = 'eq'): Operator => ({ kind, negated, compare });
const ordered = (kind: 'Numeric' | 'Date'): Record<string, Operator> => ({
  [`${kind}Equals`]: op(kind),
  [`${kind}NotEquals`]: op(kind, true),
  [`${kind}LessThan`]: op(kind, false, 'lt'),
  [`${kind}LessThanEquals`]: op(kind, false, 'lte'),
  [`${kind}GreaterThan`]: op(kind, false, 'gt'),
  [`${kind}GreaterThanEquals`]: op(kind, false, 'gte'),
});
const OPERATORS: Record<string, Operator> = {
  StringEquals: op('String'),
  StringNotEquals: op('String', true),
  StringEqualsIgnoreCase: op('StringIgnoreCase'),
  StringNotEqualsIgnoreCase: op('StringIgnoreCase', true),
  StringLike: op('StringLike'),
  StringNotLike: op('StringLike', true),
  ...ordered('Numeric'),
  ...ordered('Date'),
  Bool: op('Bool'),
  BinaryEquals: op('Binary'),
  IpAddress: op('Ip'),
  NotIpAddress: op('Ip', true),
  ArnEquals: op('Arn'),
  ArnLike: op('Arn'),
  ArnNotEquals: op('Arn', true),
  ArnNotLike: op('Arn', true),
  Null: op('Null'),
};
const BY_LOWER = new Map(Object.entries(OPERATORS).map(([name, o]) => [name.toLowerCase(), o]));

/** Date values: ISO 8601, or epoch seconds (aws:EpochTime). */
function parseDate(text: string): number {
  return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) * 1000 : Date.parse(text);
}

function compareWith(compare: Compare): (a: number, b: number) => boolean {
  switch (compare) {
    case 'eq':
      return (a, b) => a === b;
    case 'lt':
      return (a, b) => a < b;
    case 'lte':
      return (a, b) => a <= b;
    case 'gt':
      return (a, b) => a > b;
    case 'gte':
      return (a, b) => a >= b;
  }
}

/** Whether one request value matches any of the policy's values, for the operator's kind. */
function valueTest(o: Operator, values: string[], variables: boolean): ValueMatcher {
  switch (o.kind) {
    case 'String':
    case 'StringIgnoreCase': {
      const ignoreCase = o.kind === 'StringIgnoreCase';
      const fold = (s: string) => (ignoreCase ? s.toLowerCase() : s);
      const templates = values.map((v) => parseTemplate(v, variables));
      if (templates.every((t) => t.fixed !== undefined)) {
        const set = new Set(templates.map((t) => fold(t.fixed!)));
        return (value) => set.has(fold(value));
      }
      return (value, context) => {
        const folded = fold(value);
        let unresolved = false;
        for (const t of templates) {
          const expected = resolve(t, context);
          if (expected === undefined) unresolved = true;
          else if (fold(expected) === folded) return true;
        }
        return unresolved ? undefined : false;
      };
    }
    case 'StringLike':
      return anyOf(values.map((v) => globMatcher(v, variables, { arnSegments: false })));
    case 'Arn':
      return anyOf(values.map((v) => globMatcher(v, variables, { arnSegments: true })));
    case 'Numeric':
    case 'Date': {
      const parse = o.kind === 'Numeric' ? (s: string) => (s.trim() === '' ? NaN : Number(s)) : parseDate;
      const expected = values.map(parse);
      const cmp = compareWith(o.compare);
      return (value) => {
        const actual = parse(value);
        for (const e of expected) if (cmp(actual, e)) return true;
        return false;
      };
    }
    case 'Bool': {
      const expected = new Set(values.map((v) => v.toLowerCase()));
      return (value) => expected.has(value.toLowerCase());
    }
    case 'Binary': {
      const expected = new Set(values);
      return (value) => expected.has(value);
    }
    case 'Ip': {
      const blocks = values.map(parseCidr).filter((c): c is Cidr => c !== undefined);
      return (value) => {
        const address = parseIp(value);
        return address !== undefined && blocks.some((b) => inCidr(b, address));
      };
    }
    case 'Null':
      throw new Error('Null is tested on presence, not values');
  }
}

type SetOperator = 'ForAnyValue' | 'ForAllValues' | undefined;

function keyTest(o: Operator, set: SetOperator, ifExists: boolean, key: string, values: string[], variables: boolean): ConditionTest {
  if (o.kind === 'Null') {
    const wantAbsent = values.map((v) => v.toLowerCase() === 'true');
    return (context) => {
      const v = context.get(key);
      const absent = v === undefined || (Array.isArray(v) && v.length === 0);
      return wantAbsent.includes(absent);
    };
  }
  const matchesAny = valueTest(o, values, variables);
  const test = o.negated ? not(matchesAny) : matchesAny;
  // An unresolved policy variable (undefined) makes the condition, and so the statement, not match.
  return (context) => {
    const v = context.get(key);
    const absent = v === undefined || (Array.isArray(v) && v.length === 0);
    if (absent) {
      // ForAllValues is vacuously true and ForAnyValue false on a missing or empty set; IfExists makes a
      // missing key pass; a negated operator is true for a missing key, a positive one false.
      if (ifExists) return true;
      if (set === 'ForAllValues') return true;
      if (set === 'ForAnyValue') return false;
      return o.negated;
    }
    if (typeof v === 'string') return test(v, context) === true;
    if (set === 'ForAllValues') {
      for (const x of v!) if (test(x, context) !== true) return false;
      return true;
    }
    if (set === 'ForAnyValue') {
      for (const x of v!) {
        const result = test(x, context);
        if (result === undefined) return false;
        if (result) return true;
      }
      return false;
    }
    // A single-valued operator on a multivalued key: a positive one matches when any value does, a negated
    // one when none does.
    for (const x of v!) {
      const result = matchesAny(x, context);
      if (result === undefined) return false;
      if (result) return !o.negated;
    }
    return o.negated;
  };
}

const VENDOR = /^[^:/]+:./;
export const VENDOR_MESSAGE = 'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.';

/** Compiles a statement's Condition element; throws ConditionSyntaxError with IAM's message when malformed. */
export function compileCondition(condition: unknown, variables: boolean): ConditionTest | undefined {
  if (condition === undefined) return undefined;
  if (!isObject(condition)) throw new ConditionSyntaxError('Syntax errors in policy.');
  const tests: ConditionTest[] = [];
  for (const [name, block] of Object.entries(condition)) {
    let rest = name;
    let set: SetOperator;
    for (const prefix of ['ForAnyValue', 'ForAllValues'] as const) {
      if (rest.toLowerCase().startsWith(`${prefix.toLowerCase()}:`)) {
        set = prefix;
        rest = rest.slice(prefix.length + 1);
      }
    }
    const ifExists = rest.toLowerCase().endsWith('ifexists') && rest.length > 'ifexists'.length;
    const o = BY_LOWER.get((ifExists ? rest.slice(0, -'ifexists'.length) : rest).toLowerCase());
    if (!o || (ifExists && o.kind === 'Null')) throw new ConditionSyntaxError('Syntax errors in policy.');
    if (!isObject(block)) throw new ConditionSyntaxError('Syntax errors in policy.');
    for (const [key, raw] of Object.entries(block)) {
      if (!VENDOR.test(key)) throw new ConditionSyntaxError(VENDOR_MESSAGE);
      const list = Array.isArray(raw) ? raw : [raw];
      if (list.length === 0 || !list.every((x) => ['string', 'number', 'boolean'].includes(typeof x))) {
        throw new ConditionSyntaxError('Syntax errors in policy.');
      }
      tests.push(keyTest(o, set, ifExists, normalizeKey(key), list.map(String), variables));
    }
  }
  if (tests.length === 1) return tests[0];
  return (context) => {
    for (const t of tests) if (!t(context)) return false;
    return true;
  };
}

export const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
