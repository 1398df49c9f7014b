// API throughput: every call issue 16 names, signed, at concurrency 16, against Wharf and against moto's
// server (the peer), in the same run on the same data: reads (DescribeTasks of 10, ListTasks,
// DescribeServices of 10) and writes (RegisterTaskDefinition, RunTask of 10, CreateService, UpdateService,
// TagResource). Goal: at least 40x moto, p99 under 10 ms. Both sides place tasks on instances that run
// nothing (Wharf's hollow agents, moto's registered instances), so no container is started. Two load
// generators:
// - wrk (C, epoll) replaying SigV4-signed requests, which costs the load generator almost nothing: these rows
//   measure the servers' own capacity, each over 5 s after a second of warm-up; a row's CPU per call counts
//   what its calls set going until the server is idle again (at most 30 s). (A signature is valid for its
//   5-minute window; CreateService, which refuses a name in use, cycles through distinct pre-signed requests.)
// - @aws-sdk/client-ecs, as the issue names it for DescribeTasks. On this 2-core machine the SDK itself costs
//   about 1 ms of CPU per call, so it saturates before Wharf does: this row measures the client as much as
//   the server.
import { CreateClusterCommand, CreateServiceCommand, DescribeServicesCommand, DescribeTasksCommand, ECSClient, RegisterTaskDefinitionCommand, RunTaskCommand } from '@aws-sdk/client-ecs';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { testSigner } from '../src/protocol/test-signer.js';
import { cpuMs, hollowFleet } from './hollow-fleet.js';
import { benchWharf, benchmark, exec, load, requireTools, startMoto, table, tempDir } from './lib.js';
import { fmt, type ReadmeRow } from './readme-table.js';

/** What this benchmark needs besides Wharf, each with where it comes from. */
export const API_TOOLS = { wrk: 'npm run bench installs it; or apt-get install wrk', python3: 'with moto: pip install "moto[server]"' };

const CLUSTER = 'bench';
const CONTAINERS = [{ name: 'app', image: 'wharf-test/busybox:latest', memory: 16 }];
/** Distinct CreateService requests signed for one wrk run: more than either server answers in its 5 s. */
const CREATE_SERVICE_REQUESTS = 20_000;
/** Hollow instances big enough to place every task RunTask asks for during the run (nothing runs). */
const HOLLOW_INSTANCES = 4;
const HOLLOW_MEMORY_MIB = 64 * 1024 * 1024;

async function startEcsMoto() {
  const endpoint = await startMoto();
  // moto places tasks only on container instances backed by its own EC2 instances: set them up with boto3
  // (each takes 467 of these tasks; moto's RunTask rate fills fewer than that in the run).
  await exec('python3', ['-c', `
import boto3, json
kw = dict(endpoint_url='${endpoint}', region_name='us-east-1', aws_access_key_id='x', aws_secret_access_key='y')
ecs = boto3.client('ecs', **kw); ec2 = boto3.client('ec2', **kw)
ecs.create_cluster(clusterName='${CLUSTER}')
for instance in ec2.run_instances(ImageId='ami-12c6146b', MinCount=8, MaxCount=8)['Instances']:
    ecs.register_container_instance(cluster='${CLUSTER}', instanceIdentityDocument=json.dumps({'instanceId': instance['InstanceId']}))
`]);
  return { endpoint };
}

/**
 * WHARF_BENCH_API_OPS=CreateService,UpdateService: only the rows whose operation is named (an SDK row is
 * named as "DescribeTasks (SDK)"), e.g. to profile one operation with WHARF_BENCH_CPU_PROF.
 */
const only = process.env.WHARF_BENCH_API_OPS?.split(',').map((op) => op.trim());
const chosen = (row: string) => !only || only.includes(row) || (only.includes(row.split(' ')[0]!) && !row.endsWith('(SDK)'));

type Credentials = { accessKeyId: string; secretAccessKey: string };

