// The MetricStore port on SQLite (metrics.db, WAL): a row per metric (`series`) and a row per datapoint
// per resolution (`samples`: a statistic set and the packed value histogram), keyed (series, ts, res) so that
// one metric's range is one index range. Standard-resolution datapoints are filed at their minute and merge
// there on write (an upsert), as CloudWatch aggregates them; `age` rolls old rows up a resolution in SQL.
// Reads of whole minutes are served from `blocks`: a metric's hour as one row of 60 packed minute statistic
// sets, built from the rows the first time the hour is read once it is past (decision 0005); a datapoint
// written later into such an hour drops its block, to be built again.
import type Database from 'better-sqlite3';
import { endianness } from 'node:os';
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
import { decodeHistogram, encodeHistogram, isSimpleStatistic, mergeHistograms, mergeStatistics, statisticValue } from '../../core/cloudwatch-statistics.js';
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
  // Hour blocks replace the five-minute summaries (whose upsert doubled every write): built when read. A rowid
  // table: its 2 KB rows would fill a WITHOUT ROWID b-tree's interior pages (SQLite advises rows under 1/20 page).
  `DROP TABLE summaries;
   CREATE TABLE blocks (
     series INTEGER NOT NULL,
     hour   INTEGER NOT NULL,
     unit   TEXT,
     cells  BLOB NOT NULL,
     PRIMARY KEY (series, hour)
   );`,
];

const HOUR = 3600;
/** A block's cells: SampleCount, Sum, Minimum, Maximum of each of its 60 minutes (SampleCount 0: no data). */
const CELL = 4;
/** Blocks kept in memory (about 2 KB each: 16 MB, some 340 metric-days), so that a dashboard's refresh reads no block. */
const BLOCK_CACHE = 8192;

interface Block {
  cells: Float64Array;
  unit: string | null;
  /** When it was last read or written (BlockCache's clock). */
  used?: number;
  /** The cells folded into coarser cells (by their length in seconds), each made when first read so. */
  rollups?: Map<number, Float64Array>;
}

/** Whether this host's float64 arrays are in the blocks' byte order (little-endian): then copied whole. */
const LITTLE_ENDIAN = endianness() === 'LE';

/** A stored block's cells (float64, little-endian). */
function cellsOf(blob: Buffer): Float64Array {
  const cells = new Float64Array(blob.length / 8);
  if (LITTLE_ENDIAN) new Uint8Array(cells.buffer).set(blob);
  else for (let i = 0; i < cells.length; i++) cells[i] = blob.readDoubleLE(i * 8);
  return cells;
}

/** Cells as stored (float64, little-endian); the SQLite binding copies the bytes. */
function blobOf(cells: Float64Array): Buffer {
  if (LITTLE_ENDIAN) return Buffer.from(cells.buffer, cells.byteOffset, cells.byteLength);
  const blob = Buffer.alloc(cells.length * 8);
  cells.forEach((value, i) => blob.writeDoubleLE(value, i * 8));
  return blob;
}

/** A block of `hour` with no data yet. */
const emptyCells = () => new Float64Array((HOUR / 60) * CELL);

/** Folds a row's statistic set into `cells` at cell `i` (CELL numbers each; count 0: empty). */
function foldCell(cells: Float64Array, i: number, count: number, sum: number, min: number, max: number): void {
  if (cells[i] === 0) [cells[i + 2], cells[i + 3]] = [min, max];
  else [cells[i + 2], cells[i + 3]] = [Math.min(cells[i + 2]!, min), Math.max(cells[i + 3]!, max)];
  cells[i]! += count;
  cells[i + 1]! += sum;
}

/** A block's minutes folded into cells of `seconds` (a divisor of the hour, a multiple of the minute). */
function rollup(block: Block, seconds: number): Float64Array {
  let cells = block.rollups?.get(seconds);
  if (cells) return cells;
  cells = new Float64Array((HOUR / seconds) * CELL);
  const minutes = seconds / 60;
  for (let i = 0; i < block.cells.length; i += CELL) {
    if (block.cells[i] === 0) continue;
    foldCell(cells, Math.floor(i / CELL / minutes) * CELL, block.cells[i]!, block.cells[i + 1]!, block.cells[i + 2]!, block.cells[i + 3]!);
  }
  (block.rollups ??= new Map()).set(seconds, cells);
  return cells;
}

