// CloudWatch metric math (GetMetricData and alarms' Expression): a parser to a tree, and an evaluator over
// time series on the query's grid of period starts. Pure: the metrics an expression names (by Id,
// METRICS(), SEARCH()) come in through `MathEnvironment`.
//
// Values are CloudWatch's three kinds: a scalar, a time series, or an array of time series. Functions that
// reduce (SUM, AVG, MIN, MAX, STDDEV) give a scalar of a single series and a series of an array (one value
// per timestamp, over the series that have one); arithmetic applies pointwise, broadcasting scalars and
// applying itself to each series of an array.

export type MathNode =
  | { type: 'number'; value: number }
  | { type: 'string'; value: string }
  | { type: 'id'; name: string }
  | { type: 'keyword'; name: string }
  | { type: 'array'; items: MathNode[] }
  | { type: 'unary'; op: '-' | 'NOT'; operand: MathNode }
  | { type: 'binary'; op: string; left: MathNode; right: MathNode }
  | { type: 'call'; name: string; args: MathNode[] };

export class MetricMathError extends Error {}

type Token = { kind: 'number' | 'string' | 'name' | 'op' | 'end'; text: string; at: number };

const OPERATORS = ['>=', '<=', '==', '!=', '+', '-', '*', '/', '^', '>', '<', '(', ')', '[', ']', ','];

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const number = /^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/.exec(source.slice(i));
    if (number) {
      tokens.push({ kind: 'number', text: number[0], at: i });
      i += number[0].length;
      continue;
    }
    if (c === '"' || c === "'") {
      const end = source.indexOf(c, i + 1);
      if (end < 0) throw new MetricMathError(`Unterminated string at position ${i + 1}`);
      tokens.push({ kind: 'string', text: source.slice(i + 1, end), at: i });
      i = end + 1;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i));
    if (name) {
      tokens.push({ kind: 'name', text: name[0], at: i });
      i += name[0].length;
      continue;
    }
    const op = OPERATORS.find((o) => source.startsWith(o, i));
    if (!op) throw new MetricMathError(`Unexpected character '${c}' at position ${i + 1}`);
    tokens.push({ kind: 'op', text: op, at: i });
    i += op.length;
  }
  tokens.push({ kind: 'end', text: '', at: source.length });
  return tokens;
}

/** Binding power of each infix operator (higher binds tighter); `^` is right-associative. */
const INFIX: Record<string, number> = { OR: 1, AND: 2, '==': 3, '!=': 3, '>': 3, '<': 3, '>=': 3, '<=': 3, '+': 4, '-': 4, '*': 5, '/': 5, '^': 7 };

/** The functions CloudWatch metric math knows, with how many arguments each takes. */
const FUNCTIONS: Record<string, [min: number, max: number]> = {
  ABS: [1, 1], AVG: [1, 1], CEIL: [1, 1], DATAPOINT_COUNT: [1, 1], DIFF: [1, 1], DIFF_TIME: [1, 1], FILL: [2, 2],
  FIRST: [1, 1], FLOOR: [1, 1], IF: [2, 3], LAST: [1, 1], LOG: [1, 1], LOG10: [1, 1], MAX: [1, 1], METRICS: [0, 1],
  MIN: [1, 1], PERIOD: [1, 1], RATE: [1, 1], REMOVE_EMPTY: [1, 1], RUNNING_SUM: [1, 1], SEARCH: [2, 3], SORT: [3, 4],
  STDDEV: [1, 1], SUM: [1, 1], TIME_SERIES: [1, 1], ANOMALY_DETECTION_BAND: [1, 2], SQRT: [1, 1], MINUTE: [1, 1],
  HOUR: [1, 1], DAY: [1, 1],
};

/** Bare words some functions take as arguments: FILL's REPEAT/LINEAR, SORT's function and order. */
const KEYWORDS = new Set(['REPEAT', 'LINEAR', 'SUM', 'AVG', 'MIN', 'MAX', 'STDDEV', 'ASC', 'DESC']);

