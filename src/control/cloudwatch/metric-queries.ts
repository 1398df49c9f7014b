// Runs a list of MetricDataQuery (GetMetricData, metric-math alarms): each MetricStat read from the store as
// a series of its statistic per period, each Expression parsed and evaluated over the others (by Id, in
// any order, cycles refused), SEARCH() resolved against the store first.
import type { MetricDataQuery, MetricIdentity } from '../../core/cloudwatch.js';
import { isSimpleStatistic, parseExtendedStatistic } from '../../core/cloudwatch-statistics.js';
import { ValidationError } from '../../core/errors.js';
import { evaluateMetricMath, MetricMathError, parseMetricMath, referencedIds, searchCalls, type MathNode, type MathValue, type SearchCall, type TimeSeries } from '../../core/metric-math.js';
import { parseMetricSearch } from '../../core/metric-search.js';
import type { ControlContext } from '../context.js';
import { alignedStart, checkQueryPeriod, periodGrid } from './periods.js';
import { metricStore } from './store.js';

/** At most this many series one SEARCH gives (CloudWatch's limit per GetMetricData). */
const MAX_SEARCH_SERIES = 500;

export interface QueryResult {
  query: MetricDataQuery;
  value: MathValue;
  /** The period starts the result's series are on (ms). */
  grid: number[];
}

/** One metric's statistic per period over [start, end), as a series keyed by period start. */
export async function readSeries(ctx: ControlContext, metric: MetricIdentity, stat: string, period: number, start: Date, end: Date, unit?: string): Promise<Map<number, number>> {
  return metricStore(ctx).readStatistic(
    ctx.partition,
    { metric, startTime: alignedStart(start, period), endTime: end, period, ...(unit !== undefined && { unit: unit as never }) },
    stat,
  );
}

/** Checks the queries as GetMetricData and PutMetricAlarm do; returns each expression's parse. */
export function checkQueries(queries: MetricDataQuery[]): Map<string, MathNode> {
  const ids = new Set(queries.map((q) => q.Id));
  if (ids.size !== queries.length) throw new ValidationError('The values for parameter Id in MetricDataQueries must be unique.');
  const parsed = new Map<string, MathNode>();
  for (const query of queries) {
    if (!/^[a-z][a-zA-Z0-9_]*$/.test(query.Id)) throw new ValidationError(`The value ${query.Id} for parameter MetricDataQueries.member.Id is invalid: it must start with a lower-case letter, then letters, digits and underscores.`);
    if ((query.MetricStat === undefined) === (query.Expression === undefined)) throw new ValidationError(`Exactly one of MetricStat and Expression must be specified for the query ${query.Id}.`);
    if (query.MetricStat) {
      const { Stat, Period } = query.MetricStat;
      if (!isSimpleStatistic(Stat) && !parseExtendedStatistic(Stat)) throw new ValidationError(`The value ${Stat} for parameter MetricStat.Stat of ${query.Id} is invalid.`);
      checkQueryPeriod(Period, `MetricStat.Period of ${query.Id}`);
      continue;
    }
    try {
      const node = parseMetricMath(query.Expression!);
      for (const id of referencedIds(node)) if (!ids.has(id)) throw new MetricMathError(`Unrecognized metric id ${id}`);
      for (const call of searchCalls(node)) parseMetricSearch(call.expression);
      parsed.set(query.Id, node);
    } catch (error) {
      if (error instanceof MetricMathError) throw new ValidationError(`Error in expression ${query.Id}: ${error.message}`);
      throw error;
    }
    if (query.Period !== undefined) checkQueryPeriod(query.Period, `Period of ${query.Id}`);
  }
  return parsed;
}