/**
 * Blocks in memory by series and hour (hours counted from the epoch: small integers), each stamped when last
 * used; past `limit`, the least recently used quarter goes at once (a lookup moves nothing).
 */
class BlockCache {
  private readonly bySeries = new Map<number, Map<number, Block>>();
  private size = 0;
  private clock = 0;

  constructor(private readonly limit: number) {}

  get(series: number, hour: number): Block | undefined {
    const block = this.bySeries.get(series)?.get(hour / HOUR);
    if (block) block.used = ++this.clock;
    return block;
  }

  set(series: number, hour: number, block: Block): void {
    let hours = this.bySeries.get(series);
    if (!hours) this.bySeries.set(series, (hours = new Map()));
    if (!hours.has(hour / HOUR)) this.size++;
    hours.set(hour / HOUR, block);
    block.used = ++this.clock;
    if (this.size > this.limit) this.evict();
  }

  delete(series: number, hour: number): void {
    const hours = this.bySeries.get(series);
    if (!hours?.delete(hour / HOUR)) return;
    this.size--;
    if (hours.size === 0) this.bySeries.delete(series);
  }

  clear(): void {
    this.bySeries.clear();
    this.size = 0;
  }

  private evict(): void {
    const all: [used: number, series: number, hour: number][] = [];
    for (const [series, hours] of this.bySeries) for (const [hour, block] of hours) all.push([block.used!, series, hour * HOUR]);
    all.sort((a, b) => a[0] - b[0]);
    for (const [, series, hour] of all.slice(0, all.length - Math.floor((this.limit * 3) / 4))) this.delete(series, hour);
  }
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/** Period aggregates being folded from minutes (blocks) and rows, by bucket: (ts - start) / period. */
class Buckets {
  readonly count: Float64Array;
  readonly sum: Float64Array;
  readonly min: Float64Array;
  readonly max: Float64Array;
  readonly unit: (string | null)[];
  /**
   * The coarsest cells that each fall in one period: the periods' and the hour's common divisor, when the
   * periods start on it (a read's start is rounded down to its period, so whole-minute periods do).
   */
  private readonly cellSeconds: number;

  constructor(readonly start: number, readonly period: number, readonly end: number) {
    const n = Math.max(0, Math.ceil((end - start) / period));
    [this.count, this.sum, this.min, this.max] = [new Float64Array(n), new Float64Array(n), new Float64Array(n).fill(Infinity), new Float64Array(n).fill(-Infinity)];
    this.unit = new Array<string | null>(n).fill(null);
    const common = gcd(period, HOUR);
    this.cellSeconds = common % 60 === 0 && start % common === 0 ? common : 60;
  }

  add(ts: number, count: number, sum: number, min: number, max: number, unit: string | null): void {
    if (ts < this.start || ts >= this.end) return;
    const b = Math.floor((ts - this.start) / this.period);
    this.count[b]! += count;
    this.sum[b]! += sum;
    if (min < this.min[b]!) this.min[b] = min;
    if (max > this.max[b]!) this.max[b] = max;
    // As SQL's max(unit) over the period's rows.
    if (unit !== null && (this.unit[b] === null || unit > this.unit[b]!)) this.unit[b] = unit;
  }

  /**
   * A block's cells (empty: the hour has no data): an hour wholly inside the range through its rollup into
   * the periods' cells, an hour at an edge minute by minute (`add` leaves out the minutes outside).
   */
  addBlock(hour: number, block: Block): void {
    if (block.cells.length === 0) return;
    const whole = hour >= this.start && hour + HOUR <= this.end;
    const seconds = whole ? this.cellSeconds : 60;
    const cells = seconds === 60 ? block.cells : rollup(block, seconds);
    for (let t = hour, i = 0; i < cells.length; t += seconds, i += CELL) if (cells[i]! > 0) this.add(t, cells[i]!, cells[i + 1]!, cells[i + 2]!, cells[i + 3]!, block.unit);
  }

