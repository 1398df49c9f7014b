// CloudWatch (issue 11): PutMetricData ingest (goal at least 20,000 datapoints/s) over awsJson (beside moto),
// rpc-v2-cbor and gzipped awsJson (the SDK's default; moto takes neither), GetMetricData over 24 h of 1-minute data for 100 metrics (goal
// under 50 ms; the first call, which builds the hours' blocks, apart), each against moto's server (the peer)
// in the same run;
// and the metric store's size after 24 h of a 100-task cluster's metrics (Container Insights per task and
// container, AWS/ECS per service at 10 s), written through the SqliteMetricStore with its retention run
// hourly as the controller runs it (moto keeps nothing on disk: no peer for that one).
import { CloudWatchClient, GetMetricDataCommand, PutMetricDataCommand, type MetricDatum } from '@aws-sdk/client-cloudwatch';
import { AwsSmithyRpcV2CborProtocol } from '@aws-sdk/core/protocols';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { MetricSample } from '../src/core/cloudwatch.js';
import { SqliteMetricStore } from '../src/store/sqlite/metric-store.js';
import { benchWharf, load, startMoto, table, tempDir } from './lib.js';

export const CLOUDWATCH_TOOLS = { python3: 'with moto: pip install "moto[server]"' };

const BATCH = 1_000;
const METRICS = 100;
const DAY_MINUTES = 1_440;

/** PutMetricData of BATCH single-value datums per call from 4 clients for 5 s: datapoints per second. */
async function ingest(client: CloudWatchClient) {
  let call = 0;
  const result = await load(
    async () => {
      const host = `h${call++ % 50}`;
      const MetricData: MetricDatum[] = Array.from({ length: BATCH }, (_, i) => ({
        MetricName: `M${i % 20}`, Dimensions: [{ Name: 'Host', Value: host }, { Name: 'Shard', Value: String(i % 50) }], Value: i, Unit: 'Count',
      }));
      await client.send(new PutMetricDataCommand({ Namespace: 'Bench/Ingest', MetricData }));
    },
    { concurrency: 4, seconds: 5 },
  );
  return { ...result, datapointsPerSecond: result.perSecond * BATCH };
}

/**
 * 24 h of 1-minute data for METRICS metrics, then GetMetricData of all of them (5-minute periods): ms per call,
 * the first apart, the median of up to 20 more (fewer past `budgetMs`, for a slow peer).
 */
