// DynamoDB's expression languages parsed into trees: condition (and filter), update (SET/REMOVE/ADD/DELETE),
// projection and key condition. Names (#n) and values (:v) are resolved while parsing, so an expression
// that names one not given fails as AWS fails it, and the caller learns which were used (AWS refuses unused
// ones). Pure: no I/O.
import { ValidationException, type AwsError } from '../errors.js';
import type { AttributeValue } from './attribute-values.js';
import { RESERVED_WORDS } from './reserved-words.js';

/** A document path: attribute names and list indexes. */
export type Path = (string | number)[];

export type Operand =
  | { kind: 'path'; path: Path }
  | { kind: 'value'; value: AttributeValue; name: string }
  | { kind: 'size'; path: Path }
  | { kind: 'if_not_exists'; path: Path; fallback: Operand }
  | { kind: 'list_append'; left: Operand; right: Operand }
  | { kind: 'arithmetic'; op: '+' | '-'; left: Operand; right: Operand };

export type Comparator = '=' | '<>' | '<' | '<=' | '>' | '>=';

export type Condition =
  | { kind: 'compare'; op: Comparator; left: Operand; right: Operand }
  | { kind: 'between'; operand: Operand; low: Operand; high: Operand }
  | { kind: 'in'; operand: Operand; list: Operand[] }
  | { kind: 'and' | 'or'; left: Condition; right: Condition }
  | { kind: 'not'; condition: Condition }
  | { kind: 'function'; name: 'attribute_exists' | 'attribute_not_exists' | 'attribute_type' | 'begins_with' | 'contains'; args: Operand[] };

export interface UpdateActions {
  set: { path: Path; value: Operand }[];
  remove: Path[];
  add: { path: Path; value: Operand }[];
  delete: { path: Path; value: Operand }[];
}

/** What an expression may refer to, and which of them expressions used (shared by one request's expressions). */
export class ExpressionContext {
  readonly usedNames = new Set<string>();
  readonly usedValues = new Set<string>();
  constructor(
    readonly names: Record<string, string> | undefined,
    readonly values: Record<string, AttributeValue> | undefined,
  ) {
    if (names && Object.keys(names).length === 0) throw new ValidationException('ExpressionAttributeNames must not be empty');
    if (values && Object.keys(values).length === 0) throw new ValidationException('ExpressionAttributeValues must not be empty');
  }

  /** AWS refuses names and values that no expression of the request used. */
  checkAllUsed(): void {
    const names = Object.keys(this.names ?? {}).filter((n) => !this.usedNames.has(n));
    if (names.length) throw new ValidationException(`Value provided in ExpressionAttributeNames unused in expressions: keys: {${names.join(', ')}}`);
    const values = Object.keys(this.values ?? {}).filter((v) => !this.usedValues.has(v));
    if (values.length) throw new ValidationException(`Value provided in ExpressionAttributeValues unused in expressions: keys: {${values.join(', ')}}`);
  }
}

type Token = { type: 'name' | 'alias' | 'value' | 'number' | 'punct' | 'eof'; text: string; at: number };

const PUNCTUATION = ['<=', '>=', '<>', '=', '<', '>', '(', ')', '[', ']', ',', '.', '+', '-'];

function tokenize(text: string, label: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const word = /^(#|:)?[A-Za-z0-9_]+/.exec(text.slice(i));
    if (word) {
      const t = word[0];
      const type = t[0] === '#' ? 'alias' : t[0] === ':' ? 'value' : /^\d+$/.test(t) ? 'number' : 'name';
      tokens.push({ type, text: t, at: i });
      i += t.length;
      continue;
    }
    const punct = PUNCTUATION.find((p) => text.startsWith(p, i));
    if (!punct) throw new ValidationException(`Invalid ${label}: Syntax error; token: "${c}", near: "${text.slice(Math.max(0, i - 5), i + 5).trim()}"`);
    tokens.push({ type: 'punct', text: punct, at: i });
    i += punct.length;
  }
  tokens.push({ type: 'eof', text: '<EOF>', at: text.length });
  return tokens;
}

const CONDITION_FUNCTIONS = new Set(['attribute_exists', 'attribute_not_exists', 'attribute_type', 'begins_with', 'contains']);
const UPDATE_FUNCTIONS = new Set(['if_not_exists', 'list_append']);
const COMPARATORS = new Set(['=', '<>', '<', '<=', '>', '>=']);

class Parser {
  private tokens: Token[];
  private i = 0;

  constructor(
    private readonly text: string,
    private readonly label: string,
    private readonly ctx: ExpressionContext,
  ) {
    if (text.trim() === '') throw new ValidationException(`Invalid ${label}: The expression can not be empty;`);
    this.tokens = tokenize(text, label);
  }

