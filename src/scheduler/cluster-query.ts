// The ECS cluster query language: the expressions of `memberOf` placement constraints and of
// ListContainerInstances' `filter` (AWS's "Create expressions to define container instances for Amazon ECS
// tasks"). An expression is parsed once into an AST and compiled into a predicate over a container-instance
// view; parses are memoised by expression text, since the same few expressions are evaluated again and again.
//
//   expression := or
//   or         := and (('||' | 'or') and)*
//   and        := unary (('&&' | 'and') unary)*
//   unary      := ('!' | 'not') unary | '(' expression ')' | subject operator [argument]
//   argument   := value | '[' value (',' value)* ']'         value := bare word | 'quoted' | "quoted"
// A bare word ends at whitespace, a parenthesis, a comma, a quote or an operator character; values with
// those (regular expressions with groups or alternatives) are quoted.
import type { ContainerInstanceRecord, TaskRecord } from '../core/ecs.js';
import { InvalidParameterException } from '../core/ecs-errors.js';

/** What a cluster query can ask of one container instance. */
export interface ContainerInstanceView {
  readonly ec2InstanceId: string | undefined;
  readonly agentConnected: boolean;
  readonly agentVersion: string | undefined;
  /** Epoch milliseconds. */
  readonly registeredAt: number | undefined;
  readonly runningTasksCount: number;
  /** Attribute name -> value (undefined for an attribute set without a value). */
  readonly attributes: ReadonlyMap<string, string | undefined>;
  /** The task groups of the tasks on the instance. */
  readonly taskGroups: ReadonlySet<string>;
}

export type Subject =
  | { kind: 'attribute'; name: string }
  | { kind: 'agentConnected' | 'agentVersion' | 'ec2InstanceId' | 'registeredAt' | 'runningTasksCount' | 'task:group' };

export type Operator = '==' | '!=' | '>' | '>=' | '<' | '<=' | 'exists' | '!exists' | 'in' | '!in' | '=~' | '!~';

export type QueryNode =
  | { type: 'and' | 'or'; left: QueryNode; right: QueryNode }
  | { type: 'not'; operand: QueryNode }
  | { type: 'compare'; subject: Subject; operator: Operator; values: string[] };

export interface ClusterQuery {
  readonly expression: string;
  readonly ast: QueryNode;
  /** Whether the answer depends on the instance's tasks (`task:group`, `runningTasksCount`), not only on the instance. */
  readonly dependsOnTasks: boolean;
  matches(instance: ContainerInstanceView): boolean;
}

/** AWS caps placement constraint expressions at 2000 characters. */
export const MAX_EXPRESSION_LENGTH = 2000;

const cache = new Map<string, ClusterQuery>();
const CACHE_LIMIT = 1000;

/** Parses and compiles an expression; throws InvalidParameterException when it is not valid. */
export function parseClusterQuery(expression: string): ClusterQuery {
  const cached = cache.get(expression);
  if (cached) return cached;
  if (expression.length > MAX_EXPRESSION_LENGTH) {
    throw new InvalidParameterException(`The expression is too long. Expressions can be at most ${MAX_EXPRESSION_LENGTH} characters.`);
  }
  const ast = new Parser(expression).parse();
  const query: ClusterQuery = { expression, ast, dependsOnTasks: dependsOnTasks(ast), matches: compile(ast) };
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(expression, query);
  return query;
}

/** The view of a container instance record and the tasks on it, as ListContainerInstances' filter sees it. */
export function containerInstanceView(instance: ContainerInstanceRecord, tasks: Iterable<Pick<TaskRecord, 'group' | 'desiredStatus'>>): ContainerInstanceView {
  const taskGroups = new Set<string>();
  let runningTasksCount = 0;
  for (const t of tasks) {
    if (t.desiredStatus !== 'RUNNING') continue;
    runningTasksCount++;
    if (t.group) taskGroups.add(t.group);
  }
  return {
    ec2InstanceId: instance.ec2InstanceId,
    agentConnected: instance.agentConnected,
    agentVersion: instance.versionInfo?.agentVersion,
    registeredAt: instance.registeredAt ? new Date(instance.registeredAt).getTime() : undefined,
    runningTasksCount,
    attributes: attributeMap(instance),
    taskGroups,
  };
}

