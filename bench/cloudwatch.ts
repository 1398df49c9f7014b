// CloudWatch (issue 11): PutMetricData ingest (goal at least 20,000 datapoints/s) and GetMetricData over 24 h of
// 1-minute data for 100 metrics (goal under 50 ms end to end through the JS SDK over its default protocol,
// awsJson; the first call, which builds the hours' blocks, apart), each call's time split into the server's
// (the request sent to the last byte of the answer received) and the client's (the SDK's serialization,
// signing and parsing), over all three protocols. Beside moto's server (the peer), which serves CloudWatch
// over the query protocol only: ingest over query at 1,000 datums a call (AWS's most) and at 40 (moto parses
// a call's members in quadratic time), and GetMetricData over 24 h of MOTO_METRICS metrics, the largest day
// moto loads and answers within about a minute here (a day of 100 metrics took it over 25 minutes), Wharf
// over query too; and the metric store's size after 24 h of a 100-task cluster's metrics (Container Insights
// per task and container, AWS/ECS per service at 10 s), written through the SqliteMetricStore with its
// retention run hourly as the controller runs it (moto keeps nothing on disk: no peer for that one).
import { CloudWatchClient, GetMetricDataCommand, PutMetricDataCommand, type CloudWatchClientConfig, type MetricDatum } from '@aws-sdk/client-cloudwatch';
import { AwsQueryProtocol, AwsSmithyRpcV2CborProtocol } from '@aws-sdk/core/protocols';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { MetricSample } from '../src/core/cloudwatch.js';
import { SqliteMetricStore } from '../src/store/sqlite/metric-store.js';
import { benchWharf, load, startMoto, table, tempDir } from './lib.js';
import { fmt, type ReadmeRow } from './readme-table.js';

export const CLOUDWATCH_TOOLS = { python3: 'with moto: pip install "moto[server]"' };

const BATCH = 1_000;
const METRICS = 100;
const MOTO_METRICS = 10;
const DAY_MINUTES = 1_440;

/** A client whose calls' wire times (request sent to the answer's last byte) are recorded in `wire`. */
function timedClient(options: CloudWatchClientConfig): CloudWatchClient & { wire: number[] } {
  const client = Object.assign(new CloudWatchClient(options), { wire: [] as number[] });
  // Innermost (the deserialize step, below the SDK's deserializer): the answer is read whole before it is parsed.
  client.middlewareStack.add(
    (next) => async (args) => {
      const began = performance.now();
      const out = await next(args);
      const response = out.response as { body: Readable };
      const chunks: Buffer[] = [];
      for await (const chunk of response.body) chunks.push(chunk as Buffer);
      client.wire.push(performance.now() - began);
      response.body = Readable.from([Buffer.concat(chunks)]);
      return out;
    },
    { step: 'deserialize', priority: 'low', name: 'benchWireTime' },
  );
  return client;
}

/** PutMetricData of `batch` single-value datums per call from 4 clients for 5 s: datapoints per second. */
async function ingest(client: CloudWatchClient, batch = BATCH) {
  let call = 0;
  const result = await load(
    async () => {
      const host = `h${call++ % 50}`;
      const MetricData: MetricDatum[] = Array.from({ length: batch }, (_, i) => ({
        MetricName: `M${i % 20}`, Dimensions: [{ Name: 'Host', Value: host }, { Name: 'Shard', Value: String(i % 50) }], Value: i, Unit: 'Count',
      }));
      await client.send(new PutMetricDataCommand({ Namespace: 'Bench/Ingest', MetricData }));
    },
    { concurrency: 4, seconds: 5 },
  );
  return { ...result, datapointsPerSecond: result.perSecond * batch };
}

const dayMetric = (namespace: string, m: number) => ({ Namespace: namespace, MetricName: 'Load', Dimensions: [{ Name: 'Task', Value: `t${m}` }] });

