// Load balancers: Wharf's ALB and NLB beside the same route served directly, by a hand-written HAProxy
// configuration and by nginx, all with wrk on loopback against one backend; and the time from a service
// task becoming RUNNING to its target serving traffic.
//
// The backend is an HAProxy answering every request itself (`http-request return`): the fastest backend on
// hand, so the proxies in front of it are what is measured. Goals (issue 4): Wharf's ALB at least 0.95x the
// hand-written HAProxy's throughput with under 1 ms of added p99 latency, the same for the NLB in TCP mode,
// and a task's target serving within 1 s plus the health-check interval of its task becoming RUNNING.
import {
  CreateServiceCommand,
  DeleteServiceCommand,
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  ListContainerInstancesCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  ModifyTargetGroupAttributesCommand,
  RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually, freePort, openSecurityGroup, type WharfProcess } from '../test/wharf-process.js';
import { benchWharf, benchmark, exec, requireTools, startProcess, table, tempDir } from './lib.js';
import { fmt, type ReadmeRow } from './readme-table.js';

interface WrkResult {
  perSecond: number;
  p50: number;
  p99: number;
  errors: number;
}

const SECONDS = 4;
const CONNECTIONS = 16;
const ROUNDS = 3;

/** What this benchmark needs besides Wharf (`npm run bench` installs them), each with where it comes from. */
export const LB_TOOLS = {
  haproxy: 'node scripts/setup.mjs installs it',
  wrk: 'npm run bench installs it; or apt-get install wrk',
  nginx: 'npm run bench installs it; or apt-get install nginx',
};