export function attributeMap(instance: Pick<ContainerInstanceRecord, 'attributes'>): Map<string, string | undefined> {
  return new Map((instance.attributes ?? []).map((a) => [a.name!, a.value]));
}

// ---- parsing ----

const WORD_OPERATORS: Record<string, Operator> = {
  equals: '==',
  not_equals: '!=',
  greater_than: '>',
  greater_than_equal: '>=',
  less_than: '<',
  less_than_equal: '<=',
  exists: 'exists',
  not_exists: '!exists',
  in: 'in',
  not_in: '!in',
  matches: '=~',
  not_matches: '!~',
};

const ORDERING: Operator[] = ['==', '!=', '>', '>=', '<', '<='];
const MEMBERSHIP: Operator[] = ['==', '!=', 'in', '!in', '=~', '!~'];
const ALL_OPERATORS = Object.values(WORD_OPERATORS);

/** The operators AWS documents for each field subject; attributes and task groups take them all. */
const VALID_OPERATORS: Record<Subject['kind'], readonly Operator[]> = {
  agentConnected: MEMBERSHIP,
  agentVersion: ORDERING,
  ec2InstanceId: MEMBERSHIP,
  registeredAt: ORDERING,
  runningTasksCount: ORDERING,
  attribute: ALL_OPERATORS,
  'task:group': ALL_OPERATORS,
};

type Token = { kind: 'punct' | 'word' | 'quoted'; text: string; at: number };

const PUNCTUATION = ['&&', '||', '==', '!=', '>=', '<=', '=~', '!~', '(', ')', '[', ']', ',', '!', '>', '<'];
/** Characters that end a bare word: whitespace, punctuation and quotes. */
const WORD_END = /[\s()[\],'"=<>!&|]/;

function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < expression.length) {
    const ch = expression[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === "'" || ch === '"') {
      const end = expression.indexOf(ch, i + 1);
      if (end < 0) throw invalid(expression, `unterminated quoted value at position ${i + 1}`);
      tokens.push({ kind: 'quoted', text: expression.slice(i + 1, end), at: i });
      i = end + 1;
      continue;
    }
    const punct = PUNCTUATION.find((p) => expression.startsWith(p, i));
    if (punct) {
      tokens.push({ kind: 'punct', text: punct, at: i });
      i += punct.length;
      continue;
    }
    if (ch === '&' || ch === '|' || ch === '=') throw invalid(expression, `unexpected '${ch}' at position ${i + 1}`);
    // A bracket inside a word is a regex character class (`i-[0-9]*`), not an argument list.
    let end = i;
    let depth = 0;
    for (; end < expression.length; end++) {
      const c = expression[end]!;
      if (c === '[' && end > i) depth++;
      else if (c === ']' && depth > 0) depth--;
      else if (WORD_END.test(c)) break;
    }
    tokens.push({ kind: 'word', text: expression.slice(i, end), at: i });
    i = end;
  }
  return tokens;
}

class Parser {
  private readonly tokens: Token[];
  private next = 0;

  constructor(private readonly expression: string) {
    this.tokens = tokenize(expression);
  }

  parse(): QueryNode {
    if (this.tokens.length === 0) throw invalid(this.expression, 'the expression is empty');
    const node = this.or();
    const extra = this.peek();
    if (extra) throw this.unexpected(extra, 'the end of the expression');
    return node;
  }

  private or(): QueryNode {
    let node = this.and();
    while (this.acceptConnective('||', 'or')) node = { type: 'or', left: node, right: this.and() };
    return node;
  }

  private and(): QueryNode {
    let node = this.unary();
    while (this.acceptConnective('&&', 'and')) node = { type: 'and', left: node, right: this.unary() };
    return node;
  }

