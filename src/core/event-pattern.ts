// EventBridge event patterns: the whole pattern language, validated as EventBridge validates it (its rule
// engine, Event Ruler, gives the reasons quoted here) and compiled once into closures, so matching an event
// is a walk of the pattern's fields with no parsing. Semantics follow Event Ruler:
// - every field of a pattern must match (AND); the values listed for a field are alternatives (OR);
// - an event array matches when one of its elements does, and the fields of a pattern object inside an
//   array must all match the same element;
// - only leaves (strings, numbers, booleans, null) are values: `exists` is about leaves, and an object where
//   the pattern expects a value is no value at all;
// - numbers compare as numbers (`[300]` matches `3.0e2`), never as strings.
import { inCidr, parseCidr, parseIp } from './policy/ip.js';

/** Why a pattern is refused; the API answers InvalidEventPatternException "Event pattern is not valid. Reason: ...". */
export class EventPatternError extends Error {}

type Leaf = string | number | boolean | null;
/** Tests one event value. */
type ValueTest = (value: Leaf) => boolean;
/** Tests an event node (an object, an array of them, or anything else: then every field is absent). */
type NodeTest = (node: unknown) => boolean;

export interface EventPattern {
  /** Whether the event (parsed JSON) matches. */
  matches(event: unknown): boolean;
  /**
   * The `source` values an event must have to match, when the pattern names them as plain strings at its
   * top level (almost every rule does): an index over rules uses them to skip the rules an event cannot match.
   */
  readonly sources: readonly string[] | undefined;
}

/** Parses and compiles an event pattern (JSON text), or throws EventPatternError. */
export function compileEventPattern(text: string): EventPattern {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new EventPatternError((error as Error).message);
  }
  if (!isObject(parsed)) throw new EventPatternError('Filter is not an object');
  const test = compileObject(parsed, false);
  const source = parsed.source;
  const sources = Array.isArray(source) && source.every((s) => typeof s === 'string') ? (source as string[]) : undefined;
  return { matches: test, sources };
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Names that are match expressions, not fields, and so cannot be fields inside `$or`. */
const RESERVED_IN_OR = new Set(['anything-but', 'numeric', 'prefix', 'suffix', 'exists', 'cidr', 'equals-ignore-case', 'wildcard']);

function compileObject(pattern: Record<string, unknown>, inOr: boolean): NodeTest {
  const tests: NodeTest[] = [];
  const keys = Object.keys(pattern);
  if (keys.length === 0) throw new EventPatternError('Empty objects are not allowed');
  for (const key of keys) {
    const value = pattern[key];
    if (key === '$or') {
      tests.push(compileOr(value));
      continue;
    }
    if (inOr && RESERVED_IN_OR.has(key)) throw new EventPatternError(`${key} is Ruler reserved fieldName which cannot be used inside $or.`);
    if (isObject(value)) {
      const child = compileObject(value, inOr);
      tests.push((node) => child(field(node, key)));
    } else if (Array.isArray(value)) {
      const leaf = compileValues(value);
      tests.push((node) => leaf(field(node, key)));
    } else {
      throw new EventPatternError(`"${key}" must be an object or an array`);
    }
  }
  const all = (node: unknown) => {
    for (const test of tests) if (!test(node)) return false;
    return true;
  };
  // An array of objects matches when one element matches every field (an empty array: as if absent).
  const matchNode: NodeTest = (node) => {
    if (!Array.isArray(node)) return all(node);
    if (node.length === 0) return all(undefined);
    for (const element of node) if (matchNode(element)) return true;
    return false;
  };
  return matchNode;
}

const field = (node: unknown, key: string): unknown => (isObject(node) ? node[key] : undefined);

function compileOr(value: unknown): NodeTest {
  if (!Array.isArray(value)) throw new EventPatternError('It must be an Array followed with $or.');
  const branches = value.map((branch) => {
    if (!isObject(branch)) throw new EventPatternError('Only JSON object is allowed in array of $or relationship.');
    return compileObject(branch, true);
  });
  if (branches.length < 2) throw new EventPatternError('There must have at least 2 Objects in $or relationship.');
  return (node) => branches.some((branch) => branch(node));
}