  private get token(): Token {
    return this.tokens[this.i]!;
  }
  private next(): Token {
    return this.tokens[this.i++]!;
  }
  private keyword(word: string): boolean {
    if (this.token.type === 'name' && this.token.text.toUpperCase() === word) {
      this.i++;
      return true;
    }
    return false;
  }
  private punct(p: string): boolean {
    if (this.token.type === 'punct' && this.token.text === p) {
      this.i++;
      return true;
    }
    return false;
  }
  syntaxError(token = this.token): AwsError {
    const before = this.tokens[this.tokens.indexOf(token) - 1];
    const start = before ? before.at : token.at;
    const near = this.text.slice(start, token.type === 'eof' ? token.at : token.at + token.text.length);
    return new ValidationException(`Invalid ${this.label}: Syntax error; token: ${token.type === 'eof' ? '<EOF>' : `"${token.text}"`}, near: "${near}"`);
  }
  error(message: string): AwsError {
    return new ValidationException(`Invalid ${this.label}: ${message}`);
  }
  private expect(p: string): void {
    if (!this.punct(p)) throw this.syntaxError();
  }
  end(): void {
    if (this.token.type !== 'eof') throw this.syntaxError();
  }

  // condition := or; or := and (OR and)*; and := not (AND not)*; not := NOT not | primary
  condition(): Condition {
    let left = this.and();
    while (this.keyword('OR')) left = { kind: 'or', left, right: this.and() };
    return left;
  }
  private and(): Condition {
    let left = this.not();
    while (this.keyword('AND')) left = { kind: 'and', left, right: this.not() };
    return left;
  }
  private not(): Condition {
    if (this.keyword('NOT')) return { kind: 'not', condition: this.not() };
    return this.primary();
  }
  private primary(): Condition {
    if (this.punct('(')) {
      const inner = this.condition();
      this.expect(')');
      return inner;
    }
    const name = this.functionName();
    if (name !== undefined && CONDITION_FUNCTIONS.has(name)) return this.conditionFunction(name);
    const operand = this.conditionOperand();
    if (this.keyword('BETWEEN')) {
      const low = this.conditionOperand();
      if (!this.keyword('AND')) throw this.syntaxError();
      const high = this.conditionOperand();
      return { kind: 'between', operand, low, high };
    }
    if (this.keyword('IN')) {
      this.expect('(');
      const list = [this.conditionOperand()];
      while (this.punct(',')) list.push(this.conditionOperand());
      this.expect(')');
      if (list.length > 100) throw this.error('The IN operator is provided with too many operands; number of operands: ' + list.length);
      return { kind: 'in', operand, list };
    }
    const op = this.token;
    if (op.type === 'punct' && COMPARATORS.has(op.text)) {
      this.i++;
      return { kind: 'compare', op: op.text as Comparator, left: operand, right: this.conditionOperand() };
    }
    throw this.syntaxError();
  }

  /** The lower-cased name when the next tokens are `name(`. */
  private functionName(): string | undefined {
    const t = this.token;
    const after = this.tokens[this.i + 1]!;
    if (t.type === 'name' && after.type === 'punct' && after.text === '(') return t.text;
    return undefined;
  }

  private conditionFunction(name: string): Condition {
    this.i += 2;
    const args = [this.conditionOperand()];
    while (this.punct(',')) args.push(this.conditionOperand());
    this.expect(')');
    const arity = name === 'attribute_exists' || name === 'attribute_not_exists' ? 1 : 2;
    if (args.length !== arity) throw this.error(`Incorrect number of operands for operator or function; operator or function: ${name}, number of operands: ${args.length}`);
    if (args[0]!.kind !== 'path') throw this.error(`Operator or function requires a document path; operator or function: ${name}`);
    if (name === 'attribute_type') {
      const type = args[1]!;
      const valid = ['S', 'SS', 'N', 'NS', 'B', 'BS', 'BOOL', 'NULL', 'L', 'M'];
      if (type.kind !== 'value' || type.value.S === undefined || !valid.includes(type.value.S))
        throw this.error(`Invalid attribute type name found; type: ${type.kind === 'value' ? JSON.stringify(type.value) : 'path'}, valid types: { B,NULL,SS,BOOL,L,BS,N,NS,S,M }`);
    }
    return { kind: 'function', name: name as 'contains', args };
  }

  private conditionOperand(): Operand {
    const name = this.functionName();
    if (name !== undefined) {
      if (name !== 'size') {
        if (CONDITION_FUNCTIONS.has(name) || UPDATE_FUNCTIONS.has(name)) throw this.error(`The function is not allowed to be used this way in an expression; function: ${name}`);
        throw this.error(`Invalid function name; function: ${name}`);
      }
      this.i += 2;
      const arg = this.conditionOperand();
      this.expect(')');
      if (arg.kind !== 'path') throw this.error('Operator or function requires a document path; operator or function: size');
      return { kind: 'size', path: arg.path };
    }
    return this.simpleOperand();
  }