  private unary(): QueryNode {
    const token = this.take('a condition');
    if ((token.kind === 'punct' && token.text === '!') || isWord(token, 'not')) return { type: 'not', operand: this.unary() };
    if (token.kind === 'punct' && token.text === '(') {
      const node = this.or();
      this.expectPunct(')');
      return node;
    }
    if (token.kind !== 'word') throw this.unexpected(token, 'a subject');
    const subject = parseSubject(token.text);
    if (!subject) throw invalid(this.expression, `'${token.text}' is not a valid subject`);
    const operator = this.operator();
    if (!VALID_OPERATORS[subject.kind].includes(operator)) {
      throw invalid(this.expression, `the operator '${operator}' is not valid for '${token.text}'`);
    }
    const values = operator === 'exists' || operator === '!exists' ? [] : this.argument(operator);
    for (const v of values) checkArgument(this.expression, subject, operator, v);
    return { type: 'compare', subject, operator, values };
  }

  private operator(): Operator {
    const token = this.take('an operator');
    if (token.kind === 'punct' && token.text === '!') {
      // `!exists` and `!in` are written as `!` followed by the word.
      const word = this.take('an operator');
      if (isWord(word, 'exists')) return '!exists';
      if (isWord(word, 'in')) return '!in';
      throw this.unexpected(word, "'exists' or 'in' after '!'");
    }
    if (token.kind === 'punct' && (ALL_OPERATORS as string[]).includes(token.text)) return token.text as Operator;
    if (token.kind === 'word' && token.text.toLowerCase() in WORD_OPERATORS) return WORD_OPERATORS[token.text.toLowerCase()]!;
    throw this.unexpected(token, 'an operator');
  }

  private argument(operator: Operator): string[] {
    const first = this.peek();
    if (operator === 'in' || operator === '!in') {
      if (first?.kind === 'punct' && first.text === '[') {
        this.next++;
        const values = [this.value()];
        while (this.acceptPunct(',')) values.push(this.value());
        this.expectPunct(']');
        return values;
      }
    }
    return [this.value()];
  }

  private value(): string {
    const token = this.take('a value');
    if (token.kind === 'punct') throw this.unexpected(token, 'a value');
    return token.text;
  }

  private acceptConnective(symbol: string, word: string): boolean {
    const token = this.peek();
    if (!token || !((token.kind === 'punct' && token.text === symbol) || isWord(token, word))) return false;
    this.next++;
    return true;
  }

  private acceptPunct(text: string): boolean {
    const token = this.peek();
    if (token?.kind !== 'punct' || token.text !== text) return false;
    this.next++;
    return true;
  }

  private expectPunct(text: string): void {
    const token = this.take(`'${text}'`);
    if (token.kind !== 'punct' || token.text !== text) throw this.unexpected(token, `'${text}'`);
  }

  private peek(): Token | undefined {
    return this.tokens[this.next];
  }

  private take(expected: string): Token {
    const token = this.tokens[this.next++];
    if (!token) throw invalid(this.expression, `expected ${expected} at the end of the expression`);
    return token;
  }

  private unexpected(token: Token, expected: string): InstanceType<typeof InvalidParameterException> {
    return invalid(this.expression, `expected ${expected} at position ${token.at + 1} but found '${token.text}'`);
  }
}

const isWord = (token: Token, word: string) => token.kind === 'word' && token.text.toLowerCase() === word;

const FIELD_SUBJECTS = ['agentConnected', 'agentVersion', 'ec2InstanceId', 'registeredAt', 'runningTasksCount', 'task:group'] as const;

function parseSubject(text: string): Subject | undefined {
  if (text.startsWith('attribute:') && text.length > 'attribute:'.length) return { kind: 'attribute', name: text.slice('attribute:'.length) };
  const field = FIELD_SUBJECTS.find((f) => f === text);
  return field ? { kind: field } : undefined;
}

