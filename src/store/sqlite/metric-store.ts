// The MetricStore port on SQLite (metrics.db, WAL): a row per metric (`series`) and a row per datapoint
// per resolution (`samples`: a statistic set and the packed value histogram), keyed (series, ts, res) so that
// one metric's range is one index range. Standard-resolution datapoints are filed at their minute and merge
// there on write (an upsert), as CloudWatch aggregates them; `age` rolls old rows up a resolution in SQL.
import type Database from 'better-sqlite3';
import type { Partition } from '../../core/arn.js';
import {
  HISTORY_RETENTION_MS,
  RETENTION,
  metricKey,
  type AlarmHistoryItem,
  type AlarmHistoryQuery,
  type LatestSample,
  type ListMetricsFilter,
  type MetricIdentity,
  type MetricQuery,
  type MetricSample,
  type MetricStore,
  type PeriodAggregate,
  type StandardUnit,
  type StatisticSet,
  type ValueHistogram,
} from '../../core/cloudwatch.js';
import { decodeHistogram, encodeHistogram, mergeHistograms, mergeStatistics } from '../../core/cloudwatch-statistics.js';
import { openDatabase } from './database.js';

const MIGRATIONS: string[] = [
  `CREATE TABLE series (
     id         INTEGER PRIMARY KEY,
     account    TEXT NOT NULL,
     region     TEXT NOT NULL,
     key        TEXT NOT NULL,
     namespace  TEXT NOT NULL,
     name       TEXT NOT NULL,
     dimensions TEXT NOT NULL,
     last_ts    INTEGER NOT NULL,
     UNIQUE (account, region, key)
   );
   CREATE INDEX series_by_name ON series (account, region, namespace, name);
   CREATE TABLE samples (
     series INTEGER NOT NULL,
     ts     INTEGER NOT NULL,
     res    INTEGER NOT NULL,
     count  REAL NOT NULL,
     sum    REAL NOT NULL,
     min    REAL NOT NULL,
     max    REAL NOT NULL,
     unit   TEXT,
     hist   BLOB,
     PRIMARY KEY (series, ts, res)
   ) WITHOUT ROWID;
   CREATE INDEX samples_by_age ON samples (res, ts);
   CREATE TABLE history (
     account   TEXT NOT NULL,
     region    TEXT NOT NULL,
     alarm     TEXT NOT NULL,
     type      TEXT NOT NULL,
     ts        INTEGER NOT NULL,
     item_type TEXT NOT NULL,
     summary   TEXT NOT NULL,
     data      TEXT NOT NULL
   );
   CREATE INDEX history_by_time ON history (account, region, ts);`,
  // Five-minute statistic sets of every metric, kept beside the rows as they are written: a query whose
  // periods are whole five minutes (dashboards over a day) reads a fifth of the rows, or less.
  `CREATE TABLE summaries (
     series INTEGER NOT NULL,
     ts     INTEGER NOT NULL,
     count  REAL NOT NULL,
     sum    REAL NOT NULL,
     min    REAL NOT NULL,
     max    REAL NOT NULL,
     unit   TEXT,
     PRIMARY KEY (series, ts)
   ) WITHOUT ROWID;
   INSERT INTO summaries SELECT series, (ts / 300) * 300 AS bucket, sum(count), sum(sum), min(min), max(max), max(unit)
     FROM samples GROUP BY series, bucket;`,
];

/** The summaries' period (seconds). */
const SUMMARY = 300;

type SampleRow = { ts: number; count: number; sum: number; min: number; max: number; unit: string | null; hist: Buffer | null };

/** Two stored histograms merged; unknown (NULL) when either is. */
function mergeBlobs(a: Buffer | null, b: Buffer | null): Buffer | null {
  if (a === null || b === null) return null;
  return encodeHistogram(mergeHistograms(decodeHistogram(a), decodeHistogram(b)));
}

export class SqliteMetricStore implements MetricStore {
  private readonly db: Database.Database;
  /** Series ids by partition and metric key: safe to lose (read back from `series`). */
  private readonly ids = new Map<string, number>();
  private readonly statements;
  private readonly putTransaction: Database.Transaction<(partition: Partition, samples: MetricSample[]) => void>;

