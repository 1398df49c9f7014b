// Metric math: the parser (precedence, functions, errors) and the evaluator over scalars, series and arrays.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { evaluateMetricMath, MetricMathError, parseMetricMath, referencedIds, searchCalls, type MathEnvironment, type MathValue, type TimeSeries } from './metric-math.js';
import { parseMetricSearch } from './metric-search.js';

const T = (i: number) => i * 60_000;
const grid = [T(0), T(1), T(2), T(3)];
const series = (id: string, values: (number | undefined)[]): TimeSeries => ({
  id,
  label: id,
  points: new Map(values.flatMap((v, i) => (v === undefined ? [] : [[T(i), v] as [number, number]]))),
});
const m1 = series('m1', [1, 2, 3, 4]);
const m2 = series('m2', [10, undefined, 30, 40]);
const env: MathEnvironment = {
  grid,
  period: 60,
  lookup: (id) => ({ m1, m2 })[id] && { kind: 'series', series: ({ m1, m2 } as Record<string, TimeSeries>)[id]! },
  metrics: () => [m1, m2],
  search: () => [series('s1', [5, 5, 5, 5]), series('s2', [1, 1, 1, 1])],
};
const run = (expression: string): MathValue => evaluateMetricMath(parseMetricMath(expression), env);
const values = (value: MathValue) => {
  assert.equal(value.kind, 'series');
  return grid.map((t) => (value as { series: TimeSeries }).series.points.get(t));
};
const scalar = (value: MathValue) => (value.kind === 'scalar' ? value.value : assert.fail('not a scalar'));

describe('metric math', () => {
  test('parses precedence and associativity as arithmetic does', () => {
    assert.equal(scalar(run('1 + 2 * 3')), 7);
    assert.equal(scalar(run('(1 + 2) * 3')), 9);
    assert.equal(scalar(run('2 ^ 3 ^ 2')), 512);
    assert.equal(scalar(run('-2 ^ 2')), -4);
    assert.equal(scalar(run('10 - 4 - 3')), 3);
    assert.equal(scalar(run('1 < 2 AND NOT 3 < 2')), 1);
    assert.deepEqual(referencedIds(parseMetricMath('SUM([m1, m2]) / m1')), ['m1', 'm2', 'm1']);
  });

  test('refuses malformed expressions with a reason', () => {
    for (const bad of ['', 'm1 +', 'FOO(m1)', 'SUM(m1, m2)', '(m1', 'm1 m2', 'M1', "'open", 'm1 $ 2']) {
      assert.throws(() => parseMetricMath(bad), MetricMathError, bad);
    }
    assert.throws(() => run('m9 * 2'), /Unrecognized metric id m9/);
    assert.throws(() => run('FILL(m1, NOPE)'), MetricMathError);
  });

  test('arithmetic is pointwise, where both series have a datapoint, scalars broadcast', () => {
    assert.deepEqual(values(run('m1 * 2')), [2, 4, 6, 8]);
    assert.deepEqual(values(run('m2 - m1')), [9, undefined, 27, 36]);
    assert.deepEqual(values(run('100 * m1 / m2')), [10, undefined, 10, 10]);
  });

  test('SUM, AVG, MIN, MAX, STDDEV: a scalar of a series, a series of an array', () => {
    assert.equal(scalar(run('SUM(m1)')), 10);
    assert.equal(scalar(run('AVG(m1)')), 2.5);
    assert.equal(scalar(run('MAX(m2)')), 40);
    assert.equal(scalar(run('STDDEV(m1)')), Math.sqrt(1.25));
    assert.deepEqual(values(run('SUM([m1, m2])')), [11, 2, 33, 44]);
    assert.deepEqual(values(run('MIN(METRICS())')), [1, 2, 3, 4]);
    assert.deepEqual(values(run('AVG(SEARCH(\'{App,Host} Latency\', \'Average\', 60))')), [3, 3, 3, 3]);
  });

  test('METRICS() filters by id; arithmetic applies to each series of an array', () => {
    const value = run("METRICS('2') * 10");
    assert.equal(value.kind, 'array');
    assert.deepEqual((value as { series: TimeSeries[] }).series.map((s) => [...s.points.values()]), [[100, 300, 400]]);
  });

  test('FILL with a value, REPEAT and LINEAR', () => {
    assert.deepEqual(values(run('FILL(m2, 0)')), [10, 0, 30, 40]);
    assert.deepEqual(values(run('FILL(m2, REPEAT)')), [10, 10, 30, 40]);
    assert.deepEqual(values(run('FILL(m2, LINEAR)')), [10, 20, 30, 40]);
  });

  test('IF with and without an else, comparisons per datapoint', () => {
    assert.deepEqual(values(run('IF(m1 > 2, m1, 0)')), [0, 0, 3, 4]);
    assert.deepEqual(values(run('IF(m1 > 2, 1)')), [undefined, undefined, 1, 1]);
    assert.equal(scalar(run('IF(1, 5, 6)')), 5);
  });

  test('RATE per second, DIFF, RUNNING_SUM, ABS, DATAPOINT_COUNT, PERIOD', () => {
    assert.deepEqual(values(run('RATE(m2)')), [undefined, undefined, 20 / 120, 10 / 60]);
    assert.deepEqual(values(run('DIFF(m1)')), [undefined, 1, 1, 1]);
    assert.deepEqual(values(run('RUNNING_SUM(m1)')), [1, 3, 6, 10]);
    assert.deepEqual(values(run('ABS(-1 * m1)')), [1, 2, 3, 4]);
    assert.equal(scalar(run('DATAPOINT_COUNT(m2)')), 3);
    assert.deepEqual(values(run('PERIOD(m1)')), [60, 60, 60, 60]);
  });

  test('SORT by a reduction, with a limit', () => {
    const sorted = run('SORT(METRICS(), MAX, DESC, 1)');
    assert.deepEqual((sorted as { series: TimeSeries[] }).series.map((s) => s.id), ['m2']);
  });

  test('SEARCH calls are found before evaluation; search expressions match as CloudWatch does', () => {
    assert.deepEqual(searchCalls(parseMetricMath("SUM(SEARCH('{AWS/ECS,ClusterName} CPUUtilization', 'Average', 300))")), [
      { expression: '{AWS/ECS,ClusterName} CPUUtilization', stat: 'Average', period: 300 },
    ]);
    const cpu = (dimensions: Record<string, string>, MetricName = 'CPUUtilization') => ({ Namespace: 'AWS/ECS', MetricName, Dimensions: Object.entries(dimensions).map(([Name, Value]) => ({ Name, Value })) });
    const schema = parseMetricSearch('{AWS/ECS,ClusterName,ServiceName} MetricName="CPUUtilization"');
    assert.equal(schema.matches(cpu({ ClusterName: 'a', ServiceName: 'web' })), true);
    assert.equal(schema.matches(cpu({ ClusterName: 'a' })), false, 'the schema names every dimension');
    assert.equal(schema.matches(cpu({ ClusterName: 'a', ServiceName: 'web' }, 'MemoryUtilization')), false);
    const terms = parseMetricSearch('(ServiceName=web OR ServiceName="api") NOT Memory');
    assert.equal(terms.matches(cpu({ ServiceName: 'web-1' })), true);
    assert.equal(terms.matches(cpu({ ServiceName: 'api-1' })), false, 'quoted is exact');
    assert.equal(terms.matches(cpu({ ServiceName: 'web' }, 'MemoryUtilization')), false);
    assert.throws(() => parseMetricSearch('{AWS/ECS'), MetricMathError);
  });
});