/** Arguments whose form the subject fixes are checked once, at parse time. */
function checkArgument(expression: string, subject: Subject, operator: Operator, value: string): void {
  if (operator === '=~' || operator === '!~') {
    if (!compileRegex(value)) throw invalid(expression, `'${value}' is not a valid regular expression`);
    return;
  }
  switch (subject.kind) {
    case 'agentConnected':
      if (value !== 'true' && value !== 'false') throw invalid(expression, `agentConnected must be compared with true or false, not '${value}'`);
      return;
    case 'registeredAt':
      if (parseDate(value) === undefined) throw invalid(expression, `'${value}' is not a valid date for registeredAt`);
      return;
    case 'runningTasksCount':
      if (!/^\d+$/.test(value)) throw invalid(expression, `'${value}' is not a valid number for runningTasksCount`);
      return;
  }
}

function invalid(expression: string, detail: string): InstanceType<typeof InvalidParameterException> {
  return new InvalidParameterException(`The expression '${expression}' is invalid: ${detail}.`);
}

function dependsOnTasks(node: QueryNode): boolean {
  switch (node.type) {
    case 'and':
    case 'or':
      return dependsOnTasks(node.left) || dependsOnTasks(node.right);
    case 'not':
      return dependsOnTasks(node.operand);
    case 'compare':
      return node.subject.kind === 'task:group' || node.subject.kind === 'runningTasksCount';
  }
}

// ---- evaluation ----

type Predicate = (instance: ContainerInstanceView) => boolean;

function compile(node: QueryNode): Predicate {
  switch (node.type) {
    case 'and': {
      const left = compile(node.left);
      const right = compile(node.right);
      return (i) => left(i) && right(i);
    }
    case 'or': {
      const left = compile(node.left);
      const right = compile(node.right);
      return (i) => left(i) || right(i);
    }
    case 'not': {
      const operand = compile(node.operand);
      return (i) => !operand(i);
    }
    case 'compare':
      return compileComparison(node.subject, node.operator, node.values);
  }
}

/**
 * A comparison holds when some value of the subject satisfies it: an attribute has at most one value,
 * `task:group` one per group on the instance. So `attribute:stack != prod` selects instances that have a
 * `stack` attribute other than prod (as AWS documents), and a missing subject satisfies only `!exists`.
 */
function compileComparison(subject: Subject, operator: Operator, args: string[]): Predicate {
  const values = subjectValues(subject);
  if (operator === 'exists') return (i) => hasSubject(subject, i);
  if (operator === '!exists') return (i) => !hasSubject(subject, i);
  const test = valueTest(subject, operator, args);
  return (i) => {
    for (const v of values(i)) if (test(v)) return true;
    return false;
  };
}

function hasSubject(subject: Subject, i: ContainerInstanceView): boolean {
  if (subject.kind === 'attribute') return i.attributes.has(subject.name);
  if (subject.kind === 'task:group') return i.taskGroups.size > 0;
  return true;
}

const NONE: readonly string[] = [];

function subjectValues(subject: Subject): (i: ContainerInstanceView) => Iterable<string> {
  switch (subject.kind) {
    case 'attribute': {
      const name = subject.name;
      return (i) => {
        const value = i.attributes.get(name);
        return value === undefined ? NONE : [value];
      };
    }
    case 'task:group':
      return (i) => i.taskGroups;
    case 'agentConnected':
      return (i) => [String(i.agentConnected)];
    case 'agentVersion':
      return (i) => (i.agentVersion === undefined ? NONE : [i.agentVersion]);
    case 'ec2InstanceId':
      return (i) => (i.ec2InstanceId === undefined ? NONE : [i.ec2InstanceId]);
    case 'registeredAt':
      return (i) => (i.registeredAt === undefined ? NONE : [String(i.registeredAt)]);
    case 'runningTasksCount':
      return (i) => [String(i.runningTasksCount)];
  }
}