/** A field's list of alternatives, tested against the leaves found at the field (arrays flattened). */
function compileValues(values: unknown[]): NodeTest {
  if (values.length === 0) throw new EventPatternError('Empty arrays are not allowed');
  const tests: ValueTest[] = [];
  let absent = false;
  let present = false;
  for (const value of values) {
    if (isObject(value)) {
      const expression = compileExpression(value);
      if (expression === 'absent') absent = true;
      else if (expression === 'present') present = true;
      else tests.push(expression);
    } else if (typeof value === 'number') {
      tests.push((v) => v === value);
    } else if (typeof value === 'string') {
      // An IP address matches the same address however it is written (`2001:db8::1`, `2001:DB8:0::1`).
      const ip = parseIp(value);
      if (!ip) tests.push((v) => v === value);
      else
        tests.push((v) => {
          if (v === value) return true;
          const other = typeof v === 'string' ? parseIp(v) : undefined;
          return other !== undefined && other.v6 === ip.v6 && other.value === ip.value;
        });
    } else if (typeof value === 'boolean' || value === null) {
      tests.push((v) => v === value);
    } else {
      throw new EventPatternError('Match value must be String, number, true, false, or null');
    }
  }
  const one: ValueTest = tests.length === 1 ? tests[0]! : (v) => tests.some((t) => t(v));
  return (node) => {
    if (node === undefined || isObject(node)) return absent;
    if (!Array.isArray(node)) return present || (tests.length > 0 && one(node as Leaf));
    const leaves = flatten(node);
    if (leaves.length === 0) return absent;
    return present || (tests.length > 0 && leaves.some(one));
  };
}

function flatten(values: unknown[], out: Leaf[] = []): Leaf[] {
  for (const value of values) {
    if (Array.isArray(value)) flatten(value, out);
    else if (!isObject(value)) out.push(value as Leaf);
  }
  return out;
}

/** One `{ "<operator>": ... }` alternative. */
function compileExpression(expression: Record<string, unknown>): ValueTest | 'absent' | 'present' {
  const names = Object.keys(expression);
  if (names.length === 0) throw new EventPatternError('Match expression name not found');
  if (names.length > 1) throw new EventPatternError('Only one key allowed in match expression');
  const name = names[0]!;
  const operand = expression[name];
  switch (name) {
    case 'exists':
      if (typeof operand !== 'boolean') throw new EventPatternError('exists match pattern must be either true or false.');
      return operand ? 'present' : 'absent';
    case 'prefix':
    case 'suffix': {
      const starts = name === 'prefix';
      if (isObject(operand)) {
        const text = ignoreCaseOperand(operand, name);
        const lower = text.toLowerCase();
        return (v) => typeof v === 'string' && (starts ? v.toLowerCase().startsWith(lower) : v.toLowerCase().endsWith(lower));
      }
      if (typeof operand !== 'string') throw new EventPatternError(`${name} match pattern must be a string`);
      return (v) => typeof v === 'string' && (starts ? v.startsWith(operand) : v.endsWith(operand));
    }
    case 'equals-ignore-case': {
      if (typeof operand !== 'string') throw new EventPatternError('equals-ignore-case match pattern must be a string');
      const lower = operand.toLowerCase();
      return (v) => typeof v === 'string' && v.toLowerCase() === lower;
    }
    case 'wildcard': {
      if (typeof operand !== 'string') throw new EventPatternError('wildcard match pattern must be a string');
      const regex = wildcardRegExp(operand);
      return (v) => typeof v === 'string' && regex.test(v);
    }
    case 'numeric':
      return compileNumeric(operand);
    case 'cidr': {
      if (typeof operand !== 'string') throw new EventPatternError('prefix match pattern must be a string');
      const cidr = operand.includes('/') ? parseCidr(operand) : undefined;
      if (!cidr) throw new EventPatternError(`Nonstandard IP address: ${operand}`);
      return (v) => {
        if (typeof v !== 'string') return false;
        const ip = parseIp(v);
        return ip !== undefined && inCidr(cidr, ip);
      };
    }
    case 'anything-but':
      return compileAnythingBut(operand);
    default:
      throw new EventPatternError(`Unrecognized match type ${name}`);
  }
}