export async function lbBenchmark(): Promise<ReadmeRow[]> {
  requireTools(LB_TOOLS);
  const dir = tempDir('wharf-bench-lb-');
  const backendPort = await freePort();
  haproxy(dir, 'backend', backendConfig(backendPort));
  await until(() => reachable(backendPort));

  const handPort = await freePort();
  const handTcpPort = await freePort();
  haproxy(dir, 'hand', handConfig(handPort, handTcpPort, backendPort));
  const nginxPort = await freePort();
  nginx(dir, nginxPort, backendPort);

  const wharf = await benchWharf();
  const elb = new ElasticLoadBalancingV2Client({ endpoint: wharf.endpoint, region: 'us-east-1', credentials: wharf.credentials });
  const instanceId = await localInstanceId(wharf);
  const albPort = await freePort();
  const nlbPort = await freePort();
  await loadBalancer(wharf, elb, 'bench-alb', 'application', 'HTTP', albPort, instanceId, backendPort);
  await loadBalancer(wharf, elb, 'bench-nlb', 'network', 'TCP', nlbPort, instanceId, backendPort);
  for (const port of [handPort, handTcpPort, albPort, nlbPort, nginxPort]) await until(() => reachable(port));

  // Rounds interleave the routes, and each figure is the median of its rounds: on a small shared machine a
  // single run of one route says more about its neighbours than about it.
  const routes: { name: string; port: number; peer?: string }[] = [
    { name: 'direct to the backend', port: backendPort },
    { name: 'hand-written HAProxy (http)', port: handPort, peer: 'hand-written HAProxy (http)' },
    { name: 'nginx (http)', port: nginxPort, peer: 'hand-written HAProxy (http)' },
    { name: "Wharf's ALB", port: albPort, peer: 'hand-written HAProxy (http)' },
    { name: 'hand-written HAProxy (tcp)', port: handTcpPort, peer: 'hand-written HAProxy (tcp)' },
    { name: "Wharf's NLB", port: nlbPort, peer: 'hand-written HAProxy (tcp)' },
  ];
  const runs = new Map<string, WrkResult[]>(routes.map((r) => [r.name, []]));
  for (let round = 0; round < ROUNDS; round++) for (const r of routes) runs.get(r.name)!.push(await wrk(r.port));
  const result = new Map([...runs].map(([name, rs]) => [name, medianOf(rs)]));
  const direct = result.get('direct to the backend')!;
  const rows = routes.map(({ name, peer }) => {
    const r = result.get(name)!;
    return {
      route: name,
      'req/s': Math.round(r.perSecond),
      'p50 ms': r.p50,
      'p99 ms': r.p99,
      'added p50 ms': name === routes[0]!.name ? '' : r.p50 - direct.p50,
      'added p99 ms': name === routes[0]!.name ? '' : r.p99 - direct.p99,
      'x hand HAProxy': peer ? r.perSecond / result.get(peer)!.perSecond : '',
      errors: r.errors,
    };
  });
  console.log(`\nLoad balancers: wrk -t2 -c${CONNECTIONS} -d${SECONDS}s on loopback, one backend, median of ${ROUNDS} interleaved rounds (goal: ALB/NLB >= 0.95x hand HAProxy, added p99 < 1 ms)`);
  table(rows);

  const toServe = await runningToServing(wharf, elb);
  console.log(`\nTask RUNNING -> its target serving: ${toServe.ms.toFixed(0)} ms (health check every ${toServe.intervalSeconds} s, ${toServe.threshold} passes to be healthy; goal < 1 s + the interval)`);
  const vs = (name: string) => result.get(name)!.perSecond / result.get(routes.find((r) => r.name === name)!.peer!)!.perSecond;
  return [
    {
      benchmark: `ALB / NLB throughput (wrk, ${CONNECTIONS} connections, median of ${ROUNDS} interleaved rounds)`,
      wharf: `${fmt.n(result.get("Wharf's ALB")!.perSecond)} / ${fmt.n(result.get("Wharf's NLB")!.perSecond)} req/s`,
      peer: `hand-written HAProxy; nginx ${fmt.x(vs('nginx (http)'))} HAProxy`,
      ratio: `${fmt.x(vs("Wharf's ALB"))} / ${fmt.x(vs("Wharf's NLB"))}`,
      goal: '>= 0.95x',
    },
    { benchmark: `task RUNNING -> target serving (${toServe.intervalSeconds} s health interval)`, wharf: `${(toServe.ms / 1000).toFixed(2)} s`, peer: '', ratio: '', goal: '< 1 s + interval' },
  ];
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

function medianOf(runs: WrkResult[]): WrkResult {
  return {
    perSecond: median(runs.map((r) => r.perSecond)),
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    errors: runs.reduce((n, r) => n + r.errors, 0),
  };
}

function haproxy(dir: string, name: string, config: string): ChildProcess {
  const file = join(dir, `${name}.cfg`);
  writeFileSync(file, config);
  return startProcess('haproxy', ['-db', '-f', file]);
}

const DEFAULTS = ['defaults', '  timeout connect 5s', '  timeout client 60s', '  timeout server 60s'];

const backendConfig = (port: number) =>
  ['global', ...DEFAULTS, '  mode http', 'frontend backend', `  bind 127.0.0.1:${port}`, '  http-request return status 200 content-type text/plain string "ok"'].join('\n') + '\n';

/** The same routes written by hand: what an operator would configure for one backend. */
const handConfig = (port: number, tcpPort: number, backend: number) =>
  [
    'global',
    ...DEFAULTS,
    'frontend http',
    '  mode http',
    `  bind 127.0.0.1:${port}`,
    '  default_backend app',
    'backend app',
    '  mode http',
    `  server s1 127.0.0.1:${backend}`,
    'frontend tcp',
    '  mode tcp',
    `  bind 127.0.0.1:${tcpPort}`,
    '  default_backend app_tcp',
    'backend app_tcp',
    '  mode tcp',
    `  server s1 127.0.0.1:${backend}`,
  ].join('\n') + '\n';

function nginx(dir: string, port: number, backend: number): ChildProcess {
  const file = join(dir, 'nginx.conf');
  writeFileSync(
    file,
    `worker_processes auto; daemon off; pid ${join(dir, 'nginx.pid')}; error_log ${join(dir, 'nginx-error.log')};
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}; proxy_temp_path ${dir}; fastcgi_temp_path ${dir}; uwsgi_temp_path ${dir}; scgi_temp_path ${dir};
  upstream app { server 127.0.0.1:${backend}; keepalive 64; }
  server { listen 127.0.0.1:${port}; location / { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection ""; } }
}
`,
  );
  return startProcess('nginx', ['-c', file, '-p', dir]);
}

async function wrk(port: number): Promise<WrkResult> {
  const out = await exec('wrk', ['-t2', `-c${CONNECTIONS}`, `-d${SECONDS}s`, '--latency', `http://127.0.0.1:${port}/`]);
  const ms = (label: string) => {
    const m = new RegExp(`${label}\\s+([\\d.]+)(us|ms|s)`).exec(out);
    if (!m) return NaN;
    return Number(m[1]) * (m[2] === 'us' ? 0.001 : m[2] === 's' ? 1000 : 1);
  };
  const errors = /Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? /Socket errors: .*/.exec(out)?.[0] ?? 0;
  return { perSecond: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]), p50: ms('50%'), p99: ms('99%'), errors: Number(errors) || 0 };
}

async function reachable(port: number): Promise<boolean> {
  return fetch(`http://127.0.0.1:${port}/`).then((r) => r.ok, () => false);
}

async function until(probe: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  await eventually(async () => ((await probe()) ? true : undefined), 'the route to serve', timeoutMs);
}