  aggregates(): PeriodAggregate[] {
    const out: PeriodAggregate[] = [];
    for (let b = 0; b < this.count.length; b++) {
      if (this.count[b] === 0) continue;
      // Built without a spread, which would make each of these (a day of 100 metrics: 28,800) a slow object.
      const aggregate: PeriodAggregate = {
        timestamp: new Date((this.start + b * this.period) * 1000),
        statistics: { SampleCount: this.count[b]!, Sum: this.sum[b]!, Minimum: this.min[b]!, Maximum: this.max[b]! },
      };
      if (this.unit[b] !== null) aggregate.unit = this.unit[b] as StandardUnit;
      out.push(aggregate);
    }
    return out;
  }
}

interface PendingPut {
  partition: Partition;
  samples: MetricSample[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** A `samples` row as the `minutes` statement gives it: ts, count, sum, min, max, unit. */
type MinuteRow = [number, number, number, number, number, string | null];

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
  /** Each cached series' `last_ts`, so that a row's write touches its series only when it is newer. */
  private readonly lastTs = new Map<number, number>();
  private readonly statements;
  private readonly putTransaction: Database.Transaction<(calls: PendingPut[]) => void>;
  /** Blocks read or written lately: safe to lose (read back from `blocks`, or built from the rows). */
  private readonly blockCache = new BlockCache(BLOCK_CACHE);
  /** Puts waiting for the next commit (group commit: see `put`). */
  private pending: PendingPut[] = [];

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
      lastTs: this.db.prepare('SELECT last_ts FROM series WHERE id = ?').pluck(),
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
      dropBlock: this.db.prepare('DELETE FROM blocks WHERE series = ? AND hour = ?'),
      blocks: this.db.prepare('SELECT hour, unit, cells FROM blocks WHERE series = ? AND hour >= ? AND hour < ?').raw(),
      putBlock: this.db.prepare('INSERT OR REPLACE INTO blocks (series, hour, unit, cells) VALUES (?, ?, ?, ?)'),
      minutes: this.db.prepare('SELECT ts, count, sum, min, max, unit FROM samples WHERE series = ? AND ts >= ? AND ts < ?').raw(),
      rows: this.db.prepare(
        `SELECT ts, count, sum, min, max, unit, hist FROM samples
         WHERE series = @series AND ts >= @start AND ts < @end AND (@unit IS NULL OR unit = @unit) ORDER BY ts`,
      ),
      newest: this.db.prepare('SELECT ts, count, sum, min, max, unit FROM samples WHERE series = ? ORDER BY ts DESC, res ASC LIMIT 1'),
      insertHistory: this.db.prepare(
        'INSERT INTO history (account, region, alarm, type, ts, item_type, summary, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
    };
    this.putTransaction = this.db.transaction((calls: PendingPut[]) => {
      for (const call of calls) this.putAll(call.partition, call.samples);
    });
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
        this.lastTs.set(id, ts);
      } else this.lastTs.set(id, this.statements.lastTs.get(id) as number);
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
    const late = new Set<string>();
    for (const { id, ts, res, statistics: s, unit, values } of rows.values()) {
      this.statements.upsertSample.run(id, ts, res, s.SampleCount, s.Sum, s.Minimum, s.Maximum, unit, values ? encodeHistogram(values) : null);
      const hour = ts - (ts % HOUR);
      const key = `${id}:${hour}`;
      // A block in memory takes the row as the upsert did (so that the newest hour, read from memory too,
      // stays current); one whose unit the row would change is dropped, to be built again.
      const cached = this.blockCache.get(id, hour);
      if (cached && cached.unit === unit) {
        if (cached.cells.length === 0) cached.cells = emptyCells();
        foldCell(cached.cells, Math.floor((ts - hour) / 60) * CELL, s.SampleCount, s.Sum, s.Minimum, s.Maximum);
        delete cached.rollups;
      } else if (cached) this.blockCache.delete(id, hour);
      // Stored blocks exist only for hours before the series' newest one (see `minuteBuckets`): a row there
      // may fall in one, which is dropped (once per hour and put).
      if (hour < this.lastTs.get(id)! - (this.lastTs.get(id)! % HOUR) && !late.has(key)) {
        late.add(key);
        this.statements.dropBlock.run(id, hour);
      }
    }
    for (const [id, ts] of touched) {
      if (ts <= this.lastTs.get(id)!) continue;
      this.statements.touchSeries.run(ts, id);
      this.lastTs.set(id, ts);
    }
  }