/** `{ "equals-ignore-case": "..." }` inside prefix or suffix. */
function ignoreCaseOperand(operand: Record<string, unknown>, within: 'prefix' | 'suffix'): string {
  const names = Object.keys(operand);
  const label = within === 'prefix' ? 'Prefix' : 'Suffix';
  if (names.length === 0) throw new EventPatternError(`${label} expression name not found`);
  if (names[0] !== 'equals-ignore-case') throw new EventPatternError(`Unsupported ${within} pattern: ${names[0]}`);
  if (names.length > 1) throw new EventPatternError('Only one key allowed in match expression');
  const text = operand['equals-ignore-case'];
  if (typeof text !== 'string') throw new EventPatternError('equals-ignore-case match pattern must be a string');
  return text;
}

function compileAnythingBut(operand: unknown): ValueTest {
  if (isObject(operand)) {
    const names = Object.keys(operand);
    if (names.length === 0) throw new EventPatternError('Anything-But expression name not found');
    if (names.length > 1) throw new EventPatternError('Too many elements in numeric expression');
    const kind = names[0]!;
    if (!['equals-ignore-case', 'prefix', 'suffix', 'wildcard'].includes(kind)) throw new EventPatternError(`Unsupported anything-but pattern: ${kind}`);
    const inner = operand[kind];
    const list = Array.isArray(inner) ? inner : [inner];
    if (!Array.isArray(inner) && typeof inner !== 'string' && typeof inner !== 'number')
      throw new EventPatternError('Value of anything-but must be an array or single string/number value.');
    const texts = list.map((text) => {
      if (typeof text === 'string') {
        if ((kind === 'prefix' || kind === 'suffix') && text === '') throw new EventPatternError('Null prefix/suffix not allowed');
        return text;
      }
      if (kind === 'equals-ignore-case') throw new EventPatternError('Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.');
      throw new EventPatternError(kind === 'wildcard' ? 'wildcard match pattern must be a string' : 'prefix/suffix match pattern must be a string');
    });
    let excluded: (v: string) => boolean;
    if (kind === 'equals-ignore-case') {
      const set = new Set(texts.map((t) => t.toLowerCase()));
      excluded = (v) => set.has(v.toLowerCase());
    } else if (kind === 'prefix') excluded = (v) => texts.some((t) => v.startsWith(t));
    else if (kind === 'suffix') excluded = (v) => texts.some((t) => v.endsWith(t));
    else {
      const regexes = texts.map(wildcardRegExp);
      excluded = (v) => regexes.some((r) => r.test(v));
    }
    // A value that is not a string is never excluded: it is "anything but" these strings.
    return (v) => typeof v !== 'string' || !excluded(v);
  }
  const list = Array.isArray(operand) ? operand : [operand];
  if (!Array.isArray(operand) && typeof operand !== 'string' && typeof operand !== 'number')
    throw new EventPatternError('Value of anything-but must be an array or single string/number value.');
  if (list.some((v) => typeof v !== 'string' && typeof v !== 'number'))
    throw new EventPatternError(`Inside anything${Array.isArray(operand) ? ' but' : '-but'} list, start|null|boolean is not supported.`);
  const numbers = list.filter((v): v is number => typeof v === 'number');
  if (numbers.length > 0 && numbers.length < list.length)
    throw new EventPatternError('Inside anything but list, either all values are number or string, mixed type is not supported');
  if (list.length === 0) throw new EventPatternError('Inside anything but list, either all values are number or string, mixed type is not supported');
  if (numbers.length > 0) {
    const set = new Set(numbers);
    return (v) => typeof v === 'number' && !set.has(v);
  }
  const set = new Set(list as string[]);
  return (v) => typeof v !== 'string' || !set.has(v);
}