/** Parses an expression; throws MetricMathError with CloudWatch-like messages. */
export function parseMetricMath(source: string): MathNode {
  if (source.trim() === '') throw new MetricMathError('The expression is empty.');
  const tokens = tokenize(source);
  let pos = 0;
  const peek = () => tokens[pos]!;
  const next = () => tokens[pos++]!;
  const expect = (text: string) => {
    const token = next();
    if (token.text !== text) throw new MetricMathError(`Expected '${text}' at position ${token.at + 1}`);
  };

  const list = (close: string): MathNode[] => {
    const items: MathNode[] = [];
    if (peek().text === close) {
      next();
      return items;
    }
    for (;;) {
      items.push(expression(0));
      const token = next();
      if (token.text === close) return items;
      if (token.text !== ',') throw new MetricMathError(`Expected ',' or '${close}' at position ${token.at + 1}`);
    }
  };

  const primary = (): MathNode => {
    const token = next();
    if (token.kind === 'number') return { type: 'number', value: Number(token.text) };
    if (token.kind === 'string') return { type: 'string', value: token.text };
    if (token.text === '(') {
      const inner = expression(0);
      expect(')');
      return inner;
    }
    if (token.text === '[') return { type: 'array', items: list(']') };
    if (token.text === '-') return { type: 'unary', op: '-', operand: expression(6) };
    if (token.kind === 'name') {
      const upper = token.text.toUpperCase();
      if (upper === 'NOT') return { type: 'unary', op: 'NOT', operand: expression(2) };
      if (peek().text === '(') {
        next();
        const arity = FUNCTIONS[upper];
        if (!arity) throw new MetricMathError(`Unknown function ${token.text}`);
        const args = list(')');
        if (args.length < arity[0] || args.length > arity[1]) throw new MetricMathError(`Invalid number of arguments for function ${upper}`);
        return { type: 'call', name: upper, args };
      }
      if (KEYWORDS.has(token.text)) return { type: 'keyword', name: token.text };
      // Ids start with a lower-case letter (CloudWatch's MetricId pattern).
      if (!/^[a-z][a-zA-Z0-9_]*$/.test(token.text)) throw new MetricMathError(`Unrecognized identifier ${token.text} at position ${token.at + 1}`);
      return { type: 'id', name: token.text };
    }
    throw new MetricMathError(token.kind === 'end' ? 'Unexpected end of expression' : `Unexpected '${token.text}' at position ${token.at + 1}`);
  };

  const expression = (minPower: number): MathNode => {
    let left = primary();
    for (;;) {
      const token = peek();
      const op = token.kind === 'name' ? token.text.toUpperCase() : token.text;
      const power = (token.kind === 'op' || token.kind === 'name') && INFIX[op];
      if (!power || power <= minPower) return left;
      next();
      // `^` is right-associative: its right side may hold another `^`.
      const right = expression(op === '^' ? power - 1 : power);
      left = { type: 'binary', op, left, right };
    }
  };

  const root = expression(0);
  if (peek().kind !== 'end') throw new MetricMathError(`Unexpected '${peek().text}' at position ${peek().at + 1}`);
  return root;
}

/** The ids an expression reads (directly), for ordering and cycle checks. */
export function referencedIds(node: MathNode): string[] {
  switch (node.type) {
    case 'id':
      return [node.name];
    case 'array':
      return node.items.flatMap(referencedIds);
    case 'unary':
      return referencedIds(node.operand);
    case 'binary':
      return [...referencedIds(node.left), ...referencedIds(node.right)];
    case 'call':
      return node.args.flatMap(referencedIds);
    default:
      return [];
  }
}

export interface SearchCall {
  expression: string;
  stat: string;
  period: number;
}

/** The SEARCH() calls of an expression, which the caller resolves before evaluating (they read the store). */
export function searchCalls(node: MathNode): SearchCall[] {
  if (node.type === 'call' && node.name === 'SEARCH') {
    const [expression, stat, period] = node.args;
    if (expression?.type !== 'string' || stat?.type !== 'string') throw new MetricMathError('SEARCH takes a search expression and a statistic, as strings');
    if (period !== undefined && period.type !== 'number') throw new MetricMathError('The period of SEARCH must be a number');
    return [{ expression: expression.value, stat: stat.value, period: period?.type === 'number' ? period.value : 0 }];
  }
  switch (node.type) {
    case 'array':
      return node.items.flatMap(searchCalls);
    case 'unary':
      return searchCalls(node.operand);
    case 'binary':
      return [...searchCalls(node.left), ...searchCalls(node.right)];
    case 'call':
      return node.args.flatMap(searchCalls);
    default:
      return [];
  }
}

// ---- Evaluation ------------------------------------------------------------------------------------------

/** A time series: values by timestamp (ms since the epoch, period starts), and its label. */
export interface TimeSeries {
  label: string;
  /** The id of the query it came from, when it is one query's series (METRICS() filters on it). */
  id?: string;
  points: Map<number, number>;
}

export type MathValue = { kind: 'scalar'; value: number } | { kind: 'series'; series: TimeSeries } | { kind: 'array'; series: TimeSeries[] };

