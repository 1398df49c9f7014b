// CloudWatch's statistics over a period's aggregate: SampleCount, Sum, Average, Minimum, Maximum, and the
// extended ones computed from the period's values (pNN percentiles, tmNN/wmNN trimmed/winsorized means,
// tcNN trimmed counts, tsNN trimmed sums, PR(a:b) percentile rank, TM(a%:b%) and friends).
import type { StatisticSet, ValueHistogram } from './cloudwatch.js';

/** Above this many distinct values a merged histogram is bucketed (log scale, 1% wide). */
export const HISTOGRAM_BUCKETS = 512;

/** A histogram of `values` weighted by `counts` (PutMetricData's Values/Counts; a count defaults to 1). */
export function histogramOf(values: readonly number[], counts?: readonly number[]): ValueHistogram {
  const merged = new Map<number, number>();
  values.forEach((value, i) => merged.set(value, (merged.get(value) ?? 0) + (counts?.[i] ?? 1)));
  return bucketed([...merged].sort((a, b) => a[0] - b[0]));
}

/** The statistic set of a histogram. */
export function statisticsOf(histogram: ValueHistogram): StatisticSet {
  let count = 0;
  let sum = 0;
  for (const [value, n] of histogram) {
    count += n;
    sum += value * n;
  }
  return { SampleCount: count, Sum: sum, Minimum: histogram[0]?.[0] ?? 0, Maximum: histogram[histogram.length - 1]?.[0] ?? 0 };
}

export function mergeStatistics(a: StatisticSet, b: StatisticSet): StatisticSet {
  return { SampleCount: a.SampleCount + b.SampleCount, Sum: a.Sum + b.Sum, Minimum: Math.min(a.Minimum, b.Minimum), Maximum: Math.max(a.Maximum, b.Maximum) };
}

/** Two sorted histograms as one (sorted, bucketed when too long). */
export function mergeHistograms(a: ValueHistogram, b: ValueHistogram): ValueHistogram {
  const out: ValueHistogram = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    if (y === undefined || (x !== undefined && x[0] < y[0])) (out.push([x![0], x![1]]), i++);
    else if (x === undefined || y[0] < x[0]) (out.push([y[0], y[1]]), j++);
    else (out.push([x[0], x[1] + y[1]]), i++, j++);
  }
  return bucketed(out);
}

/** Values grouped into buckets 1% wide (by magnitude, keeping sign and zero apart), each at its weighted mean. */
function bucketed(sorted: ValueHistogram): ValueHistogram {
  if (sorted.length <= HISTOGRAM_BUCKETS) return sorted;
  const bucketOf = (v: number) => (v === 0 ? '0' : `${Math.sign(v)}:${Math.floor(Math.log(Math.abs(v)) / Math.log(1.01))}`);
  const out: ValueHistogram = [];
  let key: string | undefined;
  let sum = 0;
  let count = 0;
  const flush = () => count > 0 && out.push([sum / count, count]);
  for (const [value, n] of sorted) {
    const k = bucketOf(value);
    if (k !== key) {
      flush();
      key = k;
      sum = 0;
      count = 0;
    }
    sum += value * n;
    count += n;
  }
  flush();
  return out;
}

/** Packs a histogram for storage (pairs of float64). */
export function encodeHistogram(histogram: ValueHistogram): Buffer {
  const out = Buffer.alloc(histogram.length * 16);
  histogram.forEach(([value, count], i) => {
    out.writeDoubleLE(value, i * 16);
    out.writeDoubleLE(count, i * 16 + 8);
  });
  return out;
}

export function decodeHistogram(bytes: Uint8Array): ValueHistogram {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: ValueHistogram = [];
  for (let at = 0; at + 16 <= bytes.byteLength; at += 16) out.push([view.getFloat64(at, true), view.getFloat64(at + 8, true)]);
  return out;
}

/** The value at percentile `p` (0..100): the smallest value with at least p% of the samples at or below it. */
export function percentile(histogram: ValueHistogram, p: number): number | undefined {
  const total = histogram.reduce((n, [, c]) => n + c, 0);
  if (total === 0) return undefined;
  const rank = Math.max(1, Math.ceil((p / 100) * total));
  let seen = 0;
  for (const [value, count] of histogram) {
    seen += count;
    if (seen >= rank) return value;
  }
  return histogram[histogram.length - 1]![0];
}

/** A statistic's name as CloudWatch accepts it: the five simple ones, or an extended one. */
export const SIMPLE_STATISTICS = ['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum'] as const;
export type SimpleStatistic = (typeof SIMPLE_STATISTICS)[number];

export const isSimpleStatistic = (stat: string): stat is SimpleStatistic => (SIMPLE_STATISTICS as readonly string[]).includes(stat);