const OPERATORS = new Set(['=', '<', '<=', '>', '>=']);

/** `"numeric": [op, n]` or a range `[">" | ">=", low, "<" | "<=", high]`. */
function compileNumeric(operand: unknown): ValueTest {
  if (!Array.isArray(operand)) throw new EventPatternError('Value of numeric must be an array.');
  const [op, value, op2, value2, ...rest] = operand;
  if (typeof op !== 'string') throw new EventPatternError(`Invalid member in numeric match: ${JSON.stringify(op)}`);
  if (!OPERATORS.has(op)) throw new EventPatternError(`Unrecognized numeric range operator: ${op}`);
  if (typeof value !== 'number') throw new EventPatternError(`Value of ${op === '=' ? 'equals' : op} must be numeric`);
  const bound = (o: string, n: number): ValueTest =>
    o === '=' ? (v) => v === n : o === '<' ? (v) => (v as number) < n : o === '<=' ? (v) => (v as number) <= n : o === '>' ? (v) => (v as number) > n : (v) => (v as number) >= n;
  const low = bound(op, value);
  if (operand.length === 2) return (v) => typeof v === 'number' && low(v);
  if (op === '=' || op === '<' || op === '<=') throw new EventPatternError('Too many elements in numeric expression');
  if (typeof op2 !== 'string') throw new EventPatternError(`Bad value in numeric range: ${JSON.stringify(op2)}`);
  if (op2 !== '<' && op2 !== '<=') throw new EventPatternError(`Bad numeric range operator: ${op2}`);
  if (typeof value2 !== 'number') throw new EventPatternError(`Value of ${op2} must be numeric`);
  if (rest.length > 0) throw new EventPatternError('Too many terms in numeric range expression');
  if (value2 < value || (value2 === value && (op === '>' || op2 === '<')))
    throw new EventPatternError(`Bottom must be less than top`);
  const high = bound(op2, value2);
  return (v) => typeof v === 'number' && low(v) && high(v);
}

/**
 * A wildcard value as a regular expression: `*` is any run of characters, `\*` a star and `\\` a backslash;
 * two stars in a row, or any other escape, are refused (positions counted as Event Ruler counts them, from
 * the opening quote of the JSON string).
 */
export function wildcardRegExp(text: string): RegExp {
  let source = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\') {
      const next = text[i + 1];
      if (next !== '*' && next !== '\\') throw new EventPatternError(`Invalid escape character at pos ${i + 1}`);
      source += '\\' + next;
      i++;
    } else if (c === '*') {
      if (text[i + 1] === '*') throw new EventPatternError(`Consecutive wildcard characters at pos ${i + 1}`);
      source += '.*';
    } else {
      source += c.replace(/[.+?^${}()|[\]\\/-]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`, 's');
}

/**
 * Rules' patterns indexed by the `source` values they require, so an event is tested against the rules
 * that name its source and those that name none: with a thousand rules an event meets a handful.
 */
export class EventPatternIndex<K> {
  private readonly bySource = new Map<string, { key: K; pattern: EventPattern }[]>();
  private readonly anySource: { key: K; pattern: EventPattern }[] = [];

  add(key: K, pattern: EventPattern): void {
    const entry = { key, pattern };
    if (!pattern.sources) {
      this.anySource.push(entry);
      return;
    }
    for (const source of new Set(pattern.sources)) {
      let list = this.bySource.get(source);
      if (!list) this.bySource.set(source, (list = []));
      list.push(entry);
    }
  }

  /** Whether any pattern could match an event from `source` (so that making such an event is worth it). */
  mayMatch(source: string): boolean {
    return this.anySource.length > 0 || this.bySource.has(source);
  }

  /** The keys of the patterns the event matches, in the order they were added per group. */
  match(event: { source?: unknown }): K[] {
    const matched: K[] = [];
    const named = typeof event.source === 'string' ? this.bySource.get(event.source) : undefined;
    for (const list of [named, this.anySource]) for (const { key, pattern } of list ?? []) if (pattern.matches(event)) matched.push(key);
    return matched;
  }
}