export interface MathEnvironment {
  /** The query period starts, ascending (ms). */
  grid: number[];
  /** The period, in seconds. */
  period: number;
  /** The value of another query by id, undefined when there is none. */
  lookup(id: string): MathValue | undefined;
  /** Every MetricStat query's series (METRICS()). */
  metrics(): TimeSeries[];
  /** A resolved SEARCH call's series. */
  search(call: SearchCall): TimeSeries[];
}

const scalar = (value: number): MathValue => ({ kind: 'scalar', value });
const seriesOf = (label: string, points: Map<number, number>): TimeSeries => ({ label, points });

/** Evaluates an expression; throws MetricMathError for what CloudWatch refuses (unknown ids, wrong kinds). */
export function evaluateMetricMath(node: MathNode, env: MathEnvironment): MathValue {
  switch (node.type) {
    case 'number':
      return scalar(node.value);
    case 'string':
    case 'keyword':
      throw new MetricMathError(`Unexpected ${node.type === 'string' ? `string '${node.value}'` : node.name}`);
    case 'id': {
      const value = env.lookup(node.name);
      if (!value) throw new MetricMathError(`Unrecognized metric id ${node.name}`);
      return value;
    }
    case 'array': {
      const series = node.items.flatMap((item) => {
        const value = evaluateMetricMath(item, env);
        if (value.kind === 'scalar') throw new MetricMathError('An array can hold time series only');
        return value.kind === 'series' ? [value.series] : value.series;
      });
      return { kind: 'array', series };
    }
    case 'unary': {
      const operand = evaluateMetricMath(node.operand, env);
      return pointwise(operand, (v) => (node.op === '-' ? -v : v === 0 ? 1 : 0), node.op === '-' ? '-' : 'NOT ');
    }
    case 'binary':
      return binary(node.op, evaluateMetricMath(node.left, env), evaluateMetricMath(node.right, env));
    case 'call':
      return call(node, env);
  }
}

const BINARY: Record<string, (a: number, b: number) => number> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => a / b,
  '^': (a, b) => a ** b,
  '>': (a, b) => +(a > b),
  '<': (a, b) => +(a < b),
  '>=': (a, b) => +(a >= b),
  '<=': (a, b) => +(a <= b),
  '==': (a, b) => +(a === b),
  '!=': (a, b) => +(a !== b),
  AND: (a, b) => +(a !== 0 && b !== 0),
  OR: (a, b) => +(a !== 0 || b !== 0),
};

function binary(op: string, left: MathValue, right: MathValue): MathValue {
  const f = BINARY[op]!;
  if (left.kind === 'scalar' && right.kind === 'scalar') return scalar(f(left.value, right.value));
  if (left.kind === 'array' && right.kind === 'array') throw new MetricMathError('Arithmetic between two arrays of time series is not supported');
  if (left.kind === 'array') return { kind: 'array', series: left.series.map((s) => asSeries(binary(op, { kind: 'series', series: s }, right))) };
  if (right.kind === 'array') return { kind: 'array', series: right.series.map((s) => asSeries(binary(op, left, { kind: 'series', series: s }))) };
  if (left.kind === 'scalar') return pointwise(right, (v) => f(left.value, v));
  if (right.kind === 'scalar') return pointwise(left, (v) => f(v, right.value));
  // Two series: where both have a datapoint.
  const points = new Map<number, number>();
  for (const [t, a] of left.series.points) {
    const b = right.series.points.get(t);
    if (b !== undefined) points.set(t, f(a, b));
  }
  return { kind: 'series', series: seriesOf(`${left.series.label} ${op} ${right.series.label}`, points) };
}

const asSeries = (value: MathValue): TimeSeries => {
  if (value.kind !== 'series') throw new MetricMathError('Expected a time series');
  return value.series;
};

/** `f` applied to every datapoint of a series or array (a scalar is a scalar). */
function pointwise(value: MathValue, f: (v: number, t: number) => number, labelPrefix?: string): MathValue {
  const map = (s: TimeSeries): TimeSeries => {
    const points = new Map<number, number>();
    for (const [t, v] of s.points) points.set(t, f(v, t));
    return { ...s, label: labelPrefix ? `${labelPrefix}${s.label}` : s.label, points };
  };
  if (value.kind === 'scalar') return scalar(f(value.value, 0));
  if (value.kind === 'series') return { kind: 'series', series: map(value.series) };
  return { kind: 'array', series: value.series.map(map) };
}