async function queryDay(client: CloudWatchClient, budgetMs = Infinity) {
  const end = Math.floor(Date.now() / 60_000) * 60_000;
  const start = end - DAY_MINUTES * 60_000;
  const metric = (m: number) => ({ Namespace: 'Bench/Day', MetricName: 'Load', Dimensions: [{ Name: 'Task', Value: `t${m}` }] });
  for (let m = 0; m < METRICS; m++) {
    for (let from = 0; from < DAY_MINUTES; from += BATCH) {
      const MetricData = Array.from({ length: Math.min(BATCH, DAY_MINUTES - from) }, (_, i) => ({ ...metric(m), Timestamp: new Date(start + (from + i) * 60_000), Value: (m + from + i) % 97 }));
      await client.send(new PutMetricDataCommand({ Namespace: 'Bench/Day', MetricData: MetricData.map(({ Namespace: _ns, ...d }) => d) }));
    }
  }
  const queries = Array.from({ length: METRICS }, (_, m) => ({ Id: `m${m}`, MetricStat: { Metric: metric(m), Period: 300, Stat: 'Average' } }));
  const times: number[] = [];
  let values = 0;
  const began = performance.now();
  for (let i = 0; i < 21 && (i < 3 || performance.now() - began < budgetMs); i++) {
    const t = performance.now();
    const out = await client.send(new GetMetricDataCommand({ StartTime: new Date(start), EndTime: new Date(end), MetricDataQueries: queries }));
    times.push(performance.now() - t);
    values = out.MetricDataResults!.reduce((n, r) => n + r.Values!.length, 0);
  }
  const [first, ...rest] = times;
  rest.sort((a, b) => a - b);
  return { first: first!, p50: rest[Math.floor(rest.length / 2)]!, values };
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

export async function cloudwatchBenchmark() {
  const wharf = await benchWharf({ env: { WHARF_LOG_LEVEL: 'info' } });
  // Without moto the peer's column is empty, not the benchmark.
  const motoEndpoint = await startMoto().catch(() => 'http://127.0.0.1:1');
  const clients = (endpoint: string, credentials: { accessKeyId: string; secretAccessKey: string }) => {
    const options = { endpoint, region: 'us-east-1', credentials, maxAttempts: 1 };
    // The SDK (3.1178) over CBOR sends gzipped bodies with the uncompressed Content-Length: CBOR uncompressed.
    // moto takes neither CBOR nor gzipped bodies: the peer's figures are over plain awsJson.
    return {
      cbor: new CloudWatchClient({ ...options, protocol: AwsSmithyRpcV2CborProtocol, disableRequestCompression: true }),
      json: new CloudWatchClient({ ...options, disableRequestCompression: true }),
      gzip: new CloudWatchClient(options),
    };
  };
  const ours = clients(wharf.endpoint, wharf.credentials);
  const moto = clients(motoEndpoint, { accessKeyId: 'test', secretAccessKey: 'test' });
  const failed = (error: Error) => ({ datapointsPerSecond: NaN, p50: NaN, errors: error.message });

  const wharfCbor = await ingest(ours.cbor);
  const wharfJson = await ingest(ours.json);
  const motoJson = await ingest(moto.json).catch(failed);
  const wharfGzip = await ingest(ours.gzip);
  const wharfQuery = await queryDay(ours.json);
  const motoQuery = await queryDay(moto.json, 60_000).catch(() => ({ first: NaN, p50: NaN, values: 0 }));
  const size = await storeSize();
  const ingestRow = (measure: string, w: { datapointsPerSecond: number }, m: { datapointsPerSecond: number }) => ({
    measure, wharf: Math.round(w.datapointsPerSecond), moto: Math.round(m.datapointsPerSecond), ratio: (w.datapointsPerSecond / m.datapointsPerSecond).toFixed(1),
  });
  const none = { datapointsPerSecond: NaN };
  table([
    ingestRow('PutMetricData datapoints/s, awsJson (goal >= 20,000)', wharfJson, motoJson),
    ingestRow('PutMetricData datapoints/s, rpc-v2-cbor (moto: no CBOR)', wharfCbor, none),
    ingestRow('PutMetricData datapoints/s, awsJson gzipped (moto: no gzip)', wharfGzip, none),
    { measure: 'PutMetricData p50 ms (1,000 datums, awsJson)', wharf: wharfJson.p50.toFixed(1), moto: motoJson.p50.toFixed(1), ratio: '' },
    { measure: `GetMetricData 24 h x ${METRICS} metrics p50 ms (goal < 50)`, wharf: wharfQuery.p50.toFixed(1), moto: motoQuery.p50.toFixed(1), ratio: (motoQuery.p50 / wharfQuery.p50).toFixed(1) },
    { measure: 'GetMetricData first call ms (builds the blocks)', wharf: wharfQuery.first.toFixed(1), moto: motoQuery.first.toFixed(1), ratio: '' },
    { measure: 'GetMetricData values returned', wharf: wharfQuery.values, moto: motoQuery.values, ratio: '' },
    { measure: `store after 24 h of a 100-task cluster (${size.datapoints.toLocaleString('en-US')} datapoints), MiB`, wharf: size.mib.toFixed(1), moto: 'n/a', ratio: '' },
  ]);
  for (const client of [...Object.values(ours), ...Object.values(moto)]) client.destroy();
  return { wharfCbor, wharfJson, motoJson, wharfGzip, wharfQuery, motoQuery, size };
}
