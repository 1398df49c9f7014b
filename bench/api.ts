// API throughput: signed DescribeTasks, ListTasks and RegisterTaskDefinition at concurrency 16, against Wharf
// and against moto's server (the peer), in the same run on the same data (one task definition, ten tasks).
// Goal (issue 16): at least 40x moto, p99 under 10 ms. Two load generators:
// - @aws-sdk/client-ecs, as the issue names it. On this 2-core machine the SDK itself costs about 1 ms of
//   CPU per call, so it saturates before Wharf does: this row measures the client as much as the server.
// - wrk (C, epoll) replaying the same SigV4-signed request, which costs the load generator almost nothing:
//   this row measures the servers' own capacity. (A replayed signature is valid for its 5-minute window.)
import { DescribeTasksCommand, ECSClient, ListTasksCommand, RegisterTaskDefinitionCommand, RunTaskCommand, CreateClusterCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { testSigner } from '../src/protocol/test-signer.js';
import { benchWharf, benchmark, exec, load, requireTools, startMoto, table, tempDir } from './lib.js';

/** What this benchmark needs besides Wharf, each with where it comes from. */
export const API_TOOLS = { wrk: 'npm run bench installs it; or apt-get install wrk', python3: 'with moto: pip install "moto[server]"' };

const CONTAINERS = [{ name: 'app', image: 'wharf-test/busybox:latest', memory: 16, command: ['sh', '-c', "trap 'exit 143' TERM; sleep 600 & wait"] }];

async function startEcsMoto() {
  const endpoint = await startMoto();
  // moto places tasks only on container instances backed by its own EC2 instances: set them up with boto3.
  await exec('python3', ['-c', `
import boto3, json
kw = dict(endpoint_url='${endpoint}', region_name='us-east-1', aws_access_key_id='x', aws_secret_access_key='y')
ecs = boto3.client('ecs', **kw); ec2 = boto3.client('ec2', **kw)
ecs.create_cluster(clusterName='bench')
iid = ec2.run_instances(ImageId='ami-12c6146b', MinCount=1, MaxCount=1)['Instances'][0]['InstanceId']
ecs.register_container_instance(cluster='bench', instanceIdentityDocument=json.dumps({'instanceId': iid}))
`]);
  return { endpoint };
}

async function measure(name: string, ecs: ECSClient, cluster: string) {
  await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
  await ecs.send(new RegisterTaskDefinitionCommand({ family: 'bench', containerDefinitions: CONTAINERS }));
  const { tasks = [] } = await ecs.send(new RunTaskCommand({ cluster, taskDefinition: 'bench', count: 10 }));
  const taskArns = tasks.map((t) => t.taskArn!);
  const calls = {
    DescribeTasks: () => ecs.send(new DescribeTasksCommand({ cluster, tasks: taskArns })),
    ListTasks: () => ecs.send(new ListTasksCommand({ cluster })),
    RegisterTaskDefinition: () => ecs.send(new RegisterTaskDefinitionCommand({ family: 'bench', containerDefinitions: CONTAINERS })),
  };
  const results: Record<string, Awaited<ReturnType<typeof load>>> = {};
  for (const [op, call] of Object.entries(calls)) {
    await load(call, { concurrency: 16, seconds: 1 }); // warm-up
    results[op] = await load(call, { concurrency: 16, seconds: 5 });
  }
  const bodies: Record<string, unknown> = {
    DescribeTasks: { cluster, tasks: taskArns },
    ListTasks: { cluster },
    RegisterTaskDefinition: { family: 'bench', containerDefinitions: CONTAINERS },
  };
  const credentials = await ecs.config.credentials();
  const endpoint = await ecs.config.endpoint!();
  const url = `${endpoint.protocol}//${endpoint.hostname}:${endpoint.port}/`;
  const capacity: Record<string, WrkResult> = {};
  const dir = tempDir('wharf-bench-api-');
  for (const [op, body] of Object.entries(bodies)) capacity[op] = await wrk(url, credentials, op, JSON.stringify(body), dir);
  await Promise.all(taskArns.map((task) => ecs.send(new StopTaskCommand({ cluster, task })).catch(() => undefined)));
  return { name, results, capacity, tasks: taskArns.length };
}

interface WrkResult {
  perSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
}

/** wrk at concurrency 16 replaying one signed request; latencies in ms. */
export async function wrk(url: string, credentials: { accessKeyId: string; secretAccessKey: string }, operation: string, body: string, dir = tempDir('wharf-bench-wrk-')): Promise<WrkResult> {
  const { hostname, port } = new URL(url);
  const headers = {
    host: `${hostname}:${port}`,
    'content-type': 'application/x-amz-json-1.1',
    'x-amz-target': `AmazonEC2ContainerServiceV20141113.${operation}`,
  };
  const signed = await testSigner(credentials).sign({ method: 'POST', protocol: 'http:', hostname, port: Number(port), path: '/', headers, body });
  const lua = [
    'wrk.method = "POST"',
    `wrk.body = [==[${body}]==]`,
    ...Object.entries(signed.headers).filter(([k]) => k !== 'host').map(([k, v]) => `wrk.headers["${k}"] = [==[${v}]==]`),
  ].join('\n');
  const script = join(dir, `${operation}.lua`);
  writeFileSync(script, lua);
  const out = await exec('wrk', ['-t2', '-c16', '-d5s', '--latency', '-s', script, url]);
  const ms = (text: string | undefined) => {
    const m = /([\d.]+)(us|ms|s)/.exec(text ?? '');
    return m ? Number(m[1]) * ({ us: 0.001, ms: 1, s: 1000 } as Record<string, number>)[m[2]!]! : NaN;
  };
  return {
    perSecond: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]),
    p50: ms(/50%\s+(\S+)/.exec(out)?.[1]),
    p99: ms(/99%\s+(\S+)/.exec(out)?.[1]),
    non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0),
  };
}

type Figures = { perSecond: number; p50: number; p99: number };

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
      failures: `${failures(a)}/${failures(b)}`,
    };
  });
}

export async function apiBenchmark() {
  requireTools(API_TOOLS);
  const wharf = await benchWharf({ env: { WHARF_LOG_LEVEL: 'info' } }); // production's level
  const moto = await startEcsMoto();
  const client = (endpoint: string, credentials: { accessKeyId: string; secretAccessKey: string }) =>
    new ECSClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
  // Wharf's local agent serves `default`; moto's instance was registered to `bench` above.
  const w = await measure('wharf', client(wharf.endpoint, wharf.credentials), 'default');
  const m = await measure('moto', client(moto.endpoint, { accessKeyId: 'x', secretAccessKey: 'y' }), 'bench');
  console.log(`\nAPI throughput, concurrency 16, signed @aws-sdk/client-ecs calls (${w.tasks} tasks in Wharf, ${m.tasks} in moto)`);
  table(compare(w.results, m.results, (r) => r.errors));
  console.log('\nServer capacity, concurrency 16, wrk replaying one signed request');
  table(compare(w.capacity, m.capacity, (r) => r.non2xx));
}

if (import.meta.url === `file://${process.argv[1]}`) await benchmark(apiBenchmark);
