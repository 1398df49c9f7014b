// SEARCH() expressions of metric math: `{Namespace,DimensionName,...} terms`. The schema in braces keeps the
// metrics of that namespace with exactly those dimensions; terms match the metric's namespace, name,
// dimension names and values: `word` matches any part containing it (case-insensitive), `"exact phrase"` a
// whole part, `Name=value` / `Name="value"` a property (MetricName, Namespace, or a dimension), combined with
// AND (implicit between terms), OR, NOT and parentheses.
import type { MetricIdentity } from './cloudwatch.js';
import { MetricMathError } from './metric-math.js';

export interface MetricSearch {
  schema?: { namespace: string; dimensions: string[] };
  matches(metric: MetricIdentity): boolean;
}

type Term = (metric: MetricIdentity) => boolean;

export function parseMetricSearch(source: string): MetricSearch {
  let rest = source.trim();
  let schema: MetricSearch['schema'];
  if (rest.startsWith('{')) {
    const close = rest.indexOf('}');
    if (close < 0) throw new MetricMathError(`Invalid search expression: missing '}' in ${source}`);
    const parts = rest.slice(1, close).split(',').map((p) => unquote(p.trim()));
    if (!parts[0]) throw new MetricMathError('Invalid search expression: the schema needs a namespace');
    schema = { namespace: parts[0], dimensions: parts.slice(1).filter(Boolean) };
    rest = rest.slice(close + 1);
  }
  const tokens = rest.match(/[A-Za-z0-9_.:/-]+=("(?:[^"\\]|\\.)*"|[^\s()]+)|"(?:[^"\\]|\\.)*"|\(|\)|[^\s()]+/g) ?? [];
  let pos = 0;
  const term = (): Term => {
    const token = tokens[pos++];
    if (token === undefined) throw new MetricMathError('Invalid search expression: unexpected end');
    if (token === '(') {
      const inner = or();
      if (tokens[pos++] !== ')') throw new MetricMathError("Invalid search expression: missing ')'");
      return inner;
    }
    if (token === 'NOT') {
      const operand = term();
      return (m) => !operand(m);
    }
    const property = /^([^="]+)=(.*)$/.exec(token);
    if (property) {
      const [, name, raw] = property;
      const exact = raw!.startsWith('"');
      const value = unquote(raw!);
      const test = (v: string | undefined) => v !== undefined && (exact ? v === value : v.toLowerCase().includes(value.toLowerCase()));
      if (name === 'MetricName') return (m) => test(m.MetricName);
      if (name === 'Namespace') return (m) => test(m.Namespace);
      return (m) => m.Dimensions.some((d) => d.Name === name && test(d.Value));
    }
    const exact = token.startsWith('"');
    const word = unquote(token);
    return (m) => partsOf(m).some((p) => (exact ? p === word : p.toLowerCase().includes(word.toLowerCase())));
  };
  const and = (): Term => {
    let left = term();
    while (pos < tokens.length && tokens[pos] !== ')' && tokens[pos] !== 'OR') {
      if (tokens[pos] === 'AND') pos++;
      const a = left;
      const b = term();
      left = (m) => a(m) && b(m);
    }
    return left;
  };
  const or = (): Term => {
    let left = and();
    while (tokens[pos] === 'OR') {
      pos++;
      const a = left;
      const b = and();
      left = (m) => a(m) || b(m);
    }
    return left;
  };
  const terms: Term = tokens.length ? or() : () => true;
  if (pos < tokens.length) throw new MetricMathError(`Invalid search expression: unexpected '${tokens[pos]}'`);
  const inSchema = (m: MetricIdentity) =>
    !schema || (m.Namespace === schema.namespace && m.Dimensions.length === schema.dimensions.length && schema.dimensions.every((d) => m.Dimensions.some((x) => x.Name === d)));
  return { ...(schema && { schema }), matches: (m) => inSchema(m) && terms(m) };
}

const unquote = (s: string) => (s.startsWith('"') && s.endsWith('"') && s.length >= 2 ? s.slice(1, -1).replace(/\\(.)/g, '$1') : s);
const partsOf = (m: MetricIdentity) => [m.Namespace, m.MetricName, ...m.Dimensions.flatMap((d) => [d.Name, d.Value])];