  /** `path` is a file, or `:memory:` for tests. */
  constructor(path: string) {
    this.db = openDatabase(path, []);
    this.db.function('merge_hist', { deterministic: true }, (a: unknown, b: unknown) => mergeBlobs(a as Buffer | null, b as Buffer | null));
    this.db.aggregate('hist_union', {
      start: () => ({ hist: undefined as Buffer | null | undefined }),
      step: (state: { hist: Buffer | null | undefined }, next: unknown) => {
        state.hist = state.hist === undefined ? (next as Buffer | null) : mergeBlobs(state.hist, next as Buffer | null);
      },
      result: (state: { hist: Buffer | null | undefined }) => state.hist ?? null,
    });
    this.migrate();
    this.statements = {
      findSeries: this.db.prepare('SELECT id FROM series WHERE account = ? AND region = ? AND key = ?').pluck(),
      insertSeries: this.db.prepare(
        'INSERT INTO series (account, region, key, namespace, name, dimensions, last_ts) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id',
      ).pluck(),
      touchSeries: this.db.prepare('UPDATE series SET last_ts = max(last_ts, ?) WHERE id = ?'),
      upsertSample: this.db.prepare(
        `INSERT INTO samples (series, ts, res, count, sum, min, max, unit, hist) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (series, ts, res) DO UPDATE SET count = count + excluded.count, sum = sum + excluded.sum,
           min = min(min, excluded.min), max = max(max, excluded.max), unit = excluded.unit,
           hist = merge_hist(hist, excluded.hist)`,
      ),
      upsertSummary: this.db.prepare(
        `INSERT INTO summaries (series, ts, count, sum, min, max, unit) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (series, ts) DO UPDATE SET count = count + excluded.count, sum = sum + excluded.sum,
           min = min(min, excluded.min), max = max(max, excluded.max), unit = excluded.unit`,
      ),
      aggregate: this.aggregateOf('samples'),
      aggregateSummaries: this.aggregateOf('summaries'),
      rows: this.db.prepare(
        `SELECT ts, count, sum, min, max, unit, hist FROM samples
         WHERE series = @series AND ts >= @start AND ts < @end AND (@unit IS NULL OR unit = @unit) ORDER BY ts`,
      ),
      newest: this.db.prepare('SELECT ts, count, sum, min, max, unit FROM samples WHERE series = ? ORDER BY ts DESC, res ASC LIMIT 1'),
      insertHistory: this.db.prepare(
        'INSERT INTO history (account, region, alarm, type, ts, item_type, summary, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
    };
    this.putTransaction = this.db.transaction((partition: Partition, samples: MetricSample[]) => this.putAll(partition, samples));
  }

  private aggregateOf(table: 'samples' | 'summaries') {
    return this.db.prepare(
      `SELECT (ts - CAST(@start AS INTEGER)) / CAST(@period AS INTEGER) AS bucket, sum(count) AS count, sum(sum) AS sum, min(min) AS min, max(max) AS max, max(unit) AS unit
       FROM ${table} WHERE series = @series AND ts >= @start AND ts < @end AND (@unit IS NULL OR unit = @unit)
       GROUP BY bucket ORDER BY bucket`,
    );
  }

  private migrate() {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    for (let v = version; v < MIGRATIONS.length; v++) {
      this.db.transaction(() => {
        this.db.exec(MIGRATIONS[v]!);
        this.db.pragma(`user_version = ${v + 1}`);
      }).immediate();
    }
  }

  private seriesId(partition: Partition, metric: MetricIdentity, ts: number): number {
    const key = metricKey(metric);
    const cacheKey = `${partition.accountId}\0${partition.region}\0${key}`;
    let id = this.ids.get(cacheKey);
    if (id === undefined) {
      id = this.statements.findSeries.get(partition.accountId, partition.region, key) as number | undefined;
      if (id === undefined) {
        const dimensions = [...metric.Dimensions].sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0));
        id = this.statements.insertSeries.get(partition.accountId, partition.region, key, metric.Namespace, metric.MetricName, JSON.stringify(dimensions), ts) as number;
      }
      this.ids.set(cacheKey, id);
    }
    return id;
  }

  private putAll(partition: Partition, samples: MetricSample[]): void {
    // Samples of one call that fall in the same row (a metric's minute, or second) merge here first: one
    // upsert per row instead of one per sample.
    const rows = new Map<string, { id: number; ts: number; res: number; statistics: StatisticSet; unit: string | null; values: ValueHistogram | undefined }>();
    const touched = new Map<number, number>();
    for (const sample of samples) {
      const seconds = Math.floor(sample.timestamp.getTime() / 1000);
      const ts = sample.storageResolution === 1 ? seconds : seconds - (seconds % 60);
      const id = this.seriesId(partition, sample.metric, ts);
      touched.set(id, Math.max(touched.get(id) ?? 0, ts));
      const { statistics } = sample;
      // A statistic set whose samples are all one value still has known values (its percentiles too).
      const values = sample.values ?? (statistics.Minimum === statistics.Maximum ? [[statistics.Minimum, statistics.SampleCount] as [number, number]] : undefined);
      const key = `${id}:${ts}:${sample.storageResolution}`;
      const row = rows.get(key);
      if (!row) {
        rows.set(key, { id, ts, res: sample.storageResolution, statistics, unit: sample.unit ?? null, values });
        continue;
      }
      row.statistics = mergeStatistics(row.statistics, statistics);
      row.values = row.values && values && mergeHistograms(row.values, values);
      row.unit = sample.unit ?? row.unit;
    }
    const summaries = new Map<string, { id: number; ts: number; statistics: StatisticSet; unit: string | null }>();
    for (const { id, ts, res, statistics: s, unit, values } of rows.values()) {
      this.statements.upsertSample.run(id, ts, res, s.SampleCount, s.Sum, s.Minimum, s.Maximum, unit, values ? encodeHistogram(values) : null);
      const at = ts - (ts % SUMMARY);
      const summary = summaries.get(`${id}:${at}`);
      if (summary) (summary.statistics = mergeStatistics(summary.statistics, s)), (summary.unit = unit ?? summary.unit);
      else summaries.set(`${id}:${at}`, { id, ts: at, statistics: s, unit });
    }
    for (const { id, ts, statistics: s, unit } of summaries.values()) this.statements.upsertSummary.run(id, ts, s.SampleCount, s.Sum, s.Minimum, s.Maximum, unit);
    for (const [id, ts] of touched) this.statements.touchSeries.run(ts, id);
  }

  async put(partition: Partition, samples: MetricSample[]): Promise<void> {
    try {
      this.putTransaction.immediate(partition, samples);
    } catch (error) {
      // A rolled-back transaction may have inserted series whose ids were cached.
      this.ids.clear();
      throw error;
    }
  }

  private findId(partition: Partition, metric: MetricIdentity): number | undefined {
    const key = metricKey(metric);
    const cached = this.ids.get(`${partition.accountId}\0${partition.region}\0${key}`);
    return cached ?? (this.statements.findSeries.get(partition.accountId, partition.region, key) as number | undefined);
  }

  async read(partition: Partition, query: MetricQuery): Promise<PeriodAggregate[]> {
    const series = this.findId(partition, query.metric);
    if (series === undefined) return [];
    const start = Math.floor(query.startTime.getTime() / 1000);
    const params = { series, start, end: Math.ceil(query.endTime.getTime() / 1000), period: query.period, unit: query.unit ?? null };
    const at = (bucket: number) => new Date((start + bucket * query.period) * 1000);
    if (!query.withValues) {
      type Bucket = Omit<SampleRow, 'ts' | 'hist'> & { bucket: number };
      let rows: Bucket[];
      if (query.period % SUMMARY === 0 && start % SUMMARY === 0) {
        // Whole five minutes from the summaries; the end's last partial five minutes, if any, from the rows.
        const whole = params.end - (params.end % SUMMARY);
        rows = this.statements.aggregateSummaries.all({ ...params, end: whole }) as Bucket[];
        // The tail [whole, end) is under five minutes, inside one period (period boundaries are multiples of five minutes).
        const [tail] = whole < params.end ? (this.statements.aggregate.all({ ...params, start: whole }) as Bucket[]) : [];
        if (tail) {
          const bucket = Math.floor((whole - start) / query.period);
          const last = rows[rows.length - 1];
          if (last?.bucket === bucket) {
            Object.assign(last, { count: last.count + tail.count, sum: last.sum + tail.sum, min: Math.min(last.min, tail.min), max: Math.max(last.max, tail.max), unit: tail.unit ?? last.unit });
          } else rows.push({ ...tail, bucket });
        }
      } else rows = this.statements.aggregate.all(params) as Bucket[];
      return rows.map((row) => ({
        timestamp: at(row.bucket),
        statistics: { SampleCount: row.count, Sum: row.sum, Minimum: row.min, Maximum: row.max },
        ...(row.unit !== null && { unit: row.unit as StandardUnit }),
      }));
    }
    const out: PeriodAggregate[] = [];
    let current: { bucket: number; aggregate: PeriodAggregate; known: boolean } | undefined;
    for (const row of this.statements.rows.iterate(params) as Iterable<SampleRow>) {
      const bucket = Math.floor((row.ts - start) / query.period);
      const statistics = { SampleCount: row.count, Sum: row.sum, Minimum: row.min, Maximum: row.max };
      const values = row.hist === null ? undefined : decodeHistogram(row.hist);
      if (current?.bucket !== bucket) {
        current = { bucket, known: values !== undefined, aggregate: { timestamp: at(bucket), statistics, ...(row.unit !== null && { unit: row.unit as StandardUnit }), ...(values && { values }) } };
        out.push(current.aggregate);
        continue;
      }
      const aggregate = current.aggregate;
      aggregate.statistics = mergeStatistics(aggregate.statistics, statistics);
      current.known &&= values !== undefined;
      if (current.known) aggregate.values = mergeHistograms(aggregate.values!, values!);
      else delete aggregate.values;
    }
    return out;
  }

  async list(partition: Partition, filter: ListMetricsFilter): Promise<MetricIdentity[]> {
    const rows = this.db
      .prepare(
        `SELECT namespace, name, dimensions FROM series WHERE account = @account AND region = @region
         AND (@namespace IS NULL OR namespace = @namespace) AND (@name IS NULL OR name = @name) AND last_ts >= @since
         ORDER BY namespace, name, dimensions`,
      )
      .all({
        account: partition.accountId,
        region: partition.region,
        namespace: filter.Namespace ?? null,
        name: filter.MetricName ?? null,
        since: filter.activeSince ? Math.floor(filter.activeSince.getTime() / 1000) : 0,
      }) as {
      namespace: string;
      name: string;
      dimensions: string;
    }[];
    const wanted = filter.Dimensions ?? [];
    return rows
      .map((row) => ({ Namespace: row.namespace, MetricName: row.name, Dimensions: JSON.parse(row.dimensions) as MetricIdentity['Dimensions'] }))
      .filter((metric) => wanted.every((w) => metric.Dimensions.some((d) => d.Name === w.Name && (w.Value === undefined || d.Value === w.Value))));
  }

  async latest(since: Date, partition?: Partition): Promise<(LatestSample & { partition: Partition })[]> {
    const rows = this.db
      .prepare('SELECT id, account, region, namespace, name, dimensions FROM series WHERE last_ts >= @since AND (@account IS NULL OR (account = @account AND region = @region))')
      .all({ since: Math.floor(since.getTime() / 1000), account: partition?.accountId ?? null, region: partition?.region ?? null }) as {
      id: number;
      account: string;
      region: string;
      namespace: string;
      name: string;
      dimensions: string;
    }[];
    return rows.flatMap((row) => {
      const newest = this.statements.newest.get(row.id) as Omit<SampleRow, 'hist'> | undefined;
      if (!newest) return [];
      return [{
        partition: { accountId: row.account, region: row.region },
        metric: { Namespace: row.namespace, MetricName: row.name, Dimensions: JSON.parse(row.dimensions) as MetricIdentity['Dimensions'] },
        timestamp: new Date(newest.ts * 1000),
        statistics: { SampleCount: newest.count, Sum: newest.sum, Minimum: newest.min, Maximum: newest.max },
        ...(newest.unit !== null && { unit: newest.unit as StandardUnit }),
      }];
    });
  }

  async appendHistory(partition: Partition, items: AlarmHistoryItem[]): Promise<void> {
    this.db.transaction(() => {
      for (const item of items) {
        this.statements.insertHistory.run(partition.accountId, partition.region, item.AlarmName, item.AlarmType, item.Timestamp.getTime(), item.HistoryItemType, item.HistorySummary, item.HistoryData);
      }
    }).immediate();
  }

  async readHistory(partition: Partition, query: AlarmHistoryQuery): Promise<AlarmHistoryItem[]> {
    const order = query.ScanBy === 'TimestampAscending' ? 'ASC' : 'DESC';
    const types = query.AlarmTypes?.length ? query.AlarmTypes : ['MetricAlarm'];
    const rows = this.db
      .prepare(
        `SELECT alarm, type, ts, item_type, summary, data FROM history
         WHERE account = @account AND region = @region AND (@alarm IS NULL OR alarm = @alarm)
           AND type IN (${types.map((_, i) => `@type${i}`).join(', ')})
           AND (@itemType IS NULL OR item_type = @itemType) AND ts >= @start AND ts <= @end
         ORDER BY ts ${order}, rowid ${order} LIMIT @limit OFFSET @offset`,
      )
      .all({
        account: partition.accountId,
        region: partition.region,
        alarm: query.AlarmName ?? null,
        ...Object.fromEntries(types.map((type, i) => [`type${i}`, type])),
        itemType: query.HistoryItemType ?? null,
        start: query.StartDate?.getTime() ?? 0,
        end: query.EndDate?.getTime() ?? Number.MAX_SAFE_INTEGER,
        limit: query.limit,
        offset: query.offset,
      }) as { alarm: string; type: string; ts: number; item_type: string; summary: string; data: string }[];
    return rows.map((row) => ({
      AlarmName: row.alarm,
      AlarmType: row.type as AlarmHistoryItem['AlarmType'],
      Timestamp: new Date(row.ts),
      HistoryItemType: row.item_type as AlarmHistoryItem['HistoryItemType'],
      HistorySummary: row.summary,
      HistoryData: row.data,
    }));
  }

  async clear(partition?: Partition): Promise<void> {
    const scope = partition ? 'WHERE account = ? AND region = ?' : '';
    const args = partition ? [partition.accountId, partition.region] : [];
    this.db.transaction(() => {
      this.db.prepare(`DELETE FROM samples WHERE series IN (SELECT id FROM series ${scope})`).run(...args);
      this.db.prepare(`DELETE FROM summaries WHERE series IN (SELECT id FROM series ${scope})`).run(...args);
      this.db.prepare(`DELETE FROM series ${scope}`).run(...args);
      this.db.prepare(`DELETE FROM history ${scope}`).run(...args);
    }).immediate();
    this.ids.clear();
  }

  async age(now: Date): Promise<void> {
    const seconds = Math.floor(now.getTime() / 1000);
    this.db.transaction(() => {
      for (const { resolution, keptMs, next } of RETENTION) {
        const oldest = seconds - keptMs / 1000;
        if (next === undefined) {
          this.db.prepare('DELETE FROM samples WHERE res = ? AND ts < ?').run(resolution, oldest);
          this.db.prepare('DELETE FROM summaries WHERE ts < ?').run(oldest);
          continue;
        }
        // Whole buckets of the next resolution roll up at once. (Resolutions are written into the SQL: bound,
        // they would be REALs, and the division would not truncate.)
        const cutoff = oldest - (oldest % next);
        this.db
          .prepare(
            `INSERT INTO samples (series, ts, res, count, sum, min, max, unit, hist)
             SELECT series, (ts / ${next}) * ${next} AS bucket, ${next}, sum(count), sum(sum), min(min), max(max), max(unit), hist_union(hist)
             FROM samples WHERE res = @res AND ts < @cutoff GROUP BY series, bucket
             ON CONFLICT (series, ts, res) DO UPDATE SET count = count + excluded.count, sum = sum + excluded.sum,
               min = min(min, excluded.min), max = max(max, excluded.max), unit = excluded.unit, hist = merge_hist(hist, excluded.hist)`,
          )
          .run({ res: resolution, cutoff });
        this.db.prepare('DELETE FROM samples WHERE res = ? AND ts < ?').run(resolution, cutoff);
      }
      const last = RETENTION[RETENTION.length - 1]!;
      this.db.prepare('DELETE FROM series WHERE last_ts < ? AND NOT EXISTS (SELECT 1 FROM samples WHERE samples.series = series.id)').run(seconds - last.keptMs / 1000);
      this.db.prepare('DELETE FROM history WHERE ts < ?').run(now.getTime() - HISTORY_RETENTION_MS);
    }).immediate();
    this.ids.clear();
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
