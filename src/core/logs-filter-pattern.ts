// CloudWatch Logs' filter-pattern syntax, parsed once into a matcher over event messages. Pure.
// Three forms, as AWS documents them ("Filter pattern syntax for metric filters, subscription filters,
// filter log events, and Live Tail"):
// - terms: `ERROR`, `"connection reset"`, `%regex%`; all plain terms must match, at least one `?term` when
//   there are any, and no `-term`. Case-sensitive, anywhere in the message.
// - JSON: `{ $.level = "error" && ($.latency > 300 || $.user.id NOT EXISTS) }` over messages that are JSON:
//   selectors with `.name`, `[n]` and `[*]`, `= != < > <= >=`, strings with `*` wildcards or `%regex%`,
//   `IS NULL`, `IS TRUE`, `IS FALSE`, `EXISTS`, `NOT EXISTS`.
// - space-delimited: `[ip, user, ..., status = 4* || status = 5*, bytes > 1000]` over messages split at
//   spaces (a `"quoted"` or `[bracketed]` run is one field); `...` stands for any number of fields.
import { InvalidParameterException } from './logs-errors.js';

export type LogMatcher = (message: string) => boolean;

const invalid = (why: string) => new InvalidParameterException(`Invalid filter pattern: ${why}`);

/** Compiles `pattern`; an empty pattern matches every event. Throws InvalidParameterException when malformed. */
export function compileFilterPattern(pattern: string | undefined): LogMatcher {
  const text = (pattern ?? '').trim();
  if (text === '' || text === '""') return () => true;
  if (text.startsWith('{')) return jsonPattern(text);
  if (text.startsWith('[')) return delimitedPattern(text);
  return termPattern(text);
}

// --- values shared by the forms ----------------------------------------------------------------------

