// The MetricStore on SQLite: datapoints in and aggregated out, listing, newest samples, history, retention.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { MetricIdentity, MetricSample } from '../../core/cloudwatch.js';
import { histogramOf, percentile, statisticsOf } from '../../core/cloudwatch-statistics.js';
import { SqliteMetricStore } from './metric-store.js';

const here = { accountId: '123456789012', region: 'us-east-1' };
const cpu: MetricIdentity = { Namespace: 'AWS/ECS', MetricName: 'CPUUtilization', Dimensions: [{ Name: 'ServiceName', Value: 'web' }, { Name: 'ClusterName', Value: 'default' }] };
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

function sample(metric: MetricIdentity, atMs: number, values: number[], storageResolution: 1 | 60 = 60): MetricSample {
  const histogram = histogramOf(values);
  return { metric, timestamp: new Date(atMs), storageResolution, unit: 'Percent', statistics: statisticsOf(histogram), values: histogram };
}

describe('SqliteMetricStore', () => {
  it('merges standard-resolution datapoints of one minute and aggregates periods, dimensions in any order', async () => {
    const store = new SqliteMetricStore(':memory:');
    await store.put(here, [sample(cpu, T0 + 5_000, [10, 20]), sample(cpu, T0 + 50_000, [30]), sample(cpu, T0 + 65_000, [40])]);
    const reversed = { ...cpu, Dimensions: [...cpu.Dimensions].reverse() };
    const minutes = await store.read(here, { metric: reversed, startTime: new Date(T0), endTime: new Date(T0 + 300_000), period: 60 });
    assert.deepEqual(minutes.map((p) => [p.timestamp.getTime() - T0, p.statistics]), [
      [0, { SampleCount: 3, Sum: 60, Minimum: 10, Maximum: 30 }],
      [60_000, { SampleCount: 1, Sum: 40, Minimum: 40, Maximum: 40 }],
    ]);
    const [five] = await store.read(here, { metric: cpu, startTime: new Date(T0), endTime: new Date(T0 + 300_000), period: 300, withValues: true });
    assert.equal(five!.statistics.SampleCount, 4);
    assert.equal(percentile(five!.values!, 50), 20);
    assert.equal(five!.unit, 'Percent');
    await store.close();
  });

  it('keeps high-resolution datapoints per second, and statistic sets without values', async () => {
    const store = new SqliteMetricStore(':memory:');
    await store.put(here, [sample(cpu, T0 + 1_000, [1], 1), sample(cpu, T0 + 2_000, [2], 1), sample(cpu, T0 + 11_000, [3], 1)]);
    await store.put(here, [{ metric: cpu, timestamp: new Date(T0 + 12_000), storageResolution: 1, statistics: { SampleCount: 2, Sum: 10, Minimum: 4, Maximum: 6 } }]);
    const tens = await store.read(here, { metric: cpu, startTime: new Date(T0), endTime: new Date(T0 + 20_000), period: 10, withValues: true });
    assert.deepEqual(tens.map((p) => p.statistics.SampleCount), [2, 3]);
    assert.deepEqual(tens[0]!.values, [[1, 1], [2, 1]]);
    const plain = await store.read(here, { metric: cpu, startTime: new Date(T0), endTime: new Date(T0 + 20_000), period: 10 });
    assert.deepEqual(plain.map((p) => [p.timestamp.getTime() - T0, p.statistics.SampleCount]), [[0, 2], [10_000, 3]]);
    assert.equal(tens[1]!.values, undefined);
    await store.close();
  });

  it('lists metrics by namespace, name and dimensions, and gives each one\'s newest datapoint', async () => {
    const store = new SqliteMetricStore(':memory:');
    const memory = { ...cpu, MetricName: 'MemoryUtilization' };
    const cluster = { ...cpu, Dimensions: [{ Name: 'ClusterName', Value: 'default' }] };
    await store.put(here, [sample(cpu, T0, [1]), sample(cpu, T0 + 60_000, [7]), sample(memory, T0, [2]), sample(cluster, T0, [3])]);
    await store.put({ ...here, region: 'eu-west-1' }, [sample(cpu, T0, [1])]);
    assert.equal((await store.list(here, {})).length, 3);
    assert.deepEqual((await store.list(here, { MetricName: 'CPUUtilization' })).map((m) => m.Dimensions.length).sort(), [1, 2]);
    assert.equal((await store.list(here, { Dimensions: [{ Name: 'ServiceName' }] })).length, 2);
    assert.equal((await store.list(here, { Dimensions: [{ Name: 'ServiceName', Value: 'api' }] })).length, 0);
    assert.equal((await store.list(here, { activeSince: new Date(T0 + 1_000) })).length, 1);
    const newest = (await store.latest(new Date(0), here)).find((s) => s.metric.MetricName === 'CPUUtilization' && s.metric.Dimensions.length === 2)!;
    assert.equal(newest.statistics.Sum, 7);
    assert.equal((await store.latest(new Date(0))).length, 4);
    await store.clear(here);
    assert.equal((await store.latest(new Date(0))).length, 1);
    await store.close();
  });

  it('rolls 1-second data up to minutes after 3 hours and drops what is past 455 days', async () => {
    const store = new SqliteMetricStore(':memory:');
    await store.put(here, [sample(cpu, T0 + 1_000, [1, 5], 1), sample(cpu, T0 + 30_000, [3], 1), sample(cpu, T0 + 30_000, [9])]);
    await store.age(new Date(T0 + 3 * 3600_000 + 120_000));
    const seconds = await store.read(here, { metric: cpu, startTime: new Date(T0), endTime: new Date(T0 + 60_000), period: 1, withValues: true });
    assert.deepEqual(seconds.map((p) => [p.timestamp.getTime() - T0, p.statistics.SampleCount]), [[0, 4]], 'one row per minute');
    assert.deepEqual(seconds[0]!.values, [[1, 1], [3, 1], [5, 1], [9, 1]]);
    await store.age(new Date(T0 + 456 * 86400_000));
    assert.deepEqual(await store.read(here, { metric: cpu, startTime: new Date(T0), endTime: new Date(T0 + 60_000), period: 60 }), []);
    assert.deepEqual(await store.list(here, {}), []);
    await store.close();
  });

  it('answers whole minutes from its blocks as from its rows, late datapoints and the newest hour included', async () => {
    const store = new SqliteMetricStore(':memory:');
    const H = 3600_000;
    // Three hours and a bit, a minute apart, with a 1-second datapoint among them; the newest hour has no block.
    await store.put(here, Array.from({ length: 200 }, (_, i) => sample(cpu, T0 + i * 60_000 + 1_000, [i, 2 * i])));
    await store.put(here, [sample(cpu, T0 + 11 * 60_000 + 5_000, [100], 1)]);
    // A block has one unit, its rows' greatest: with two units in an hour, only the statistics agree.
    const same = async (label: string, units = true) => {
      // Periods whose cells are 5, 15, 60 or 120 minutes, or minutes (420 s; 1,800 s from a quarter past).
      const queries = [[300, T0, T0 + 3.4 * H], [60, T0 + 0.5 * H, T0 + 2.2 * H], [3600, T0, T0 + 4 * H], [600, T0 - H, T0 + 3 * H], [900, T0 + 0.25 * H, T0 + 3.3 * H], [7200, T0, T0 + 4 * H], [420, T0, T0 + 3.5 * H], [1800, T0 + 0.25 * H, T0 + 3.5 * H]] as const;
      for (const [period, start, end] of queries) {
        const query = { metric: cpu, startTime: new Date(start), endTime: new Date(end), period };
        const fromBlocks = (await store.read(here, query)).map(({ unit, ...rest }) => ({ ...rest, ...(units && { unit }) }));
        const fromRows = (await store.read(here, { ...query, withValues: true })).map(({ values: _values, unit, ...rest }) => ({ ...rest, ...(units && { unit }) }));
        assert.deepEqual(fromBlocks, fromRows, `${label}: period ${period}, ${(start - T0) / H} h to ${(end - T0) / H} h`);
      }
    };
    await same('first read, blocks built');
    await same('blocks read');
    // Two weeks back is allowed: a datapoint into a past hour replaces its block's view.
    await store.put(here, [sample(cpu, T0 + 30 * 60_000, [1_000])]);
    await same('after a late datapoint');
    const [hour] = await store.read(here, { metric: cpu, startTime: new Date(T0), endTime: new Date(T0 + H), period: 3600 });
    assert.equal(hour!.statistics.Maximum, 1_000);
    // The newest hour's block lives in memory and takes each write; a unit it does not have drops it.
    await store.put(here, [sample(cpu, T0 + 199 * 60_000 + 7_000, [-5]), sample(cpu, T0 + 201 * 60_000, [7, 8]), sample(cpu, T0 + 202 * 60_000 + 3_000, [9], 1)]);
    await same('after datapoints into the newest hour');
    await store.put(here, [{ ...sample(cpu, T0 + 203 * 60_000, [4]), unit: 'Count' }]);
    await same('after a datapoint of another unit', false);
    await store.put(here, [sample(cpu, T0 + 4 * H + 60_000, [3])]);
    await same('after the next hour begins', false);
    await store.close();
  });

  it('writes concurrent puts in one commit, each durable when it resolves, one failing alone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'metric-store-'));
    const store = new SqliteMetricStore(join(dir, 'metrics.db'));
    await Promise.all(Array.from({ length: 5 }, (_, i) => store.put(here, [sample({ ...cpu, MetricName: `M${i}` }, T0, [i])])));
    // NaN binds as NULL: the row's NOT NULL refuses it, as a full disk would refuse the write.
    const bad = { ...sample(cpu, T0, [1]), statistics: { SampleCount: NaN, Sum: 1, Minimum: 1, Maximum: 1 } };
    const outcomes = await Promise.allSettled([store.put(here, [sample(cpu, T0 + 60_000, [2])]), store.put(here, [bad]), store.put(here, [sample(cpu, T0 + 120_000, [3])])]);
    assert.deepEqual(outcomes.map((o) => o.status), ['fulfilled', 'rejected', 'fulfilled']);
    await store.close();
    const reopened = new SqliteMetricStore(join(dir, 'metrics.db'));
    assert.equal((await reopened.list(here, {})).length, 6);
    const minutes = await reopened.read(here, { metric: cpu, startTime: new Date(T0), endTime: new Date(T0 + 600_000), period: 60 });
    assert.deepEqual(minutes.map((p) => p.statistics.Sum), [2, 3]);
    await reopened.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps alarm history, filtered and paged, for 30 days', async () => {
    const store = new SqliteMetricStore(':memory:');
    const item = (name: string, at: number, type: 'StateUpdate' | 'ConfigurationUpdate') => ({ AlarmName: name, AlarmType: 'MetricAlarm' as const, Timestamp: new Date(at), HistoryItemType: type, HistorySummary: `${name} ${at}`, HistoryData: '{}' });
    await store.appendHistory(here, [item('a', T0, 'ConfigurationUpdate'), item('a', T0 + 1, 'StateUpdate'), item('b', T0 + 2, 'StateUpdate')]);
    const all = await store.readHistory(here, { offset: 0, limit: 10 });
    assert.deepEqual(all.map((i) => i.HistorySummary), [`b ${T0 + 2}`, `a ${T0 + 1}`, `a ${T0}`]);
    assert.equal((await store.readHistory(here, { AlarmName: 'a', HistoryItemType: 'StateUpdate', offset: 0, limit: 10 })).length, 1);
    assert.equal((await store.readHistory(here, { ScanBy: 'TimestampAscending', offset: 1, limit: 1 }))[0]!.HistorySummary, `a ${T0 + 1}`);
    await store.age(new Date(T0 + 31 * 86400_000));
    assert.equal((await store.readHistory(here, { offset: 0, limit: 10 })).length, 0);
    await store.close();
  });
});