/** Applies a per-series transformation to a series or to each series of an array. */
function perSeries(value: MathValue, name: string, f: (s: TimeSeries) => Map<number, number>): MathValue {
  if (value.kind === 'scalar') throw new MetricMathError(`${name} expects a time series or an array of time series`);
  const map = (s: TimeSeries): TimeSeries => ({ ...s, points: f(s) });
  return value.kind === 'series' ? { kind: 'series', series: map(value.series) } : { kind: 'array', series: value.series.map(map) };
}

const REDUCERS: Record<string, (values: number[]) => number> = {
  SUM: (v) => v.reduce((a, b) => a + b, 0),
  AVG: (v) => v.reduce((a, b) => a + b, 0) / v.length,
  MIN: (v) => Math.min(...v),
  MAX: (v) => Math.max(...v),
  STDDEV: (v) => {
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    return Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
  },
};

const MATH: Record<string, (v: number) => number> = { ABS: Math.abs, CEIL: Math.ceil, FLOOR: Math.floor, LOG: Math.log, LOG10: Math.log10, SQRT: Math.sqrt };

function call(node: Extract<MathNode, { type: 'call' }>, env: MathEnvironment): MathValue {
  const arg = (i: number) => evaluateMetricMath(node.args[i]!, env);
  const { name } = node;
  if (name in REDUCERS) {
    const value = arg(0);
    const reduce = REDUCERS[name]!;
    if (value.kind === 'scalar') return value;
    if (value.kind === 'series') {
      const values = [...value.series.points.values()];
      return scalar(values.length ? reduce(values) : NaN);
    }
    const points = new Map<number, number>();
    for (const t of env.grid) {
      const values = value.series.flatMap((s) => (s.points.has(t) ? [s.points.get(t)!] : []));
      if (values.length) points.set(t, reduce(values));
    }
    return { kind: 'series', series: seriesOf(name, points) };
  }
  if (name in MATH) return pointwise(arg(0), MATH[name]!);
  switch (name) {
    case 'METRICS': {
      const filter = node.args[0];
      if (filter && filter.type !== 'string') throw new MetricMathError('METRICS takes a string');
      const all = env.metrics();
      return { kind: 'array', series: filter ? all.filter((s) => s.id?.includes(filter.value)) : all };
    }
    case 'SEARCH':
      return { kind: 'array', series: env.search(searchCalls(node)[0]!) };
    case 'FILL': {
      const fill = node.args[1]!;
      if (fill.type === 'keyword' && fill.name !== 'REPEAT' && fill.name !== 'LINEAR') throw new MetricMathError('FILL takes a number, REPEAT or LINEAR');
      const how = fill.type === 'keyword' ? (fill.name as 'REPEAT' | 'LINEAR') : numberOf(evaluateMetricMath(fill, env));
      return perSeries(arg(0), 'FILL', (s) => filled(s.points, env.grid, how));
    }
    case 'IF': {
      const condition = arg(0);
      const then = arg(1);
      const otherwise = node.args[2] ? arg(2) : undefined;
      return conditional(condition, then, otherwise, env.grid);
    }
    case 'RATE':
    case 'DIFF':
    case 'DIFF_TIME':
      return perSeries(arg(0), name, (s) => {
        const out = new Map<number, number>();
        let previous: [number, number] | undefined;
        for (const t of env.grid) {
          const v = s.points.get(t);
          if (v === undefined) continue;
          if (previous) {
            const seconds = (t - previous[0]) / 1000;
            out.set(t, name === 'DIFF' ? v - previous[1] : name === 'RATE' ? (v - previous[1]) / seconds : seconds);
          }
          previous = [t, v];
        }
        return out;
      });
    case 'RUNNING_SUM':
      return perSeries(arg(0), name, (s) => {
        const out = new Map<number, number>();
        let sum = 0;
        for (const t of env.grid) {
          if (!s.points.has(t)) continue;
          sum += s.points.get(t)!;
          out.set(t, sum);
        }
        return out;
      });
    case 'DATAPOINT_COUNT': {
      const value = arg(0);
      if (value.kind === 'scalar') return scalar(1);
      const count = (s: TimeSeries) => s.points.size;
      return value.kind === 'series' ? scalar(count(value.series)) : { kind: 'array', series: value.series.map((s) => seriesOf(s.label, new Map(env.grid.map((t) => [t, count(s)])))) };
    }
    case 'FIRST':
    case 'LAST': {
      const value = arg(0);
      if (value.kind !== 'array' || value.series.length === 0) throw new MetricMathError(`${name} expects a non-empty array of time series`);
      return { kind: 'series', series: name === 'FIRST' ? value.series[0]! : value.series[value.series.length - 1]! };
    }
    case 'REMOVE_EMPTY': {
      const value = arg(0);
      if (value.kind !== 'array') return value;
      return { kind: 'array', series: value.series.filter((s) => s.points.size > 0) };
    }
    case 'SORT':
      return sort(node, env);
    case 'PERIOD':
      return pointwise(arg(0), () => env.period);
    case 'MINUTE':
    case 'HOUR':
    case 'DAY':
      return pointwise(arg(0), (_v, t) => {
        const d = new Date(t);
        return name === 'MINUTE' ? d.getUTCMinutes() : name === 'HOUR' ? d.getUTCHours() : d.getUTCDay() || 7;
      });
    case 'TIME_SERIES': {
      const value = numberOf(arg(0));
      return { kind: 'series', series: seriesOf(String(value), new Map(env.grid.map((t) => [t, value]))) };
    }
    default:
      throw new MetricMathError(`The function ${name} is not supported`);
  }
}