  private simpleOperand(): Operand {
    if (this.token.type === 'value') return this.valueOperand();
    return { kind: 'path', path: this.path() };
  }

  private valueOperand(): Operand {
    const name = this.next().text;
    const value = this.ctx.values?.[name];
    if (value === undefined) throw new ValidationException(`Invalid ${this.label}: An expression attribute value used in expression is not defined; attribute value: ${name}`);
    this.ctx.usedValues.add(name);
    return { kind: 'value', value, name };
  }

  path(): Path {
    const path: Path = [this.pathName()];
    for (;;) {
      if (this.punct('.')) path.push(this.pathName());
      else if (this.punct('[')) {
        const index = this.token;
        if (index.type !== 'number') throw this.syntaxError();
        this.i++;
        this.expect(']');
        path.push(Number(index.text));
      } else return path;
    }
  }

  private pathName(): string {
    const t = this.token;
    if (t.type === 'alias') {
      this.i++;
      const name = this.ctx.names?.[t.text];
      if (name === undefined) throw new ValidationException(`Invalid ${this.label}: An expression attribute name used in the document path is not defined; attribute name: ${t.text}`);
      this.ctx.usedNames.add(t.text);
      return name;
    }
    if (t.type !== 'name') throw this.syntaxError();
    if (RESERVED_WORDS.has(t.text.toUpperCase())) throw this.error(`Attribute name is a reserved keyword; reserved keyword: ${t.text}`);
    this.i++;
    return t.text;
  }

  // update := (SET a = v, ... | REMOVE p, ... | ADD p :v, ... | DELETE p :v, ...)+, each clause once
  update(): UpdateActions {
    const actions: UpdateActions = { set: [], remove: [], add: [], delete: [] };
    const seen = new Set<string>();
    do {
      const clause = this.token.type === 'name' ? this.token.text.toUpperCase() : '';
      if (!['SET', 'REMOVE', 'ADD', 'DELETE'].includes(clause)) throw this.syntaxError();
      if (seen.has(clause)) throw this.error(`The "${clause}" section can only be used once in an update expression;`);
      seen.add(clause);
      this.i++;
      do {
        if (clause === 'SET') {
          const path = this.path();
          this.expect('=');
          actions.set.push({ path, value: this.setValue() });
        } else if (clause === 'REMOVE') actions.remove.push(this.path());
        else {
          const path = this.path();
          const value = this.simpleOperand();
          if (value.kind !== 'value') throw this.syntaxError();
          actions[clause === 'ADD' ? 'add' : 'delete'].push({ path, value });
        }
      } while (this.punct(','));
    } while (this.token.type !== 'eof');
    checkOverlaps(this, [...actions.set.map((a) => a.path), ...actions.remove, ...actions.add.map((a) => a.path), ...actions.delete.map((a) => a.path)]);
    return actions;
  }

  private setValue(): Operand {
    const left = this.updateOperand();
    const op = this.token;
    if (op.type === 'punct' && (op.text === '+' || op.text === '-')) {
      this.i++;
      return { kind: 'arithmetic', op: op.text, left, right: this.updateOperand() };
    }
    return left;
  }

  private updateOperand(): Operand {
    const name = this.functionName();
    if (name === undefined) return this.simpleOperand();
    if (!UPDATE_FUNCTIONS.has(name)) {
      if (CONDITION_FUNCTIONS.has(name) || name === 'size') throw this.error(`The function is not allowed in an update expression; function: ${name}`);
      throw this.error(`Invalid function name; function: ${name}`);
    }
    this.i += 2;
    const first = this.updateOperand();
    this.expect(',');
    const second = this.updateOperand();
    this.expect(')');
    if (name === 'if_not_exists') {
      if (first.kind !== 'path') throw this.error('Operator or function requires a document path; operator or function: if_not_exists');
      return { kind: 'if_not_exists', path: first.path, fallback: second };
    }
    return { kind: 'list_append', left: first, right: second };
  }

  projection(): Path[] {
    const paths = [this.path()];
    while (this.punct(',')) paths.push(this.path());
    checkOverlaps(this, paths);
    return paths;
  }
}