async function measure(name: string, ecs: ECSClient, credentials: Credentials) {
  const cluster = CLUSTER;
  await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
  const { taskDefinition } = await ecs.send(new RegisterTaskDefinitionCommand({ family: 'bench', containerDefinitions: CONTAINERS }));
  const { tasks = [] } = await ecs.send(new RunTaskCommand({ cluster, taskDefinition: 'bench', count: 10 }));
  const taskArns = tasks.map((t) => t.taskArn!);
  const services = Array.from({ length: 10 }, (_, i) => `described-${i}`);
  for (const serviceName of services) await ecs.send(new CreateServiceCommand({ cluster, serviceName, taskDefinition: 'bench', desiredCount: 1 }));

  const sdk = {
    DescribeTasks: () => ecs.send(new DescribeTasksCommand({ cluster, tasks: taskArns })),
    DescribeServices: () => ecs.send(new DescribeServicesCommand({ cluster, services })),
  };
  const results: Record<string, Awaited<ReturnType<typeof load>>> = {};
  for (const [op, call] of Object.entries(sdk).filter(([op]) => chosen(`${op} (SDK)`))) {
    await load(call, { concurrency: 16, seconds: 1 }); // warm-up
    results[`${op} (SDK)`] = await load(call, { concurrency: 16, seconds: 5 });
  }

  // Reads first, then writes (RunTask adds tasks, CreateService services).
  const bodies: Record<string, (i: number) => unknown> = {
    DescribeTasks: () => ({ cluster, tasks: taskArns }),
    ListTasks: () => ({ cluster }),
    DescribeServices: () => ({ cluster, services }),
    RegisterTaskDefinition: () => ({ family: 'bench', containerDefinitions: CONTAINERS }),
    'RunTask (count 10)': () => ({ cluster, taskDefinition: 'bench', count: 10 }),
    CreateService: (i) => ({ cluster, serviceName: `created-${i}`, taskDefinition: 'bench', desiredCount: 0 }),
    UpdateService: () => ({ cluster, service: services[0], desiredCount: 1 }),
    TagResource: () => ({ resourceArn: taskDefinition!.taskDefinitionArn, tags: [{ key: 'team', value: 'bench' }] }),
  };
  const endpoint = await ecs.config.endpoint!();
  const url = `${endpoint.protocol}//${endpoint.hostname}:${endpoint.port}/`;
  const capacity: Record<string, WrkResult> = {};
  const dir = tempDir('wharf-bench-api-');
  for (const [op, body] of Object.entries(bodies).filter(([op]) => chosen(op))) {
    const operation = op.split(' ')[0]!;
    const count = operation === 'CreateService' ? CREATE_SERVICE_REQUESTS : 1;
    // A second of the same calls first (CreateService's with names of their own), so that what is measured
    // is the server's steady state, not its JIT compiling the operation's code.
    const requests = (from: number, n: number) => Array.from({ length: n }, (_, i) => JSON.stringify(body(from + i)));
    await wrk(url, credentials, operation, requests(count, Math.ceil(count / 5)), dir, 1);
    capacity[op] = await wrk(url, credentials, operation, requests(0, count), dir);
  }
  return { name, results, capacity, tasks: taskArns.length };
}

interface WrkResult {
  perSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  /** The server's CPU time per request (ms), when its process is known: what a loaded machine distorts least. */
  cpuMs?: number;
}

/** Waits until a process is close to idle (under 5% of a core over half a second), for at most 30 s. */
async function settled(pid: number): Promise<void> {
  for (let waited = 0, last = cpuMs(pid); waited < 30_000; waited += 500) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const now = cpuMs(pid);
    if (now - last < 25) return;
    last = now;
  }
}

/** The process listening on `url`'s port (Linux: ss). */
async function listenerPid(url: string): Promise<number> {
  const out = await exec('ss', ['-Hltnp', `sport = :${new URL(url).port}`]);
  return Number(/pid=(\d+)/.exec(out)?.[1]);
}

/**
 * wrk at concurrency 16 (two threads), for `seconds`, sending signed requests of `body` (one replayed, or several cycled
 * through, each thread taking every other one so no request is sent twice while they last); latencies in ms.
 */
export async function wrk(url: string, credentials: Credentials, operation: string, body: string | string[], dir = tempDir('wharf-bench-wrk-'), seconds = 5): Promise<WrkResult> {
  const bodies = typeof body === 'string' ? [body] : body;
  const { hostname, port } = new URL(url);
  const headers = {
    host: `${hostname}:${port}`,
    'content-type': 'application/x-amz-json-1.1',
    'x-amz-target': `AmazonEC2ContainerServiceV20141113.${operation}`,
  };
  const signer = testSigner(credentials);
  const requests: string[] = [];
  for (const text of bodies) {
    const signed = await signer.sign({ method: 'POST', protocol: 'http:', hostname, port: Number(port), path: '/', headers, body: text });
    const fields = Object.entries(signed.headers).filter(([k]) => k !== 'host').map(([k, v]) => `[ [==[${k}]==] ] = [==[${v}]==]`);
    requests.push(`wrk.format("POST", "/", { ${fields.join(', ')} }, [==[${text}]==])`);
  }
  const lua = [
    'local threads = 0',
    'function setup(thread) thread:set("first", threads); threads = threads + 1 end',
    'function init() requests = {',
    requests.join(',\n'),
    '} i = first end',
    'function request() local r = requests[i % #requests + 1]; i = i + 2; return r end',
  ].join('\n');
  const script = join(dir, `${operation}.lua`);
  writeFileSync(script, lua);
  const server = await listenerPid(url);
  const cpuBefore = cpuMs(server);
  const out = await exec('wrk', ['-t2', '-c16', `-d${seconds}s`, '--latency', '-s', script, url]);
  // What the calls set going (RunTask's tasks reporting, controllers) is theirs to count, not the next row's.
  await settled(server);
  const cpu = cpuMs(server) - cpuBefore;
  const ms = (text: string | undefined) => {
    const m = /([\d.]+)(us|ms|s)/.exec(text ?? '');
    return m ? Number(m[1]) * ({ us: 0.001, ms: 1, s: 1000 } as Record<string, number>)[m[2]!]! : NaN;
  };
  const sent = Number(/(\d+) requests in/.exec(out)?.[1]);
  return {
    cpuMs: cpu / sent,
    perSecond: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]),
    p50: ms(/50%\s+(\S+)/.exec(out)?.[1]),
    p99: ms(/99%\s+(\S+)/.exec(out)?.[1]),
    non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0),
  };
}