  /**
   * Group commit: puts made while the event loop was busy (concurrent PutMetricData calls) are written in one
   * transaction at the next turn, and each resolves once that transaction has committed (durable as before,
   * a commit's cost shared). Should the batch fail, each put is retried alone, so that one put's failure is
   * its own (all or none per put, as the port says).
   */
  put(partition: Partition, samples: MetricSample[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ partition, samples, resolve, reject });
      if (this.pending.length === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const calls = this.pending;
    this.pending = [];
    const commit = (batch: PendingPut[]) => {
      try {
        this.putTransaction.immediate(batch);
        return undefined;
      } catch (error) {
        // A rolled-back transaction may have inserted series whose ids (and times) were cached, and folded
        // rows into blocks in memory.
        this.ids.clear();
        this.lastTs.clear();
        this.blockCache.clear();
        return error as Error;
      }
    };
    const failed = commit(calls);
    if (!failed) return calls.forEach((call) => call.resolve());
    if (calls.length === 1) return calls[0]!.reject(failed);
    for (const call of calls) {
      const error = commit([call]);
      if (error) call.reject(error);
      else call.resolve();
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
    if (!query.withValues) return this.buckets(series, query).aggregates();
    const start = Math.floor(query.startTime.getTime() / 1000);
    const params = { series, start, end: Math.ceil(query.endTime.getTime() / 1000), period: query.period, unit: query.unit ?? null };
    const at = (bucket: number) => new Date((start + bucket * query.period) * 1000);
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

  async readStatistic(partition: Partition, query: MetricQuery, statistic: string): Promise<Map<number, number>> {
    const points = new Map<number, number>();
    const series = this.findId(partition, query.metric);
    if (series === undefined) return points;
    // Percentiles need the periods' values; the simple statistics come from the buckets, without an
    // aggregate per period (a day of 100 metrics is 28,800 of them).
    if (!isSimpleStatistic(statistic)) {
      for (const p of await this.read(partition, { ...query, withValues: true })) {
        const value = statisticValue(statistic, p.statistics, p.values);
        if (value !== undefined && Number.isFinite(value)) points.set(p.timestamp.getTime(), value);
      }
      return points;
    }
    const buckets = this.buckets(series, query);
    for (let b = 0; b < buckets.count.length; b++) {
      if (buckets.count[b] === 0) continue;
      const value = statisticValue(statistic, { SampleCount: buckets.count[b]!, Sum: buckets.sum[b]!, Minimum: buckets.min[b]!, Maximum: buckets.max[b]! }, undefined);
      if (value !== undefined && Number.isFinite(value)) points.set((buckets.start + b * buckets.period) * 1000, value);
    }
    return points;
  }

  /** A series' statistic sets per period over the query's range: whole minutes from blocks, else from the rows. */
  private buckets(series: number, query: MetricQuery): Buckets {
    const start = Math.floor(query.startTime.getTime() / 1000);
    const end = Math.ceil(query.endTime.getTime() / 1000);
    const buckets = new Buckets(start, query.period, end);
    if (query.unit === undefined && query.period % 60 === 0 && start % 60 === 0) this.minuteBuckets(series, buckets, end);
    else for (const [ts, count, sum, min, max, unit] of this.statements.minutes.iterate(series, start, end) as Iterable<MinuteRow>) if (query.unit === undefined || unit === query.unit) buckets.add(ts, count, sum, min, max, unit);
    return buckets;
  }

  /**
   * Folds whole-minute periods over [buckets.start, end) from the blocks of the hours they touch up to the
   * series' newest: from memory, else from `blocks`, else built from the rows and kept in memory (and in
   * `blocks` for the hours before the newest, which writes no longer reach but late).
   */
  private minuteBuckets(series: number, buckets: Buckets, end: number): void {
    const newest = this.lastTs.get(series) ?? (this.statements.lastTs.get(series) as number);
    const newestHour = newest - (newest % HOUR);
    const first = buckets.start - (buckets.start % HOUR);
    const last = Math.min(end, newestHour + HOUR);
    const missing = new Map<number, Block>();
    for (let hour = first; hour < last; hour += HOUR) {
      const block = this.blockCache.get(series, hour);
      if (block) {
        buckets.addBlock(hour, block);
      } else missing.set(hour, { cells: emptyCells(), unit: null });
    }
    if (missing.size === 0) return;
    const from = Math.min(...missing.keys());
    const stored = new Set<number>();
    for (const [hour, unit, blob] of this.statements.blocks.iterate(series, from, newestHour) as Iterable<[number, string | null, Buffer]>) {
      const block = missing.get(hour);
      if (!block) continue;
      block.cells = cellsOf(blob);
      block.unit = unit;
      stored.add(hour);
    }
    if (stored.size < missing.size) this.buildBlocks(series, from, Math.max(...missing.keys()) + HOUR, newestHour, missing, stored);
    for (const [hour, block] of missing) {
      this.blockCache.set(series, hour, block);
      buckets.addBlock(hour, block);
    }
  }

  /** The blocks of `missing` not `stored` from the rows of [from, to), those before `newestHour` written to `blocks`. */
  private buildBlocks(series: number, from: number, to: number, newestHour: number, missing: Map<number, Block>, stored: Set<number>): void {
    for (const [ts, count, sum, min, max, unit] of this.statements.minutes.iterate(series, from, to) as Iterable<MinuteRow>) {
      const hour = ts - (ts % HOUR);
      const block = missing.get(hour);
      if (!block || stored.has(hour)) continue;
      foldCell(block.cells, Math.floor((ts - hour) / 60) * CELL, count, sum, min, max);
      if (unit !== null && (block.unit === null || unit > block.unit)) block.unit = unit;
    }
    this.db.transaction(() => {
      for (const [hour, block] of missing) {
        if (stored.has(hour)) continue;
        let empty = true;
        for (let i = 0; i < block.cells.length && empty; i += CELL) empty = block.cells[i] === 0;
        if (empty) block.cells = new Float64Array(0);
        if (hour >= newestHour) continue;
        this.statements.putBlock.run(series, hour, block.unit, blobOf(block.cells));
      }
    }).immediate();
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
      this.db.prepare(`DELETE FROM blocks WHERE series IN (SELECT id FROM series ${scope})`).run(...args);
      this.db.prepare(`DELETE FROM series ${scope}`).run(...args);
      this.db.prepare(`DELETE FROM history ${scope}`).run(...args);
    }).immediate();
    this.ids.clear();
    this.lastTs.clear();
    this.blockCache.clear();
  }

  async age(now: Date): Promise<void> {
    const seconds = Math.floor(now.getTime() / 1000);
    this.db.transaction(() => {
      for (const { resolution, keptMs, next } of RETENTION) {
        const oldest = seconds - keptMs / 1000;
        if (next === undefined) {
          this.db.prepare('DELETE FROM samples WHERE res = ? AND ts < ?').run(resolution, oldest);
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
        // Minutes rolled up: their hours' blocks go (a read builds them again from the coarser rows).
        if (resolution === 60) this.db.prepare('DELETE FROM blocks WHERE hour < ?').run(cutoff);
      }
      const last = RETENTION[RETENTION.length - 1]!;
      this.db.prepare('DELETE FROM series WHERE last_ts < ? AND NOT EXISTS (SELECT 1 FROM samples WHERE samples.series = series.id)').run(seconds - last.keptMs / 1000);
      this.db.prepare('DELETE FROM history WHERE ts < ?').run(now.getTime() - HISTORY_RETENTION_MS);
    }).immediate();
    this.ids.clear();
    this.lastTs.clear();
    this.blockCache.clear();
  }

  async close(): Promise<void> {
    if (this.pending.length > 0) this.flush();
    this.db.close();
  }
}