export async function runQueries(ctx: ControlContext, queries: MetricDataQuery[], start: Date, end: Date): Promise<QueryResult[]> {
  const parsed = checkQueries(queries);
  const metricPeriods = queries.flatMap((q) => (q.MetricStat ? [q.MetricStat.Period] : []));
  const defaultPeriod = metricPeriods.length ? Math.min(...metricPeriods) : 60;
  const values = new Map<string, QueryResult>();
  // One grid per period, shared by the results on it (read only).
  const grids = new Map<number, number[]>();
  const gridOf = (period: number) => grids.get(period) ?? grids.set(period, periodGrid(start, end, period)).get(period)!;
  for (const query of queries) {
    if (!query.MetricStat) continue;
    const { Metric, Stat, Period, Unit } = query.MetricStat;
    const metric = { Namespace: Metric.Namespace, MetricName: Metric.MetricName, Dimensions: Metric.Dimensions ?? [] };
    const points = await readSeries(ctx, metric, Stat, Period, start, end, Unit);
    values.set(query.Id, { query, grid: gridOf(Period), value: { kind: 'series', series: { id: query.Id, label: query.Label ?? Metric.MetricName, points } } });
  }
  const searched = new Map<string, TimeSeries[]>();
  for (const node of parsed.values()) {
    for (const call of searchCalls(node)) {
      const key = JSON.stringify(call);
      if (!searched.has(key)) searched.set(key, await search(ctx, call, defaultPeriod, start, end));
    }
  }
  const evaluating = new Set<string>();
  const evaluate = (query: MetricDataQuery): QueryResult => {
    const known = values.get(query.Id);
    if (known) return known;
    if (evaluating.has(query.Id)) throw new ValidationError(`Error in expression ${query.Id}: it refers to itself, directly or through other expressions.`);
    evaluating.add(query.Id);
    const period = query.Period ?? defaultPeriod;
    const grid = gridOf(period);
    try {
      const value = evaluateMetricMath(parsed.get(query.Id)!, {
        grid,
        period,
        lookup: (id) => {
          const other = queries.find((q) => q.Id === id);
          return other && evaluate(other).value;
        },
        metrics: () => queries.flatMap((q) => (q.MetricStat ? [(values.get(q.Id)!.value as { series: TimeSeries }).series] : [])),
        search: (call) => searched.get(JSON.stringify(call)) ?? [],
      });
      const result = { query, grid, value: labelled(value, query) };
      values.set(query.Id, result);
      return result;
    } catch (error) {
      if (error instanceof MetricMathError) throw new ValidationError(`Error in expression ${query.Id}: ${error.message}`);
      throw error;
    } finally {
      evaluating.delete(query.Id);
    }
  };
  return queries.map(evaluate);
}

/** An expression's single series takes the query's label, or its Id (CloudWatch's default for expressions). */
function labelled(value: MathValue, query: MetricDataQuery): MathValue {
  if (value.kind !== 'series') return value;
  return { kind: 'series', series: { ...value.series, id: query.Id, label: query.Label ?? query.Id } };
}

async function search(ctx: ControlContext, call: SearchCall, defaultPeriod: number, start: Date, end: Date): Promise<TimeSeries[]> {
  const { schema, matches } = parseMetricSearch(call.expression);
  const period = call.period || defaultPeriod;
  checkQueryPeriod(period, 'the period of SEARCH');
  const candidates = await metricStore(ctx).list(ctx.partition, { ...(schema && { Namespace: schema.namespace }), activeSince: new Date(start.getTime() - 14 * 86_400_000) });
  const found = candidates.filter(matches).slice(0, MAX_SEARCH_SERIES);
  return Promise.all(
    found.map(async (metric) => ({
      label: [...metric.Dimensions.map((d) => d.Value), metric.MetricName].join(' '),
      points: await readSeries(ctx, metric, call.stat, period, start, end),
    })),
  );
}

/** A result's series: a scalar is its value at every period of the grid. */
export function seriesOfResult(result: QueryResult): TimeSeries[] {
  const { value, grid, query } = result;
  if (value.kind === 'scalar') {
    return Number.isFinite(value.value) ? [{ id: query.Id, label: query.Label ?? query.Id, points: new Map(grid.map((t) => [t, value.value])) }] : [];
  }
  return value.kind === 'series' ? [value.series] : value.series;
}