/** 24 h of 1-minute data (to the last whole minute) for `metrics` metrics of `namespace`, `batch` datums a call: the day's start and end. */
async function loadDay(client: CloudWatchClient, namespace: string, metrics: number, batch = BATCH) {
  const end = Math.floor(Date.now() / 60_000) * 60_000;
  const start = end - DAY_MINUTES * 60_000;
  const began = performance.now();
  for (let m = 0; m < metrics; m++) {
    for (let from = 0; from < DAY_MINUTES; from += batch) {
      const MetricData = Array.from({ length: Math.min(batch, DAY_MINUTES - from) }, (_, i) => {
        const { Namespace: _ns, ...metric } = dayMetric(namespace, m);
        return { ...metric, Timestamp: new Date(start + (from + i) * 60_000), Value: (m + from + i) % 97 };
      });
      await client.send(new PutMetricDataCommand({ Namespace: namespace, MetricData }));
    }
  }
  return { start, end, seconds: (performance.now() - began) / 1000 };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

type TimedClient = CloudWatchClient & { wire: number[] };
interface QueryFigures {
  p50: number;
  server: number;
  client: number;
}

/**
 * GetMetricData of the day's `metrics` metrics (5-minute periods) through each client, its calls interleaved
 * (a round is one call through each, so that every protocol meets the same conditions): the first call apart
 * (it builds the hours' blocks), then up to 20 rounds (fewer past `budgetMs`, for a slow peer); per client,
 * the median ms of a call and of its server and client parts.
 */
async function queryDay<K extends string>(clients: Record<K, TimedClient>, namespace: string, metrics: number, day: { start: number; end: number }, budgetMs = Infinity) {
  const queries = Array.from({ length: metrics }, (_, m) => ({ Id: `m${m}`, MetricStat: { Metric: dayMetric(namespace, m), Period: 300, Stat: 'Average' } }));
  const query = async (client: TimedClient) => {
    const t = performance.now();
    const out = await client.send(new GetMetricDataCommand({ StartTime: new Date(day.start), EndTime: new Date(day.end), MetricDataQueries: queries }));
    return { ms: performance.now() - t, values: out.MetricDataResults!.reduce((n, r) => n + r.Values!.length, 0) };
  };
  const entries = Object.entries(clients) as [K, TimedClient][];
  const { ms: first, values } = await query(entries[0]![1]);
  for (const [, client] of entries) client.wire.length = 0;
  const totals = new Map<K, number[]>(entries.map(([name]) => [name, []]));
  const began = performance.now();
  for (let round = 0; round < 20 && (round < 1 || performance.now() - began < budgetMs); round++) {
    for (const [name, client] of entries) totals.get(name)!.push((await query(client)).ms);
  }
  const figures = Object.fromEntries(
    entries.map(([name, client]) => {
      const times = totals.get(name)!;
      return [name, { p50: median(times), server: median(client.wire), client: median(times.map((t, i) => t - client.wire[i]!)) }];
    }),
  ) as Record<K, QueryFigures>;
  return { first, values, ...figures };
}

/**
 * 24 h of a 100-task cluster (10 services of 10 tasks, 1 container each): ECS/ContainerInsights per task and per
 * container (6 metrics each, 1-minute) and AWS/ECS per service (CPU and memory, 10-second high resolution),
 * put minute by minute through the store, its retention run every simulated hour. The file's size at the end.
 */
async function storeSize() {
  const dir = tempDir('wharf-bench-metrics-');
  const path = join(dir, 'metrics.db');
  const store = new SqliteMetricStore(path);
  const partition = { accountId: '123456789012', region: 'us-east-1' };
  const start = Date.UTC(2026, 0, 1);
  const insights = ['CpuUtilized', 'MemoryUtilized', 'NetworkRxBytes', 'NetworkTxBytes', 'StorageReadBytes', 'StorageWriteBytes'];
  let datapoints = 0;
  for (let minute = 0; minute < DAY_MINUTES; minute++) {
    const at = start + minute * 60_000;
    const samples: MetricSample[] = [];
    const sample = (Namespace: string, MetricName: string, Dimensions: { Name: string; Value: string }[], timestamp: number, value: number, storageResolution: 1 | 60): MetricSample => ({
      metric: { Namespace, MetricName, Dimensions }, timestamp: new Date(timestamp), storageResolution,
      statistics: { SampleCount: 1, Sum: value, Minimum: value, Maximum: value }, values: [[value, 1]],
    });
    for (let task = 0; task < 100; task++) {
      const service = `svc${task % 10}`;
      const base = [{ Name: 'ClusterName', Value: 'bench' }, { Name: 'ServiceName', Value: service }];
      for (const name of insights) {
        const value = (task * 7 + minute) % 100;
        samples.push(sample('ECS/ContainerInsights', name, [...base, { Name: 'TaskId', Value: `task${task}` }], at, value, 60));
        samples.push(sample('ECS/ContainerInsights', name, [...base, { Name: 'TaskId', Value: `task${task}` }, { Name: 'ContainerName', Value: 'app' }], at, value, 60));
      }
    }
    for (let s = 0; s < 10; s++) {
      for (let tick = 0; tick < 6; tick++) {
        for (const name of ['CPUUtilization', 'MemoryUtilization']) {
          samples.push(sample('AWS/ECS', name, [{ Name: 'ClusterName', Value: 'bench' }, { Name: 'ServiceName', Value: `svc${s}` }], at + tick * 10_000, (s + tick + minute) % 100, 1));
        }
      }
    }
    await store.put(partition, samples);
    datapoints += samples.length;
    if (minute % 60 === 59) await store.age(new Date(at + 60_000));
  }
  await store.close();
  const bytes = ['', '-wal', '-shm'].reduce((n, suffix) => n + (statSync(`${path}${suffix}`, { throwIfNoEntry: false })?.size ?? 0), 0);
  return { datapoints, mib: bytes / 1024 / 1024 };
}

export async function cloudwatchBenchmark(): Promise<ReadmeRow[]> {
  const wharf = await benchWharf({ env: { WHARF_LOG_LEVEL: 'info' } });
  // Without moto the peer's column is empty, not the benchmark.
  const motoEndpoint = await startMoto().catch(() => 'http://127.0.0.1:1');
  const clients = (endpoint: string, credentials: { accessKeyId: string; secretAccessKey: string }) => {
    const options = { endpoint, region: 'us-east-1', credentials, maxAttempts: 1 };
    // The SDK (3.1178) over CBOR sends gzipped bodies with the uncompressed Content-Length: CBOR uncompressed.
    return {
      cbor: timedClient({ ...options, protocol: AwsSmithyRpcV2CborProtocol, disableRequestCompression: true }),
      // The SDK's default: awsJson, PutMetricData gzipped past 10 KiB.
      json: timedClient(options),
      query: timedClient({ ...options, protocol: AwsQueryProtocol, disableRequestCompression: true }),
    };
  };
  const ours = clients(wharf.endpoint, wharf.credentials);
  const moto = clients(motoEndpoint, { accessKeyId: 'test', secretAccessKey: 'test' });
  const failed = (error: Error) => ({ datapointsPerSecond: NaN, p50: NaN, errors: error.message });
  const noQuery = { first: NaN, values: 0, query: { p50: NaN, server: NaN, client: NaN } };

  const ingestJson = await ingest(ours.json);
  const ingestCbor = await ingest(ours.cbor);
  const ingestQuery = await ingest(ours.query);
  const motoIngestQuery = await ingest(moto.query).catch(failed);
  const ingestSmall = await ingest(ours.query, 40);
  const motoIngestSmall = await ingest(moto.query, 40).catch(failed);

  const day = await loadDay(ours.cbor, 'Bench/Day', METRICS);
  const dayQueries = await queryDay(ours, 'Bench/Day', METRICS, day);
  // The peer's size: moto loads at 40 datums a call, its fastest; Wharf the same day over the same protocol.
  const small = await loadDay(ours.cbor, 'Bench/Small', MOTO_METRICS);
  const smallQuery = await queryDay({ query: ours.query }, 'Bench/Small', MOTO_METRICS, small);
  const motoDay = await loadDay(moto.query, 'Bench/Small', MOTO_METRICS, 40).catch(() => undefined);
  const motoQuery = motoDay ? await queryDay({ query: moto.query }, 'Bench/Small', MOTO_METRICS, motoDay, 60_000).catch(() => noQuery) : noQuery;
  const size = await storeSize();

  const ratio = (w: number, m: number) => (Number.isFinite(w / m) ? (w / m).toFixed(1) : '');
  const ingestRow = (measure: string, w: { datapointsPerSecond: number }, m?: { datapointsPerSecond: number }) => ({
    measure, wharf: Math.round(w.datapointsPerSecond), moto: m ? Math.round(m.datapointsPerSecond) : 'n/a', ratio: m ? ratio(w.datapointsPerSecond, m.datapointsPerSecond) : '',
  });
  const split = (q: QueryFigures) => `${q.p50.toFixed(1)} (${q.server.toFixed(1)} + ${q.client.toFixed(1)})`;
  const queryRow = (protocol: string, q: QueryFigures) => ({ measure: `GetMetricData ${METRICS} metrics x 24 h, ${protocol}: p50 ms (server + client)`, wharf: split(q), moto: 'n/a', ratio: '' });
  table([
    ingestRow('PutMetricData datapoints/s, awsJson gzipped (SDK default; goal >= 20,000)', ingestJson),
    ingestRow('PutMetricData datapoints/s, rpc-v2-cbor', ingestCbor),
    ingestRow(`PutMetricData datapoints/s, query, ${BATCH} datums a call`, ingestQuery, motoIngestQuery),
    ingestRow('PutMetricData datapoints/s, query, 40 datums a call', ingestSmall, motoIngestSmall),
    queryRow('awsJson (SDK default; goal < 50)', dayQueries.json),
    queryRow('rpc-v2-cbor', dayQueries.cbor),
    queryRow('query', dayQueries.query),
    { measure: `GetMetricData ${METRICS} metrics x 24 h, first call ms (builds the blocks), rpc-v2-cbor`, wharf: dayQueries.first.toFixed(1), moto: 'n/a', ratio: '' },
    { measure: 'GetMetricData values returned', wharf: dayQueries.values, moto: 'n/a', ratio: '' },
    { measure: `load ${MOTO_METRICS} metrics x 24 h, s (moto: query, 40 datums a call)`, wharf: small.seconds.toFixed(1), moto: motoDay?.seconds.toFixed(1) ?? 'failed', ratio: motoDay ? ratio(motoDay.seconds, small.seconds) : '' },
    { measure: `GetMetricData ${MOTO_METRICS} metrics x 24 h, query: p50 ms (server + client)`, wharf: split(smallQuery.query), moto: split(motoQuery.query), ratio: ratio(motoQuery.query.p50, smallQuery.query.p50) },
    { measure: `GetMetricData ${MOTO_METRICS} metrics x 24 h, values returned`, wharf: smallQuery.values, moto: motoQuery.values, ratio: '' },
    { measure: `store after 24 h of a 100-task cluster (${size.datapoints.toLocaleString('en-US')} datapoints), MiB`, wharf: size.mib.toFixed(1), moto: 'n/a', ratio: '' },
  ]);
  for (const client of [...Object.values(ours), ...Object.values(moto)]) client.destroy();
  const rate = (r: { datapointsPerSecond: number }) => (Number.isFinite(r.datapointsPerSecond) ? fmt.n(r.datapointsPerSecond) : 'failed');
  const times = (w: number, m: number) => (ratio(w, m) ? `${ratio(w, m)}x` : '');
  return [
    { benchmark: 'CloudWatch PutMetricData ingest, awsJson gzipped (the SDK\'s default) / rpc-v2-cbor', wharf: `${rate(ingestJson)} / ${rate(ingestCbor)} datapoints/s`, peer: '', ratio: '', goal: '>= 20,000/s' },
    {
      benchmark: `CloudWatch PutMetricData ingest over query, ${fmt.n(BATCH)} / 40 datums a call`,
      wharf: `${rate(ingestQuery)} / ${rate(ingestSmall)} datapoints/s`,
      peer: `moto: ${rate(motoIngestQuery)} / ${rate(motoIngestSmall)}`,
      ratio: `${times(ingestQuery.datapointsPerSecond, motoIngestQuery.datapointsPerSecond)} / ${times(ingestSmall.datapointsPerSecond, motoIngestSmall.datapointsPerSecond)}`,
      goal: '',
    },
    { benchmark: `CloudWatch GetMetricData, ${METRICS} metrics x 24 h of 1-minute data, awsJson, p50 (server + client)`, wharf: `${split(dayQueries.json)} ms`, peer: '', ratio: '', goal: '< 50 ms' },
    {
      benchmark: `CloudWatch GetMetricData, ${MOTO_METRICS} metrics x 24 h, query, p50 (server + client)`,
      wharf: `${split(smallQuery.query)} ms`,
      peer: `moto: ${split(motoQuery.query)} ms`,
      ratio: times(motoQuery.query.p50, smallQuery.query.p50),
      goal: '',
    },
    { benchmark: `CloudWatch metric store after 24 h of a 100-task cluster (${fmt.n(size.datapoints)} datapoints)`, wharf: `${size.mib.toFixed(1)} MiB`, peer: '', ratio: '', goal: '' },
  ];
}
