// Log ingest (issue 11): a busybox task writing 10,000 lines a second through the awslogs driver, every line
// checked in GetLogEvents (goal: nothing lost, the rate kept); then the API's own ingest, PutLogEvents of
// 1,000-event batches from 4 clients, against moto's server (the peer) in the same run, as a ratio.
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  GetLogEventsCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { DescribeTasksCommand, RegisterTaskDefinitionCommand, RunTaskCommand } from '@aws-sdk/client-ecs';
import { benchWharf, benchmark, load, startMoto, table } from './lib.js';
import { fmt, type ReadmeRow } from './readme-table.js';

export const LOGS_TOOLS = { python3: 'with moto: pip install "moto[server]"' };

const IMAGE = 'wharf-test/busybox:latest';
const RATE = 10_000;
const SECONDS = 10;
const BATCH = 1_000;

/** PutLogEvents of `BATCH` events per call from 4 clients for 5 s: events per second. */
async function apiIngest(client: CloudWatchLogsClient) {
  const logGroupName = '/bench/api';
  await client.send(new CreateLogGroupCommand({ logGroupName }));
  let streams = 0;
  const message = 'GET /index.html 200 1534 "Mozilla/5.0 (X11; Linux x86_64)" 0.004';
  const result = await load(
    async () => {
      const logStreamName = `s-${streams++}`;
      await client.send(new CreateLogStreamCommand({ logGroupName, logStreamName }));
      const now = Date.now();
      await client.send(new PutLogEventsCommand({ logGroupName, logStreamName, logEvents: Array.from({ length: BATCH }, (_, i) => ({ timestamp: now, message: `${i} ${message}` })) }));
    },
    { concurrency: 4, seconds: 5 },
  );
  return { ...result, eventsPerSecond: result.perSecond * BATCH };
}

export async function logsBenchmark(): Promise<ReadmeRow[]> {
  const wharf = await benchWharf({ env: { WHARF_LOG_LEVEL: 'info' } });
  const ecs = wharf.ecs();
  const logs = new CloudWatchLogsClient({ endpoint: wharf.endpoint, region: 'us-east-1', credentials: wharf.credentials });

  // 1. One container writing RATE lines in each of SECONDS seconds (paced by the clock's seconds).
  await logs.send(new CreateLogGroupCommand({ logGroupName: '/bench/task' }));
  const total = RATE * SECONDS;
  await ecs.send(new RegisterTaskDefinitionCommand({
    family: 'bench-logs',
    containerDefinitions: [{
      name: 'writer',
      image: IMAGE,
      memory: 64,
      command: ['sh', '-c', `start=$(date +%s); i=0; while [ $i -lt ${SECONDS} ]; do seq $((i*${RATE}+1)) $(((i+1)*${RATE})); i=$((i+1)); while [ $(date +%s) -lt $((start+i)) ]; do usleep 10000; done; done`],
      logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/bench/task', 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': 'bench' } },
    }],
  }));
  const started = performance.now();
  const { tasks: [task] = [], failures } = await ecs.send(new RunTaskCommand({ taskDefinition: 'bench-logs' }));
  if (!task) throw new Error(`RunTask failed: ${JSON.stringify(failures)}`);
  let stoppedAt = 0;
  for (;;) {
    const { tasks: [seen] = [] } = await ecs.send(new DescribeTasksCommand({ tasks: [task.taskArn!] }));
    if (seen?.lastStatus === 'STOPPED') {
      stoppedAt = performance.now();
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const logStreamName = `bench/writer/${task.taskArn!.split('/').at(-1)}`;
  const messages: string[] = [];
  let first = Infinity;
  let lastWritten = 0;
  let last = 0;
  for (let nextToken: string | undefined; ; ) {
    const out = await logs.send(new GetLogEventsCommand({ logGroupName: '/bench/task', logStreamName, startFromHead: true, nextToken }));
    for (const e of out.events ?? []) {
      messages.push(e.message!);
      first = Math.min(first, e.timestamp!);
      lastWritten = Math.max(lastWritten, e.timestamp!);
      last = Math.max(last, e.ingestionTime!);
    }
    if (out.nextForwardToken === nextToken) break;
    nextToken = out.nextForwardToken;
  }
  const inOrder = messages.every((m, i) => m === String(i + 1));
  const lost = total - messages.length;

  // 2. The API's ingest, Wharf and moto.
  const wharfApi = await apiIngest(logs);
  const motoEndpoint = await startMoto();
  const moto = new CloudWatchLogsClient({ endpoint: motoEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  const motoApi = await apiIngest(moto);
  logs.destroy();
  moto.destroy();
  ecs.destroy();

  console.log(`\nLog ingest: one container writing ${RATE} lines/s for ${SECONDS} s through awslogs`);
  table([
    { measure: 'lines written', value: total },
    { measure: 'lines in GetLogEvents at STOPPED', value: messages.length },
    { measure: 'lost (goal 0)', value: lost },
    { measure: 'in order', value: inOrder ? 'yes' : 'NO' },
    // The lag says whether ingest kept up with the writer.
    { measure: 'lines/s written (first to last line)', value: Math.round(messages.length / Math.max(0.001, (lastWritten - first) / 1000)) },
    { measure: 'lines/s ingested (first line to last ingestion)', value: Math.round(messages.length / Math.max(0.001, (last - first) / 1000)) },
    { measure: 'last line written -> ingested, ms', value: last - lastWritten },
    { measure: 'RunTask -> STOPPED with every line sent, s', value: (stoppedAt - started) / 1000 },
  ]);
  console.log('\nPutLogEvents ingest, 1,000-event batches, 4 clients, 5 s');
  table([
    { server: 'wharf', 'events/s': Math.round(wharfApi.eventsPerSecond), 'p50 ms': wharfApi.p50, 'p99 ms': wharfApi.p99, errors: wharfApi.errors },
    { server: 'moto', 'events/s': Math.round(motoApi.eventsPerSecond), 'p50 ms': motoApi.p50, 'p99 ms': motoApi.p99, errors: motoApi.errors },
    { server: 'ratio wharf/moto', 'events/s': `${(wharfApi.eventsPerSecond / motoApi.eventsPerSecond).toFixed(1)}x`, 'p50 ms': '', 'p99 ms': '', errors: '' },
  ]);
  if (lost !== 0 || !inOrder) throw new Error(`log ingest lost ${lost} lines (in order: ${inOrder})`);
  return [
    {
      benchmark: `awslogs: one container writing ${fmt.n(RATE)} lines/s for ${SECONDS} s, every line read back; last line written -> ingested`,
      wharf: `none lost, in order; ${fmt.n(messages.length / Math.max(0.001, (last - first) / 1000))} lines/s ingested; ${fmt.n(last - lastWritten)} ms`,
      peer: '',
      ratio: '',
      goal: 'nothing lost, the rate kept',
    },
    {
      benchmark: `PutLogEvents ingest, ${fmt.n(BATCH)}-event batches, 4 clients`,
      wharf: `${fmt.n(wharfApi.eventsPerSecond)} events/s, p99 ${fmt.ms(wharfApi.p99)}`,
      peer: `moto: ${fmt.n(motoApi.eventsPerSecond)} events/s`,
      ratio: fmt.x(wharfApi.eventsPerSecond / motoApi.eventsPerSecond, 1),
      goal: '',
    },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) await benchmark(logsBenchmark);