type Figures = { perSecond: number; p50: number; p99: number; cpuMs?: number };

/** One row per operation: Wharf's figures beside moto's, and the throughput ratio. */
function compare<T extends Figures>(wharf: Record<string, T>, moto: Record<string, T>, failures: (r: T) => number) {
  return Object.keys(wharf).map((op) => {
    const a = wharf[op]!;
    const b = moto[op]!;
    return {
      operation: op,
      'wharf req/s': Math.round(a.perSecond),
      'wharf p50 ms': a.p50,
      'wharf p99 ms (goal < 10)': a.p99,
      'moto req/s': Math.round(b.perSecond),
      'moto p99 ms': b.p99,
      'ratio (goal >= 40x)': `${(a.perSecond / b.perSecond).toFixed(1)}x`,
      ...(a.cpuMs !== undefined && b.cpuMs !== undefined && {
        'wharf CPU ms/call': a.cpuMs,
        'moto CPU ms/call': b.cpuMs,
        'CPU ratio': `${(b.cpuMs / a.cpuMs).toFixed(1)}x`,
      }),
      failures: `${failures(a)}/${failures(b)}`,
    };
  });
}

export async function apiBenchmark() {
  requireTools(API_TOOLS);
  // No drain at the end: nothing real runs (hollow agents), and the services would only replace what it stops.
  const wharf = await benchWharf({ env: { WHARF_LOG_LEVEL: 'info' } }, { drain: false }); // production's level
  const moto = await startEcsMoto();
  const client = (endpoint: string, credentials: Credentials) => new ECSClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
  const ecs = client(wharf.endpoint, wharf.credentials);
  await ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
  const fleet = await hollowFleet(wharf, CLUSTER, HOLLOW_INSTANCES, { memoryMiB: HOLLOW_MEMORY_MIB });
  try {
    const w = await measure('wharf', ecs, wharf.credentials);
    const motoCredentials = { accessKeyId: 'x', secretAccessKey: 'y' };
    const m = await measure('moto', client(moto.endpoint, motoCredentials), motoCredentials);
    const { loadavg } = await import('node:os');
    console.log(`\nServer capacity, concurrency 16, wrk sending signed requests (load average ${loadavg().map((l) => l.toFixed(1)).join(' ')})`);
    table(compare(w.capacity, m.capacity, (r) => r.non2xx));
    console.log(`\nThrough @aws-sdk/client-ecs, concurrency 16 (${w.tasks} tasks described in Wharf, ${m.tasks} in moto)`);
    table(compare(w.results, m.results, (r) => r.errors));
    return readmeRows(w, m);
  } finally {
    await fleet.stop();
  }
}

/** README rows: one per operation under wrk, then the SDK's. */
function readmeRows(wharf: Awaited<ReturnType<typeof measure>>, moto: Awaited<ReturnType<typeof measure>>): ReadmeRow[] {
  const cpu = (r: WrkResult) => (r.cpuMs === undefined ? '' : `; ${r.cpuMs.toFixed(2)} ms CPU`);
  const capacity = Object.entries(wharf.capacity).map(([op, w]) => {
    const m = moto.capacity[op]!;
    return {
      benchmark: `API capacity (wrk, signed, concurrency 16), ${op.replace('(count 10)', 'of 10').replace(/^Describe\w+$/, '$& of 10')}`,
      wharf: `${fmt.n(w.perSecond)} req/s, p99 ${fmt.ms(w.p99)}${cpu(w)} per call`,
      peer: `moto: ${fmt.n(m.perSecond)} req/s${cpu(m)}`,
      ratio: `${fmt.x(w.perSecond / m.perSecond, 1)}${w.cpuMs && m.cpuMs ? ` (CPU ${fmt.x(m.cpuMs / w.cpuMs, 1)})` : ''}`,
      goal: '>= 40x, p99 < 10 ms',
    };
  });
  const ops = Object.keys(wharf.results);
  const each = (results: typeof wharf.results, f: (r: Awaited<ReturnType<typeof load>>) => string) => ops.map((op) => f(results[op]!)).join(' / ');
  return [
    ...capacity,
    {
      benchmark: `API through \`@aws-sdk/client-ecs\`, concurrency 16, ${ops.map((op) => op.replace(' (SDK)', '')).join(' / ')}`,
      wharf: `${each(wharf.results, (r) => fmt.n(r.perSecond))} req/s`,
      peer: `moto: ${each(moto.results, (r) => fmt.n(r.perSecond))} req/s`,
      ratio: ops.map((op) => fmt.x(wharf.results[op]!.perSecond / moto.results[op]!.perSecond, 1)).join(' / '),
      goal: 'client-bound: the SDK costs ~1 ms CPU per call here',
    },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) await benchmark(apiBenchmark);