/** AWS refuses two paths of one expression where one is the other or contains it. */
function checkOverlaps(parser: Parser, paths: Path[]): void {
  const show = (p: Path) => `[${p.join(', ')}]`;
  for (let a = 0; a < paths.length; a++)
    for (let b = a + 1; b < paths.length; b++) {
      const [x, y] = [paths[a]!, paths[b]!];
      const common = Math.min(x.length, y.length);
      let i = 0;
      while (i < common && x[i] === y[i]) i++;
      if (i === common) throw parser.error(`Two document paths overlap with each other; must remove or rewrite one of these paths; path one: ${show(x)}, path two: ${show(y)}`);
      if (typeof x[i] !== typeof y[i]) throw parser.error(`Two document paths conflict with each other; must remove or rewrite one of these paths; path one: ${show(x)}, path two: ${show(y)}`);
    }
}

export function parseCondition(text: string, ctx: ExpressionContext, label = 'ConditionExpression'): Condition {
  const parser = new Parser(text, label, ctx);
  const condition = parser.condition();
  parser.end();
  return condition;
}

export function parseUpdate(text: string, ctx: ExpressionContext): UpdateActions {
  return new Parser(text, 'UpdateExpression', ctx).update();
}

export function parseProjection(text: string, ctx: ExpressionContext): Path[] {
  const parser = new Parser(text, 'ProjectionExpression', ctx);
  const paths = parser.projection();
  parser.end();
  return paths;
}

/** A key condition: equality on the partition key, and at most one condition on the sort key. */
export interface KeyCondition {
  hash: { name: string; value: AttributeValue };
  range?: { name: string; op: Comparator | 'between' | 'begins_with'; values: AttributeValue[] };
}

export function parseKeyCondition(text: string, ctx: ExpressionContext, hashKey: string, rangeKey: string | undefined): KeyCondition {
  const condition = parseCondition(text, ctx, 'KeyConditionExpression');
  const parts: Condition[] = [];
  const flatten = (c: Condition): void => {
    if (c.kind === 'and') {
      flatten(c.left);
      flatten(c.right);
    } else parts.push(c);
  };
  flatten(condition);
  const invalid = (why: string) => new ValidationException(`Invalid KeyConditionExpression: ${why}`);
  if (parts.length > 2) throw invalid('The expression can only contain AND conditions on keys; key conditions: ' + parts.length);
  const keys = parts.map((part) => keyPart(part, invalid));
  const names = keys.map((k) => k.name);
  if (new Set(names).size !== names.length) throw new ValidationException('KeyConditionExpressions must only contain one condition per key');
  const hash = keys.find((k) => k.name === hashKey);
  if (!hash) throw new ValidationException(`Query condition missed key schema element: ${hashKey}`);
  if (hash.op !== '=') throw new ValidationException('Query key condition not supported');
  const range = keys.find((k) => k.name !== hashKey);
  if (range && range.name !== rangeKey) throw new ValidationException(`Query condition missed key schema element: ${rangeKey ?? hashKey}`);
  return { hash: { name: hash.name, value: hash.values[0]! }, ...(range && { range }) };
}

function keyPart(part: Condition, invalid: (why: string) => AwsError): NonNullable<KeyCondition['range']> {
  const name = (o: Operand) => {
    if (o.kind !== 'path') throw invalid('Operator or function requires a document path');
    if (o.path.length !== 1) throw new ValidationException('KeyConditionExpressions cannot have conditions on nested attributes');
    return o.path[0] as string;
  };
  const value = (o: Operand) => {
    if (o.kind !== 'value') throw invalid('Key conditions must compare a key with a value');
    return o.value;
  };
  switch (part.kind) {
    case 'compare':
      if (part.op === '<>') throw invalid('Unsupported operator in KeyConditionExpression: <>');
      return { name: name(part.left), op: part.op, values: [value(part.right)] };
    case 'between':
      return { name: name(part.operand), op: 'between', values: [value(part.low), value(part.high)] };
    case 'function':
      if (part.name !== 'begins_with') throw invalid(`Invalid operator used in KeyConditionExpression: ${part.name}`);
      return { name: name(part.args[0]!), op: 'begins_with', values: [value(part.args[1]!)] };
    default:
      throw invalid(`Invalid operator used in KeyConditionExpression: ${part.kind.toUpperCase()}`);
  }
}

/** The top-level attribute names a condition reads (a filter may not read the keys a query matched on). */
export function conditionAttributes(condition: Condition): Set<string> {
  const names = new Set<string>();
  const operand = (o: Operand): void => {
    if (o.kind === 'path' || o.kind === 'size') names.add(o.path[0] as string);
  };
  const walk = (c: Condition): void => {
    switch (c.kind) {
      case 'and':
      case 'or':
        walk(c.left);
        walk(c.right);
        return;
      case 'not':
        return walk(c.condition);
      case 'compare':
        return [c.left, c.right].forEach(operand);
      case 'between':
        return [c.operand, c.low, c.high].forEach(operand);
      case 'in':
        return [c.operand, ...c.list].forEach(operand);
      case 'function':
        return c.args.forEach(operand);
    }
  };
  walk(condition);
  return names;
}