/** A string to compare with: literal, with `*` wildcards, or a `%regex%`. */
function textMatcher(value: string, quoted: boolean): (s: string) => boolean {
  if (!quoted && value.length >= 2 && value.startsWith('%') && value.endsWith('%')) {
    let re: RegExp;
    try {
      re = new RegExp(value.slice(1, -1));
    } catch {
      throw invalid(`bad regular expression ${value}`);
    }
    return (s) => re.test(s);
  }
  if (!value.includes('*')) return (s) => s === value;
  const re = new RegExp(`^${value.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 's');
  return (s) => re.test(s);
}

type Op = '=' | '!=' | '<' | '>' | '<=' | '>=';

const NUMBER = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;

/** `actual op literal`: numerically when the literal is a number and the value one too, else as text. */
function comparison(op: Op, literal: string, quoted: boolean): (actual: unknown) => boolean {
  const numeric = !quoted && NUMBER.test(literal);
  const n = Number(literal);
  const asNumber = (v: unknown) => (typeof v === 'number' ? v : typeof v === 'string' && NUMBER.test(v) ? Number(v) : undefined);
  if (op !== '=' && op !== '!=') {
    if (!numeric) throw invalid(`${op} needs a number, not ${literal}`);
    return (actual) => {
      const a = asNumber(actual);
      if (a === undefined) return false;
      return op === '<' ? a < n : op === '>' ? a > n : op === '<=' ? a <= n : a >= n;
    };
  }
  const text = textMatcher(literal, quoted);
  const equal = (actual: unknown) => {
    if (numeric) {
      const a = asNumber(actual);
      if (a !== undefined) return a === n;
    }
    return (typeof actual === 'string' || typeof actual === 'number' || typeof actual === 'boolean') && text(String(actual));
  };
  return op === '=' ? equal : (actual) => actual !== undefined && !equal(actual);
}

// --- a small lexer for the JSON and space-delimited forms -------------------------------------------

type Token = { kind: 'word' | 'string' | 'op' | 'punct'; text: string };

function lex(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"') {
      let value = '';
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < text.length) i++;
        value += text[i++];
      }
      if (i >= text.length) throw invalid('unterminated quoted string');
      i++;
      tokens.push({ kind: 'string', text: value });
    } else if (text.startsWith('&&', i) || text.startsWith('||', i) || text.startsWith('!=', i) || text.startsWith('<=', i) || text.startsWith('>=', i)) {
      tokens.push({ kind: 'op', text: text.slice(i, i + 2) });
      i += 2;
    } else if ('=<>'.includes(c)) {
      tokens.push({ kind: 'op', text: c });
      i++;
    } else if ('{}()[],'.includes(c)) {
      tokens.push({ kind: 'punct', text: c });
      i++;
    } else {
      // A word runs to a space or a delimiter; `[n]` right after a selector stays part of it.
      let j = i;
      let depth = 0;
      while (j < text.length) {
        const d = text[j]!;
        if (d === '[') depth++;
        else if (d === ']' && depth > 0) depth--;
        else if (depth === 0 && (/\s/.test(d) || '{}()],=<>!&|"'.includes(d))) break;
        j++;
      }
      if (j === i) throw invalid(`unexpected character ${c}`);
      tokens.push({ kind: 'word', text: text.slice(i, j) });
      i = j;
    }
  }
  return tokens;
}

class Tokens {
  private i = 0;
  constructor(private readonly list: Token[]) {}
  peek(offset = 0): Token | undefined {
    return this.list[this.i + offset];
  }
  next(): Token {
    const token = this.list[this.i++];
    if (!token) throw invalid('unexpected end');
    return token;
  }
  accept(text: string): boolean {
    if (this.peek()?.text !== text || this.peek()?.kind === 'string') return false;
    this.i++;
    return true;
  }
  expect(text: string): void {
    if (!this.accept(text)) throw invalid(`expected ${text}${this.peek() ? ` before ${this.peek()!.text}` : ''}`);
  }
  get done() {
    return this.i >= this.list.length;
  }
}

const OPS = new Set(['=', '!=', '<', '>', '<=', '>=']);

/** `a && b || c` with && binding tighter, over operands that `operand` parses. */
function logical<T>(tokens: Tokens, operand: () => (x: T) => boolean): (x: T) => boolean {
  const and = () => {
    let left = operand();
    while (tokens.accept('&&')) {
      const [l, r] = [left, operand()];
      left = (x) => l(x) && r(x);
    }
    return left;
  };
  let left = and();
  while (tokens.accept('||')) {
    const [l, r] = [left, and()];
    left = (x) => l(x) || r(x);
  }
  return left;
}

// --- JSON patterns -----------------------------------------------------------------------------------

/** `$.a.b[0][*].c` -> the steps to walk; `*` as a name or index is any member. */
function selector(text: string): (string | number | '*')[] {
  if (!text.startsWith('$')) throw invalid(`a JSON selector starts with $, not ${text}`);
  const steps: (string | number | '*')[] = [];
  const re = /\.([^.[\]]+)|\[(\d+|\*)\]/gy;
  re.lastIndex = 1;
  let match: RegExpExecArray | null;
  while (re.lastIndex < text.length && (match = re.exec(text))) {
    if (match[1] !== undefined) steps.push(match[1] === '*' ? '*' : match[1]);
    else steps.push(match[2] === '*' ? '*' : Number(match[2]));
  }
  if (re.lastIndex !== text.length && text.length > 1) throw invalid(`bad selector ${text}`);
  return steps;
}

function select(value: unknown, steps: (string | number | '*')[]): unknown[] {
  let current = [value];
  for (const step of steps) {
    current = current.flatMap((v) => {
      if (v === null || typeof v !== 'object') return [];
      if (step === '*') return Object.values(v);
      if (typeof step === 'number') return Array.isArray(v) && step < v.length ? [v[step]] : [];
      return !Array.isArray(v) && Object.hasOwn(v, step) ? [(v as Record<string, unknown>)[step]] : [];
    });
  }
  return current;
}

function jsonPattern(text: string): LogMatcher {
  const tokens = new Tokens(lex(text));
  tokens.expect('{');
  const operand = (): ((doc: unknown) => boolean) => {
    if (tokens.accept('(')) {
      const inner = logical(tokens, operand);
      tokens.expect(')');
      return inner;
    }
    const sel = tokens.next();
    if (sel.kind !== 'word') throw invalid(`expected a selector, not ${sel.text}`);
    const steps = selector(sel.text);
    const upper = tokens.peek()?.kind === 'word' ? tokens.peek()!.text.toUpperCase() : '';
    if (upper === 'IS') {
      tokens.next();
      const what = tokens.next().text.toUpperCase();
      const test = what === 'NULL' ? (v: unknown) => v === null : what === 'TRUE' ? (v: unknown) => v === true : what === 'FALSE' ? (v: unknown) => v === false : undefined;
      if (!test) throw invalid(`IS ${what}`);
      return (doc) => select(doc, steps).some(test);
    }
    if (upper === 'NOT') {
      tokens.next();
      if (tokens.next().text.toUpperCase() !== 'EXISTS') throw invalid('NOT must be followed by EXISTS');
      return (doc) => select(doc, steps).length === 0;
    }
    if (upper === 'EXISTS') {
      tokens.next();
      return (doc) => select(doc, steps).length > 0;
    }
    const op = tokens.next();
    if (op.kind !== 'op' || !OPS.has(op.text)) throw invalid(`expected a comparison after ${sel.text}`);
    const value = tokens.next();
    if (value.kind !== 'word' && value.kind !== 'string') throw invalid(`expected a value after ${op.text}`);
    const compare = comparison(op.text as Op, value.text, value.kind === 'string');
    return (doc) => select(doc, steps).some(compare);
  };
  const match = logical(tokens, operand);
  tokens.expect('}');
  if (!tokens.done) throw invalid(`unexpected ${tokens.peek()!.text} after }`);
  return (message) => {
    const start = message.trimStart()[0];
    if (start !== '{' && start !== '[') return false;
    let doc: unknown;
    try {
      doc = JSON.parse(message);
    } catch {
      return false;
    }
    return match(doc);
  };
}

// --- space-delimited patterns ------------------------------------------------------------------------

/** The fields of a message: space-separated, with a "quoted" or [bracketed] run as one field (its delimiters dropped). */
export function messageFields(message: string): string[] {
  const fields: string[] = [];
  const re = /"([^"]*)"|\[([^\]]*)\]|(\S+)/g;
  let match: RegExpExecArray | null;
  while ((match = re.exec(message))) fields.push(match[1] ?? match[2] ?? match[3]!);
  return fields;
}

const ELLIPSIS = '...';

function delimitedPattern(text: string): LogMatcher {
  const tokens = new Tokens(lex(text));
  tokens.expect('[');
  const names: string[] = [];
  const conditions: ((fields: Map<string, string>) => boolean)[] = [];
  const operand = (): ((fields: Map<string, string>) => boolean) => {
    const name = tokens.next();
    if (name.kind !== 'word') throw invalid(`expected a field name, not ${name.text}`);
    const op = tokens.next();
    if (op.kind !== 'op' || !OPS.has(op.text)) throw invalid(`expected a comparison after ${name.text}`);
    const value = tokens.next();
    if (value.kind !== 'word' && value.kind !== 'string') throw invalid(`expected a value after ${op.text}`);
    const compare = comparison(op.text as Op, value.text, value.kind === 'string');
    return (fields) => fields.has(name.text) && compare(fields.get(name.text));
  };
  while (!tokens.accept(']')) {
    const name = tokens.peek();
    if (!name || name.kind !== 'word') throw invalid(`expected a field name${name ? `, not ${name.text}` : ''}`);
    names.push(name.text);
    if (tokens.peek(1)?.kind === 'op' && name.text !== ELLIPSIS) conditions.push(logical(tokens, operand));
    else tokens.next();
    if (!tokens.accept(',') && tokens.peek()?.text !== ']') throw invalid(`expected , or ] after ${name.text}`);
  }
  if (!tokens.done) throw invalid(`unexpected ${tokens.peek()!.text} after ]`);
  const holds = (bound: Map<string, string>) => conditions.every((c) => c(bound));
  // Binds the pattern's names to the fields, trying each width for an ellipsis, until the conditions hold.
  const bind = (p: number, f: number, fields: string[], bound: Map<string, string>): boolean => {
    if (p === names.length) return f === fields.length && holds(bound);
    if (names[p] === ELLIPSIS) {
      for (let width = 0; f + width <= fields.length; width++) if (bind(p + 1, f + width, fields, bound)) return true;
      return false;
    }
    if (f >= fields.length) return false;
    const next = new Map(bound).set(names[p]!, fields[f]!);
    return bind(p + 1, f + 1, fields, next);
  };
  return (message) => bind(0, 0, messageFields(message), new Map());
}

// --- term patterns -----------------------------------------------------------------------------------

function termPattern(text: string): LogMatcher {
  const required: ((s: string) => boolean)[] = [];
  const optional: ((s: string) => boolean)[] = [];
  const excluded: ((s: string) => boolean)[] = [];
  const re = /([?-]?)(?:"((?:[^"\\]|\\.)*)"|(%[^%]+%)|([^\s"]+))/gy;
  let i = 0;
  while (i < text.length) {
    if (/\s/.test(text[i]!)) {
      i++;
      continue;
    }
    re.lastIndex = i;
    const match = re.exec(text);
    if (!match) throw invalid(`unterminated quoted term at ${text.slice(i)}`);
    i = re.lastIndex;
    const [, prefix, quoted, regex, word] = match;
    let test: (s: string) => boolean;
    if (regex !== undefined) {
      test = textMatcher(regex, false);
    } else {
      const term = quoted !== undefined ? quoted.replace(/\\(.)/g, '$1') : word!;
      if (word !== undefined && /[{}()=<>!&|,[\]]/.test(word)) throw invalid(`Invalid character(s) in term '${word}'`);
      test = (s) => s.includes(term);
    }
    (prefix === '?' ? optional : prefix === '-' ? excluded : required).push(test);
  }
  return (message) =>
    required.every((t) => t(message)) && (optional.length === 0 || optional.some((t) => t(message))) && !excluded.some((t) => t(message));
}
