// Issue 9's flood: unsigned 10 MiB malformed bodies (nested JSON for ECS, a form of one endless parameter name
// for the query services) from 16 connections at once, a bounded count of them, while one signed caller
// measures DescribeTasks and hollow agents keep their channels. Goal: DescribeTasks p99 under 50 ms during
// the flood, and every agent still connected after it. The flood runs in a worker thread, so its own work
// does not delay the measuring caller's event loop.
import { CreateClusterCommand, DescribeContainerInstancesCommand, DescribeTasksCommand, ListContainerInstancesCommand, type ECSClient } from '@aws-sdk/client-ecs';
import { Worker } from 'node:worker_threads';
import { hollowFleet } from './hollow-fleet.js';
import { load, percentile, table } from './lib.js';
import { fmt, type ReadmeRow } from './readme-table.js';
import { startWharf } from '../test/wharf-process.js';

const FLOOD_BODY_BYTES = 10 * 1024 * 1024;

// Sends `count` unsigned bodies from `concurrency` connections at a time (each its own connection, as a flood
// would), alternating JSON and form; reports how the server answered them.
const FLOOD = `
const { request } = require('node:http');
const { parentPort, workerData: { endpoint, count, concurrency, bytes } } = require('node:worker_threads');
const half = bytes / 2;
const bodies = [
  { headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonEC2ContainerServiceV20141113.DescribeTasks' }, body: Buffer.from('['.repeat(half) + ']'.repeat(half)) },
  { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: Buffer.from('Action=ListUsers&Version=2010-05-08&' + '.'.repeat(bytes - 40) + '=x') },
];
const answers = {};
let next = 0;
const one = (i) => new Promise((resolve) => {
  const { headers, body } = bodies[i % 2];
  let answered = false;
  const req = request(endpoint + '/', { method: 'POST', agent: false, headers: { ...headers, 'content-length': body.length } }, (res) => {
    answered = true;
    answers[res.statusCode] = (answers[res.statusCode] || 0) + 1;
    res.resume().on('end', resolve).on('error', resolve);
  });
  // The server answers before the body is sent and closes: the rest of the write fails, which is no answer.
  req.on('error', (error) => { if (!answered) answers[error.code] = (answers[error.code] || 0) + 1; resolve(); });
  req.end(body);
});
const worker = async () => { while (next < count) await one(next++); };
const started = performance.now();
Promise.all(Array.from({ length: concurrency }, worker)).then(() => parentPort.postMessage({ answers, seconds: (performance.now() - started) / 1000 }));
`;

export async function floodBenchmark({ count = 400, concurrency = 16, agents = 10 } = {}): Promise<ReadmeRow[]> {
  const wharf = await startWharf({ env: { WHARF_LOG_LEVEL: 'warn' } });
  const ecs = wharf.ecs();
  const cluster = 'flood';
  await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
  const fleet = await hollowFleet(wharf, cluster, agents);
  try {
    const describe = () => ecs.send(new DescribeTasksCommand({ cluster, tasks: ['0123456789abcdef0123456789abcdef'] }));
    await load(describe, { concurrency: 1, seconds: 1 });
    const quietCpuBefore = await cpuMs(wharf.pid());
    const quiet = await load(describe, { concurrency: 1, seconds: 3 });
    const quietCpu = (await cpuMs(wharf.pid())) - quietCpuBefore;

    const cpuBefore = await cpuMs(wharf.pid());
    const flood = new Worker(FLOOD, { eval: true, workerData: { endpoint: wharf.endpoint, count, concurrency, bytes: FLOOD_BODY_BYTES } });
    const flooded = new Promise<{ answers: Record<string, number>; seconds: number }>((resolve, reject) => flood.once('message', resolve).once('error', reject));
    let done = false;
    void flooded.then(() => (done = true));
    // Measured for as long as the flood lasts (bounded: at most a minute).
    const latencies: number[] = [];
    let errors = 0;
    const deadline = performance.now() + 60_000;
    while (!done && performance.now() < deadline) {
      const started = performance.now();
      try {
        await describe();
        latencies.push(performance.now() - started);
      } catch {
        errors++;
      }
    }
    const { answers, seconds } = await flooded;
    const cpu = (await cpuMs(wharf.pid())) - cpuBefore;
    await flood.terminate();
    latencies.sort((a, b) => a - b);
    const during = { requests: latencies.length, errors, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
    const stillConnected = await connected(ecs, cluster);

    console.log(`\nDescribeTasks (signed, one caller) while ${count} unsigned ${FLOOD_BODY_BYTES / 1024 / 1024} MiB malformed bodies arrive from ${concurrency} connections`);
    table([
      { phase: 'quiet', calls: quiet.requests, errors: quiet.errors, 'p50 ms': round(quiet.p50), 'p99 ms': round(quiet.p99), goal: '' },
      { phase: 'flood', calls: during.requests, errors: during.errors, 'p50 ms': round(during.p50), 'p99 ms': round(during.p99), goal: 'p99 < 50 ms' },
    ]);
    const answered = Object.entries(answers).map(([status, n]) => `${status}: ${n}`).join(', ');
    console.log(`flood: ${count} bodies in ${seconds.toFixed(1)} s (${Math.round(count / seconds)}/s, ${Math.round((count * FLOOD_BODY_BYTES) / seconds / 1024 / 1024)} MiB/s offered); answers ${answered}`);
    // The server's own CPU, which the machine's other load does not inflate (the measuring caller's calls included).
    console.log(
      `server CPU: ${Math.round(quietCpu / quiet.seconds)} ms/s quiet, ${Math.round(cpu / seconds)} ms/s during the flood ` +
        `(${((cpu - (quietCpu / quiet.seconds) * seconds) / count).toFixed(2)} ms per body beyond the quiet rate)`,
    );
    console.log(`agents connected after the flood: ${stillConnected} of ${agents} (goal: all)`);
    return [{
      benchmark: `flood of unsigned ${FLOOD_BODY_BYTES / 1024 / 1024} MiB malformed bodies, ${concurrency} connections: a signed DescribeTasks p99 during it; agents still connected`,
      wharf: `p99 ${fmt.ms(during.p99)} (quiet ${fmt.ms(quiet.p99)}); ${((cpu - (quietCpu / quiet.seconds) * seconds) / count).toFixed(1)} ms CPU per body; ${stillConnected} of ${agents} agents`,
      peer: '',
      ratio: '',
      goal: 'p99 < 50 ms; all agents',
    }];
  } finally {
    await fleet.stop();
    await wharf.stop('SIGKILL');
  }
}

/** A process's user and system CPU time so far, in ms (Linux: clock ticks of 10 ms in /proc/<pid>/stat). */
async function cpuMs(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const round = (ms: number) => Math.round(ms * 10) / 10;

async function connected(ecs: ECSClient, cluster: string): Promise<number> {
  const { containerInstanceArns = [] } = await ecs.send(new ListContainerInstancesCommand({ cluster, maxResults: 100 }));
  if (containerInstanceArns.length === 0) return 0;
  const { containerInstances = [] } = await ecs.send(new DescribeContainerInstancesCommand({ cluster, containerInstances: containerInstanceArns }));
  return containerInstances.filter((instance) => instance.agentConnected).length;
}

if (import.meta.url === `file://${process.argv[1]}`) await floodBenchmark();