async function localInstanceId(wharf: WharfProcess): Promise<string> {
  const ecs = wharf.ecs();
  const { containerInstanceArns = [] } = await ecs.send(new ListContainerInstancesCommand({}));
  const { containerInstances = [] } = await ecs.send(new DescribeContainerInstancesCommand({ containerInstances: containerInstanceArns }));
  return containerInstances[0]!.ec2InstanceId!;
}

/** A load balancer whose listener forwards to one target group holding the backend. */
async function loadBalancer(
  wharf: WharfProcess,
  elb: ElasticLoadBalancingV2Client,
  name: string,
  type: 'application' | 'network',
  protocol: 'HTTP' | 'TCP',
  port: number,
  instanceId: string,
  backendPort: number,
) {
  const groups = type === 'application' ? { SecurityGroups: [await openSecurityGroup(wharf, name)] } : {};
  const { LoadBalancers } = await elb.send(new CreateLoadBalancerCommand({ Name: name, Type: type, ...groups }));
  const { TargetGroups } = await elb.send(new CreateTargetGroupCommand({ Name: name, Protocol: protocol, Port: backendPort, HealthCheckIntervalSeconds: 5, HealthCheckTimeoutSeconds: 2, HealthyThresholdCount: 2 }));
  const tg = TargetGroups![0]!.TargetGroupArn!;
  await elb.send(new CreateListenerCommand({ LoadBalancerArn: LoadBalancers![0]!.LoadBalancerArn, Port: port, Protocol: protocol, DefaultActions: [{ Type: 'forward', TargetGroupArn: tg }] }));
  await elb.send(new RegisterTargetsCommand({ TargetGroupArn: tg, Targets: [{ Id: instanceId, Port: backendPort }] }));
  await eventually(async () => {
    const { TargetHealthDescriptions = [] } = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg }));
    return TargetHealthDescriptions[0]?.TargetHealth?.State === 'healthy' ? true : undefined;
  }, `${name} target healthy`, 60_000);
}

/** A one-task service behind a new ALB: from its task's startedAt (RUNNING) to the first request it answers. */
async function runningToServing(wharf: WharfProcess, elb: ElasticLoadBalancingV2Client): Promise<{ ms: number; intervalSeconds: number; threshold: number }> {
  const intervalSeconds = 5;
  const threshold = 2;
  const ecs = wharf.ecs();
  const port = await freePort();
  const { LoadBalancers } = await elb.send(new CreateLoadBalancerCommand({ Name: 'bench-start', Type: 'application', SecurityGroups: [await openSecurityGroup(wharf, 'bench-start')] }));
  const { TargetGroups } = await elb.send(
    new CreateTargetGroupCommand({ Name: 'bench-start', Protocol: 'HTTP', Port: 80, HealthCheckIntervalSeconds: intervalSeconds, HealthCheckTimeoutSeconds: 2, HealthyThresholdCount: threshold }),
  );
  const tg = TargetGroups![0]!.TargetGroupArn!;
  await elb.send(new ModifyTargetGroupAttributesCommand({ TargetGroupArn: tg, Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '0' }] }));
  await elb.send(new CreateListenerCommand({ LoadBalancerArn: LoadBalancers![0]!.LoadBalancerArn, Port: port, DefaultActions: [{ Type: 'forward', TargetGroupArn: tg }] }));
  const { taskDefinition } = await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'bench-start',
      containerDefinitions: [{ name: 'web', image: 'wharf-test/busybox:latest', memory: 32, portMappings: [{ containerPort: 80, hostPort: 0 }], command: ['sh', '-c', 'mkdir -p /www && echo up > /www/index.html && exec httpd -f -p 80 -h /www'] }],
    }),
  );
  await ecs.send(new CreateServiceCommand({ serviceName: 'bench-start', taskDefinition: taskDefinition!.taskDefinitionArn, desiredCount: 1, loadBalancers: [{ targetGroupArn: tg, containerName: 'web', containerPort: 80 }] }));
  const served = await eventually(async () => ((await fetch(`http://127.0.0.1:${port}/`).then((r) => r.ok, () => false)) ? Date.now() : undefined), 'the task to serve', 120_000);
  const { taskArns = [] } = await ecs.send(new ListTasksCommand({ serviceName: 'bench-start' }));
  const { tasks = [] } = await ecs.send(new DescribeTasksCommand({ tasks: taskArns }));
  await ecs.send(new DeleteServiceCommand({ service: 'bench-start', force: true }));
  return { ms: served - new Date(tasks[0]!.startedAt!).getTime(), intervalSeconds, threshold };
}

if (import.meta.url === `file://${process.argv[1]}`) await benchmark(lbBenchmark);