function valueTest(subject: Subject, operator: Operator, args: string[]): (value: string) => boolean {
  switch (operator) {
    case '==':
    case 'in': {
      const matchers = args.map((a) => equalsMatcher(subject, a));
      return (v) => matchers.some((m) => m(v));
    }
    case '!=':
    case '!in': {
      const matchers = args.map((a) => equalsMatcher(subject, a));
      return (v) => !matchers.some((m) => m(v));
    }
    case '=~':
    case '!~': {
      const regex = compileRegex(args[0]!)!;
      return operator === '=~' ? (v) => regex.test(v) : (v) => !regex.test(v);
    }
    default: {
      const compare = comparator(subject, args[0]!);
      const holds = ORDER_HOLDS[operator as '>' | '>=' | '<' | '<='];
      return (v) => holds(compare(v));
    }
  }
}

const ORDER_HOLDS: Record<'>' | '>=' | '<' | '<=', (sign: number) => boolean> = {
  '>': (s) => s > 0,
  '>=': (s) => s >= 0,
  '<': (s) => s < 0,
  '<=': (s) => s <= 0,
};

/** Equality: `*` in a value is a wildcard (`attribute:ecs.instance-type == t2.*`); dates compare as instants. */
function equalsMatcher(subject: Subject, arg: string): (value: string) => boolean {
  if (subject.kind === 'registeredAt') {
    const at = String(parseDate(arg));
    return (v) => v === at;
  }
  if (!arg.includes('*')) return (v) => v === arg;
  const pattern = new RegExp(`^${arg.split('*').map(escapeRegex).join('.*')}$`, 's');
  return (v) => pattern.test(v);
}

/** Orders a subject's value against the argument: dates as instants, counts as numbers, agent versions as versions. */
function comparator(subject: Subject, arg: string): (value: string) => number {
  switch (subject.kind) {
    case 'registeredAt': {
      const at = parseDate(arg)!;
      return (v) => Number(v) - at;
    }
    case 'runningTasksCount':
      return (v) => Number(v) - Number(arg);
    case 'agentVersion':
      return (v) => (VERSION.test(v) && VERSION.test(arg) ? compareVersions(v, arg) : compareStrings(v, arg));
    default:
      return (v) => compareValues(v, arg);
  }
}

const NUMBER = /^-?\d+(\.\d+)?$/;
const VERSION = /^v?\d+(\.\d+)*$/;

/**
 * Orders two attribute values: as versions when either has two dots or more (`1.14.5`), as numbers when
 * both are numbers (`2.5`, `10`), else as strings.
 */
export function compareValues(a: string, b: string): number {
  const dotted = (x: string) => x.split('.').length > 2;
  if (VERSION.test(a) && VERSION.test(b) && (dotted(a) || dotted(b))) return compareVersions(a, b);
  if (NUMBER.test(a) && NUMBER.test(b)) return Number(a) - Number(b);
  return compareStrings(a, b);
}

function compareVersions(a: string, b: string): number {
  const x = a.replace(/^v/, '').split('.').map(Number);
  const y = b.replace(/^v/, '').split('.').map(Number);
  for (let k = 0; k < Math.max(x.length, y.length); k++) {
    const d = (x[k] ?? 0) - (y[k] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

const compareStrings = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** AWS's formats: 2018-06-18T22:28:28+00:00, 2018-06-18T22:28:28Z, 2018-06-18T22:28:28 (UTC), 2018-06-18. */
function parseDate(value: string): number | undefined {
  const match = /^(\d{4}-\d{2}-\d{2})(T\d{2}:\d{2}:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/.exec(value);
  if (!match || (match[4] && !match[2])) return undefined;
  const at = Date.parse(`${match[1]}${match[2] ?? 'T00:00:00'}${match[4] ?? 'Z'}`);
  return Number.isNaN(at) ? undefined : at;
}

/** Java's `Pattern.matches` semantics: the whole value must match. Undefined when the pattern is not valid. */
function compileRegex(source: string): RegExp | undefined {
  try {
    return new RegExp(`^(?:${source})$`, 's');
  } catch {
    return undefined;
  }
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