/** Parsed extended statistics: `p99.9`, `tm10:90`, `TM(10%:90%)`, `wm(:95)`, `tc90`, `ts(5%:)`, `PR(100:2000)`, `IQM`. */
export type ExtendedStatistic =
  | { kind: 'p'; p: number }
  | { kind: 'tm' | 'wm' | 'tc' | 'ts'; low: number; high: number }
  | { kind: 'pr'; low?: number; high?: number };

const NUMBER = String.raw`\d+(?:\.\d+)?`;

/** Reads an extended statistic, undefined when it is not one CloudWatch accepts. */
export function parseExtendedStatistic(stat: string): ExtendedStatistic | undefined {
  const s = stat.trim();
  if (s === 'IQM' || s === 'iqm') return { kind: 'tm', low: 25, high: 75 };
  let m = new RegExp(`^p(${NUMBER})$`).exec(s);
  if (m) {
    const p = Number(m[1]);
    return p >= 0 && p <= 100 && decimals(m[1]!) <= 10 ? { kind: 'p', p } : undefined;
  }
  // tm99 (= tm(0%:99%)), tm10:90 / TM(10%:90%) / tm(:95) / TM(5%:).
  m = new RegExp(`^(tm|wm|tc|ts)(${NUMBER})$`, 'i').exec(s);
  if (m) {
    const high = Number(m[2]);
    return high > 0 && high <= 100 ? { kind: m[1]!.toLowerCase() as 'tm', low: 0, high } : undefined;
  }
  m = new RegExp(`^(tm|wm|tc|ts)\\(?(${NUMBER})?(%?):(${NUMBER})?(%?)\\)?$`, 'i').exec(s);
  if (m && (m[2] !== undefined || m[4] !== undefined)) {
    const low = m[2] === undefined ? 0 : Number(m[2]);
    const high = m[4] === undefined ? 100 : Number(m[4]);
    return low >= 0 && high <= 100 && low < high ? { kind: m[1]!.toLowerCase() as 'tm', low, high } : undefined;
  }
  m = new RegExp(`^PR\\((-?${NUMBER})?:(-?${NUMBER})?\\)$`, 'i').exec(s);
  if (m && (m[1] !== undefined || m[2] !== undefined)) {
    return { kind: 'pr', ...(m[1] !== undefined && { low: Number(m[1]) }), ...(m[2] !== undefined && { high: Number(m[2]) }) };
  }
  return undefined;
}

const decimals = (n: string) => (n.split('.')[1] ?? '').length;

/** A simple statistic of a statistic set. */
export function simpleStatistic(stat: SimpleStatistic, set: StatisticSet): number {
  switch (stat) {
    case 'SampleCount':
      return set.SampleCount;
    case 'Sum':
      return set.Sum;
    case 'Minimum':
      return set.Minimum;
    case 'Maximum':
      return set.Maximum;
    case 'Average':
      return set.SampleCount === 0 ? 0 : set.Sum / set.SampleCount;
  }
}

/**
 * An extended statistic of a period. Without values (statistic sets only) CloudWatch can still answer when
 * every sample has the same value (Minimum = Maximum) or for a single sample; otherwise there is none.
 */
export function extendedStatistic(stat: ExtendedStatistic, set: StatisticSet, histogram: ValueHistogram | undefined): number | undefined {
  const values = histogram ?? (set.SampleCount > 0 && set.Minimum === set.Maximum ? ([[set.Minimum, set.SampleCount]] as ValueHistogram) : undefined);
  if (!values || values.length === 0) return undefined;
  if (stat.kind === 'p') return percentile(values, stat.p);
  if (stat.kind === 'pr') {
    const total = values.reduce((n, [, c]) => n + c, 0);
    const inRange = values.filter(([v]) => (stat.low === undefined || v >= stat.low) && (stat.high === undefined || v <= stat.high)).reduce((n, [, c]) => n + c, 0);
    return (100 * inRange) / total;
  }
  const lowValue = stat.low === 0 ? -Infinity : percentile(values, stat.low)!;
  const highValue = percentile(values, stat.high)!;
  // Trimmed: the samples within (low, high]; winsorized: the others clamped to the bounds.
  let count = 0;
  let sum = 0;
  for (const [value, n] of values) {
    if (stat.kind === 'wm') {
      sum += Math.min(Math.max(value, lowValue === -Infinity ? value : lowValue), highValue) * n;
      count += n;
    } else if (value > lowValue && value <= highValue) {
      sum += value * n;
      count += n;
    }
  }
  if (stat.kind === 'tc') return count;
  if (stat.kind === 'ts') return sum;
  return count === 0 ? undefined : sum / count;
}

/** A statistic of a period by its name, undefined when it cannot be computed (or the name is not one). */
export function statisticValue(stat: string, set: StatisticSet, histogram: ValueHistogram | undefined): number | undefined {
  if (isSimpleStatistic(stat)) return simpleStatistic(stat, set);
  const extended = parseExtendedStatistic(stat);
  return extended && extendedStatistic(extended, set, histogram);
}