const numberOf = (value: MathValue): number => {
  if (value.kind !== 'scalar') throw new MetricMathError('Expected a number');
  return value.value;
};

/** FILL: each missing period of the grid gets a value, the previous one (REPEAT) or the line between its neighbours (LINEAR). */
function filled(points: Map<number, number>, grid: number[], how: number | 'REPEAT' | 'LINEAR'): Map<number, number> {
  const out = new Map<number, number>();
  const known = grid.filter((t) => points.has(t));
  let previous: number | undefined;
  grid.forEach((t) => {
    const v = points.get(t);
    if (v !== undefined) {
      out.set(t, v);
      previous = t;
      return;
    }
    if (typeof how === 'number') return out.set(t, how);
    const next = known.find((k) => k > t);
    if (how === 'REPEAT') {
      const source = previous ?? next;
      if (source !== undefined) out.set(t, points.get(source)!);
      return;
    }
    if (previous !== undefined && next !== undefined) {
      const a = points.get(previous)!;
      const b = points.get(next)!;
      out.set(t, a + ((b - a) * (t - previous)) / (next - previous));
    } else if (previous !== undefined || next !== undefined) out.set(t, points.get((previous ?? next)!)!);
  });
  return out;
}

/** IF(condition, a, b): per timestamp, a where the condition holds, else b (no datapoint when b is absent). */
function conditional(condition: MathValue, then: MathValue, otherwise: MathValue | undefined, grid: number[]): MathValue {
  if (condition.kind === 'array') throw new MetricMathError('IF does not take an array as its condition');
  const valueAt = (value: MathValue | undefined, t: number) => (value === undefined ? undefined : value.kind === 'scalar' ? value.value : value.kind === 'series' ? value.series.points.get(t) : undefined);
  if (then.kind === 'array' || otherwise?.kind === 'array') throw new MetricMathError('IF does not take arrays');
  if (condition.kind === 'scalar' && then.kind === 'scalar' && (otherwise === undefined || otherwise.kind === 'scalar')) {
    const result = condition.value !== 0 ? then.value : otherwise?.value;
    return scalar(result ?? NaN);
  }
  const points = new Map<number, number>();
  for (const t of grid) {
    const c = valueAt(condition, t);
    if (c === undefined) continue;
    const v = c !== 0 ? valueAt(then, t) : valueAt(otherwise, t);
    if (v !== undefined) points.set(t, v);
  }
  const label = condition.kind === 'series' ? condition.series.label : then.kind === 'series' ? then.series.label : 'IF';
  return { kind: 'series', series: seriesOf(label, points) };
}

/** SORT(array, SUM|AVG|MIN|MAX|STDDEV, ASC|DESC[, limit]): series ordered by a reduction of their values. */
function sort(node: Extract<MathNode, { type: 'call' }>, env: MathEnvironment): MathValue {
  const value = evaluateMetricMath(node.args[0]!, env);
  if (value.kind !== 'array') throw new MetricMathError('SORT expects an array of time series');
  const by = node.args[1];
  const order = node.args[2];
  const key = by?.type === 'keyword' ? REDUCERS[by.name] : undefined;
  const direction = order?.type === 'keyword' ? order.name : undefined;
  if (!key || (direction !== 'ASC' && direction !== 'DESC')) throw new MetricMathError('SORT takes a function (SUM, AVG, MIN, MAX, STDDEV) and ASC or DESC');
  const limit = node.args[3] ? numberOf(evaluateMetricMath(node.args[3], env)) : undefined;
  const scored = value.series.map((s) => ({ s, score: s.points.size ? key([...s.points.values()]) : -Infinity }));
  scored.sort((a, b) => (direction === 'ASC' ? a.score - b.score : b.score - a.score));
  return { kind: 'array', series: scored.slice(0, limit).map(({ s }) => s) };
}
