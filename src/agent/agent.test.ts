// The agent end to end against real Docker, with a stand-in control plane: an HTTP server answering the
// four ECS calls the agent makes (awsJson1_1) and the agent channel at AGENT_CHANNEL_PATH. Every container
// and volume carries this run's cluster label and is removed at the end.
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ContainerDefinition, TaskDefinition } from '@aws-sdk/client-ecs';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import Docker from 'dockerode';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  AGENT_CHANNEL_PATH,
  CLOSE_DEREGISTERED,
  CLOSE_UNKNOWN_INSTANCE,
  type AgentMessage,
  type TaskAssignment,
} from '../core/agent-protocol.js';
import type { Logger } from '../core/ports.js';
import { DockerRuntime } from '../runtime/docker/docker-runtime.js';
import { startAgent, type AgentHandle, type AgentOptions } from './agent.js';
import { LABELS } from './container-config.js';

const IMAGE = 'wharf-test/busybox:latest';
const REGION = 'us-east-1';
const ACCOUNT = '000000000000';
const credentials = { accessKeyId: 'AKIDWHARFTEST', secretAccessKey: 'wharf-test-secret' };
const run = randomBytes(4).toString('hex');
const cluster = `wharf-test-${run}`;
const clusterArn = `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/${cluster}`;
const docker = new Docker();
const runtime = new DockerRuntime();

const quiet: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => quiet,
};
const log: Logger = process.env.WHARF_TEST_LOG
  ? {
      debug: () => {},
      info: (msg, fields) => console.log(msg, fields ?? ''),
      warn: (msg, fields) => console.log('WARN', msg, fields ?? ''),
      error: (msg, fields) => console.log('ERROR', msg, fields ?? ''),
      child: () => log,
    }
  : quiet;

async function until<T>(fn: () => T | undefined | Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 600; i++) {
    const value = await fn();
    if (value !== undefined && value !== false) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

interface Call {
  op: string;
  input: any;
}

/** Rebuilds the canonical request from what arrived and checks the agent's SigV4 signature of it. */
async function signatureValid(req: IncomingMessage): Promise<boolean> {
  const auth = req.headers.authorization ?? '';
  const signedHeaders = /SignedHeaders=([^,]+)/.exec(auth)?.[1]?.split(';') ?? [];
  const amzDate = String(req.headers['x-amz-date'] ?? '');
  const url = new URL(req.url!, `http://${req.headers.host}`);
  const signer = new SignatureV4({ service: 'ecs', region: REGION, credentials, sha256: Sha256 });
  const signed = await signer.sign(
    {
      method: 'GET',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: Object.fromEntries(signedHeaders.map((h) => [h, String(req.headers[h])])),
    },
    { signingDate: new Date(amzDate.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z')) },
  );
  return signedHeaders.includes('host') && signed.headers.authorization === auth;
}

/** A stand-in for the control plane: just enough ECS and the agent channel. */
class FakeControlPlane {
  readonly calls: Call[] = [];
  readonly messages: AgentMessage[] = [];
  readonly connections: { url: URL; signatureValid: boolean }[] = [];
  private readonly sockets = new Set<WebSocket>();
  private readonly server: Server;
  private readonly wss: WebSocketServer;
  private lastTasks: TaskAssignment[] = [];
  /** Set once the instance is gone: every connection is closed with it. */
  private closeCode?: number;
  endpoint = '';

  constructor() {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        const op = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
        const input = JSON.parse(body || '{}');
        this.calls.push({ op, input });
        const out = this.answer(op, input);
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(out));
      });
    });
    this.wss = new WebSocketServer({ server: this.server, path: AGENT_CHANNEL_PATH });
    this.wss.on('connection', (ws, req) => {
      const connection = { url: new URL(req.url!, 'http://x'), signatureValid: false };
      this.connections.push(connection);
      if (this.closeCode) return ws.close(this.closeCode, 'container instance gone');
      void signatureValid(req).then((valid) => (connection.signatureValid = valid));
      this.sockets.add(ws);
      ws.on('close', () => this.sockets.delete(ws));
      ws.on('message', (data) => this.messages.push(JSON.parse(data.toString())));
      ws.send(JSON.stringify({ type: 'tasks', tasks: this.lastTasks }));
    });
  }

  private answer(op: string, input: any): unknown {
    switch (op) {
      case 'RegisterContainerInstance': {
        const containerInstanceArn =
          input.containerInstanceArn ??
          `arn:aws:ecs:${REGION}:${ACCOUNT}:container-instance/${cluster}/${randomBytes(16).toString('hex')}`;
        return { containerInstance: { containerInstanceArn, status: 'ACTIVE', agentConnected: false } };
      }
      case 'DiscoverPollEndpoint':
        return { endpoint: this.endpoint, telemetryEndpoint: this.endpoint };
      default:
        return { acknowledgment: 'ACK' };
    }
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.endpoint = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Makes `tasks` the desired set: whole to every later connection, and what changed to the open ones (as the control plane pushes). */
  assign(tasks: TaskAssignment[]): void {
    const before = new Map(this.lastTasks.map((t) => [t.taskArn, JSON.stringify(t)]));
    const changed = tasks.filter((t) => before.get(t.taskArn) !== JSON.stringify(t));
    const removed = [...before.keys()].filter((arn) => !tasks.some((t) => t.taskArn === arn));
    this.lastTasks = tasks;
    for (const ws of this.sockets) ws.send(JSON.stringify({ type: 'taskChanges', tasks: changed, removed }));
  }

  connected(): boolean {
    return this.sockets.size > 0;
  }

  /** The instance is gone (4410: deregistered, 4404: unknown): closes the channel with `code`, now and from then on. */
  instanceGone(code: number): void {
    this.closeCode = code;
    for (const ws of this.sockets) ws.close(code, 'container instance gone');
  }

  taskChanges(taskArn: string, status?: string): any[] {
    return this.calls
      .filter((c) => c.op === 'SubmitTaskStateChange' && c.input.task === taskArn && (!status || c.input.status === status))
      .map((c) => c.input);
  }

  containerReports(taskArn: string, containerName: string): any[] {
    return this.calls.flatMap((c) => {
      if (c.input.task !== taskArn) return [];
      if (c.op === 'SubmitContainerStateChange' && c.input.containerName === containerName) return [c.input];
      if (c.op === 'SubmitTaskStateChange') return (c.input.containers ?? []).filter((x: any) => x.containerName === containerName);
      return [];
    });
  }

  async close(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    this.wss.close();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

const fakes: FakeControlPlane[] = [];
const agents: AgentHandle[] = [];
const dirs: string[] = [];

async function setup(extra: Partial<AgentOptions> = {}, fake?: FakeControlPlane, dataDir?: string) {
  if (!fake) {
    fake = new FakeControlPlane();
    await fake.listen();
    fakes.push(fake);
  }
  if (!dataDir) {
    dataDir = await mkdtemp(join(tmpdir(), 'wharf-agent-test-'));
    dirs.push(dataDir);
  }
  const agent = await startAgent({
    endpoint: fake.endpoint,
    cluster,
    region: REGION,
    credentials,
    dataDir,
    runtime,
    log,
    cleanupWaitMs: 60_000,
    ...extra,
  });
  agents.push(agent);
  await until(() => fake.connected(), 'the agent channel');
  return { fake, agent, dataDir };
}

let taskSeq = 0;
function assignment(defs: ContainerDefinition[], extra: Partial<TaskDefinition> = {}): TaskAssignment {
  const id = randomBytes(16).toString('hex');
  const family = `wharf-test-${run}-${++taskSeq}`;
  return {
    taskArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task/${cluster}/${id}`,
    clusterArn,
    desiredStatus: 'RUNNING',
    taskDefinitionArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${family}:1`,
    taskDefinition: { family, revision: 1, networkMode: 'bridge', containerDefinitions: defs, ...extra },
    containerArns: {},
  };
}

const taskContainers = (taskArn: string) =>
  docker.listContainers({ all: true, filters: { label: [`${LABELS.taskArn}=${taskArn}`] } });

before(async () => {
  assert.ok(await runtime.hasImage(IMAGE), `${IMAGE} must exist (scripts/test-images.sh)`);
});

afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.stop()));
  await Promise.all(fakes.splice(0).map((f) => f.close()));
});

after(async () => {
  for (const c of await runtime.listContainers({ [LABELS.cluster]: cluster })) await runtime.removeContainer(c.id);
  for (const v of await runtime.listVolumes({ [LABELS.cluster]: cluster })) await runtime.removeVolume(v);
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('agent', () => {
  it('registers its host, discovers the endpoint and opens a signed channel', async () => {
    const { fake, agent } = await setup({ attributes: { stack: 'blue' } });
    const register = fake.calls.find((c) => c.op === 'RegisterContainerInstance')!.input;
    const info = await runtime.info();
    assert.equal(register.cluster, cluster);
    assert.equal(register.containerInstanceArn, undefined);
    const resource = (name: string) => register.totalResources.find((r: any) => r.name === name);
    assert.equal(resource('CPU').integerValue, info.cpus * 1024);
    assert.ok(resource('MEMORY').integerValue < info.memoryBytes / 1024 / 1024);
    assert.deepEqual(resource('PORTS').stringSetValue, ['22', '2375', '2376', '51678', '51679']);
    assert.equal(register.versionInfo.dockerVersion, `DockerVersion: ${info.version}`);
    const doc = JSON.parse(register.instanceIdentityDocument);
    assert.equal(doc.instanceId, agent.ec2InstanceId);
    assert.match(doc.instanceId, /^i-[0-9a-f]{17}$/);
    assert.equal(doc.availabilityZone, 'us-east-1a');
    assert.ok(register.attributes.some((a: any) => a.name === 'stack' && a.value === 'blue'));

    assert.equal(agent.clusterArn, clusterArn);
    assert.ok(fake.calls.some((c) => c.op === 'DiscoverPollEndpoint' && c.input.containerInstance === agent.containerInstanceArn));
    const [connection] = fake.connections;
    assert.equal(connection!.url.pathname, AGENT_CHANNEL_PATH);
    assert.equal(connection!.url.searchParams.get('cluster'), clusterArn);
    assert.equal(connection!.url.searchParams.get('containerInstance'), agent.containerInstanceArn);
    await until(() => connection!.signatureValid, 'a valid SigV4 signature on the upgrade');
  });

  it('runs a task, reports it RUNNING with its port bindings, and stops it when asked', async () => {
    const { fake, agent } = await setup({ cleanupWaitMs: 100 });
    const task = assignment([
      {
        name: 'web',
        image: IMAGE,
        command: ['httpd', '-f', '-p', '8080', '-h', '/var/www'],
        portMappings: [{ containerPort: 8080, hostPort: 0, protocol: 'tcp' }],
        memory: 64,
        environment: [{ name: 'GREETING', value: 'hello' }],
        dockerLabels: { team: 'wharf' },
        stopTimeout: 1,
      },
    ]);
    fake.assign([task]);

    const running = await until(() => fake.taskChanges(task.taskArn, 'RUNNING')[0], 'RUNNING');
    assert.equal(running.cluster, clusterArn);
    const [web] = running.containers;
    assert.equal(web.containerName, 'web');
    assert.equal(web.status, 'RUNNING');
    const binding = web.networkBindings.find((b: any) => b.containerPort === 8080);
    assert.ok(binding.hostPort > 0);
    assert.equal(binding.protocol, 'tcp');

    const [summary] = await taskContainers(task.taskArn);
    assert.equal(summary!.Id, web.runtimeId);
    const inspected = await docker.getContainer(web.runtimeId).inspect();
    assert.match(inspected.Name, new RegExp(`^/ecs-${task.taskDefinition.family}-1-web-[0-9a-f]{20}$`));
    assert.equal(inspected.Config.Labels[LABELS.containerName], 'web');
    assert.equal(inspected.Config.Labels[LABELS.containerInstanceArn], agent.containerInstanceArn);
    assert.equal(inspected.Config.Labels.team, 'wharf');
    assert.equal(inspected.HostConfig.Memory, 64 * 1024 * 1024);
    assert.ok(inspected.Config.Env.includes('GREETING=hello'));
    assert.ok(inspected.Config.Env.includes('AWS_EXECUTION_ENV=AWS_ECS_EC2'));
    const page = await until(
      () => fetch(`http://127.0.0.1:${binding.hostPort}/`).then((r) => r.text()).catch(() => undefined),
      'httpd',
    );
    assert.equal(page.trim(), 'wharf');

    fake.assign([{ ...task, desiredStatus: 'STOPPED' }]);
    const stopped = await until(() => fake.taskChanges(task.taskArn, 'STOPPED')[0], 'STOPPED');
    const stoppedWeb = stopped.containers.find((c: any) => c.containerName === 'web') ??
      fake.containerReports(task.taskArn, 'web').find((c) => c.status === 'STOPPED');
    assert.equal(stoppedWeb.status, 'STOPPED');
    assert.equal(typeof stoppedWeb.exitCode, 'number');
    assert.ok(stopped.executionStoppedAt);

    // Cleanup removes the stopped task's containers.
    await until(async () => ((await taskContainers(task.taskArn)).length === 0 ? true : undefined), 'cleanup');
  });

  it('creates and starts a ready container straight away: no image check, no inspect without ports', async () => {
    const calls: string[] = [];
    const counting = new Proxy(runtime, {
      get: (target, key: keyof DockerRuntime) => {
        const value = target[key];
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          calls.push(key);
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    const { fake } = await setup({ runtime: counting });
    const task = assignment([{ name: 'app', image: IMAGE, command: ['sleep', '300'], stopTimeout: 1 }]);
    calls.length = 0;
    fake.assign([task]);
    await until(() => fake.taskChanges(task.taskArn, 'RUNNING')[0], 'RUNNING');
    // The first assignment also has the agent sweep what an earlier run left (its listings run beside the start).
    assert.deepEqual(calls.filter((c) => c !== 'listContainers' && c !== 'listNetworks'), ['createContainer', 'startContainer']);
  });

  it('stops the whole task when an essential container exits', async () => {
    const { fake } = await setup();
    const task = assignment([
      { name: 'main', image: IMAGE, command: ['sh', '-c', 'sleep 0.5; exit 3'] },
      { name: 'sidecar', image: IMAGE, essential: false, command: ['sleep', '300'], stopTimeout: 1 },
    ]);
    fake.assign([task]);
    const stopped = await until(() => fake.taskChanges(task.taskArn, 'STOPPED')[0], 'STOPPED');
    assert.equal(stopped.reason, 'Essential container in task exited');
    const main = fake.containerReports(task.taskArn, 'main').find((c) => c.status === 'STOPPED');
    assert.equal(main.exitCode, 3);
    const sidecar = fake.containerReports(task.taskArn, 'sidecar').find((c) => c.status === 'STOPPED');
    assert.equal(sidecar.exitCode, 137);
  });

  it('lets a non-essential container exit without stopping the task', async () => {
    const { fake } = await setup();
    const task = assignment([
      { name: 'main', image: IMAGE, command: ['sleep', '300'], stopTimeout: 1 },
      { name: 'once', image: IMAGE, essential: false, command: ['sh', '-c', 'exit 4'] },
    ]);
    fake.assign([task]);
    const once = await until(
      () => fake.containerReports(task.taskArn, 'once').find((c) => c.status === 'STOPPED'),
      'the non-essential exit',
    );
    assert.equal(once.exitCode, 4);
    assert.equal(fake.taskChanges(task.taskArn, 'STOPPED').length, 0);
    assert.ok((await taskContainers(task.taskArn)).some((c) => c.State === 'running'));
  });

  it('fails a task whose image cannot be pulled', async () => {
    const { fake } = await setup();
    const task = assignment([{ name: 'app', image: `localhost:1/wharf-absent-${run}:latest` }]);
    fake.assign([task]);
    const stopped = await until(() => fake.taskChanges(task.taskArn, 'STOPPED')[0], 'STOPPED');
    assert.match(stopped.reason, /^CannotPullContainerError: /);
    assert.match(stopped.containers[0].reason, /^CannotPullContainerError: /);
    assert.equal(fake.taskChanges(task.taskArn, 'RUNNING').length, 0);
    assert.equal((await taskContainers(task.taskArn)).length, 0);
  });

  it('refuses a task its settings do not allow, before any container is made: privileged, SELinux, host paths', async () => {
    const { fake } = await setup({ security: { privileged: false, selinux: false, apparmor: false, allowedHostPaths: ['/srv/wharf-allowed'] } });
    const privileged = assignment([{ name: 'app', image: IMAGE, command: ['sleep', '30'], privileged: true }]);
    const selinux = assignment([{ name: 'app', image: IMAGE, command: ['sleep', '30'], dockerSecurityOptions: ['label:type:container_t'] }]);
    const hostPath = assignment([{ name: 'app', image: IMAGE, command: ['sleep', '30'], mountPoints: [{ sourceVolume: 'etc', containerPath: '/host' }] }], {
      volumes: [{ name: 'etc', host: { sourcePath: '/etc' } }],
    });
    fake.assign([privileged, selinux, hostPath]);
    const reasons = await Promise.all(
      [privileged, selinux, hostPath].map((t) => until(() => fake.taskChanges(t.taskArn, 'STOPPED')[0]?.reason, 'STOPPED')),
    );
    assert.match(reasons[0], /^CannotCreateContainerError: container app is privileged, and this container instance does not allow privileged containers$/);
    assert.match(reasons[1], /^CannotCreateContainerError: .*not SELinux-capable$/);
    assert.match(reasons[2], /^CannotCreateContainerError: volume etc's host path \/etc is outside the host paths this container instance allows \(\/srv\/wharf-allowed\)$/);
    for (const t of [privileged, selinux, hostPath]) {
      assert.equal(fake.taskChanges(t.taskArn, 'RUNNING').length, 0);
      assert.equal((await taskContainers(t.taskArn)).length, 0);
    }
    const register = fake.calls.find((c) => c.op === 'RegisterContainerInstance')!.input;
    assert.ok(!register.attributes.some((a: any) => a.name === 'com.amazonaws.ecs.capability.privileged-container'));
  });

  it('starts containers in dependsOn order and shares a task-scoped volume', async () => {
    const { fake } = await setup({ cleanupWaitMs: 100 });
    const task = assignment(
      [
        {
          name: 'init',
          image: IMAGE,
          essential: false,
          command: ['sh', '-c', 'echo ready > /data/flag'],
          mountPoints: [{ sourceVolume: 'scratch', containerPath: '/data' }],
        },
        {
          name: 'app',
          image: IMAGE,
          // Exits 0 only if init ran first and the volume is shared.
          command: ['sh', '-c', 'test "$(cat /data/flag)" = ready'],
          dependsOn: [{ containerName: 'init', condition: 'SUCCESS' }],
          mountPoints: [{ sourceVolume: 'scratch', containerPath: '/data' }],
        },
      ],
      { volumes: [{ name: 'scratch', host: {} }] },
    );
    fake.assign([task]);
    const stopped = await until(() => fake.taskChanges(task.taskArn, 'STOPPED')[0], 'STOPPED');
    assert.equal(stopped.reason, 'Essential container in task exited');
    assert.equal(fake.containerReports(task.taskArn, 'init').find((c) => c.status === 'STOPPED').exitCode, 0);
    assert.equal(fake.containerReports(task.taskArn, 'app').find((c) => c.status === 'STOPPED').exitCode, 0);
    // Cleanup removes the task's volume with its containers.
    await until(
      async () => ((await runtime.listVolumes({ [LABELS.taskArn]: task.taskArn })).length === 0 ? true : undefined),
      'volume cleanup',
    );
  });

  it('reports container health over the channel', async () => {
    const { fake } = await setup();
    const task = assignment([
      {
        name: 'app',
        image: IMAGE,
        command: ['sleep', '300'],
        stopTimeout: 1,
        healthCheck: { command: ['CMD-SHELL', 'true'], interval: 1, timeout: 2, retries: 1 },
      },
    ]);
    fake.assign([task]);
    const health = await until(
      () => fake.messages.flatMap((m) => (m.type === 'health' ? m.health : [])).find((h) => h.taskArn === task.taskArn),
      'a health report',
    );
    assert.deepEqual(health, { taskArn: task.taskArn, containerName: 'app', healthStatus: 'HEALTHY' });
  });

  it('re-adopts its containers after a restart, without duplicates, and stops what is no longer assigned', async () => {
    const first = await setup({ cleanupWaitMs: 60_000 });
    const task = assignment([{ name: 'app', image: IMAGE, command: ['sleep', '300'], stopTimeout: 1 }]);
    first.fake.assign([task]);
    const running = await until(() => first.fake.taskChanges(task.taskArn, 'RUNNING')[0], 'RUNNING');
    const runtimeId = running.containers[0].runtimeId;
    await agents.pop()!.stop();
    assert.equal((await docker.getContainer(runtimeId).inspect()).State.Running, true, 'the agent leaves containers running');

    const callsBefore = first.fake.calls.length;
    const second = await setup({}, first.fake, first.dataDir);
    const reregister = first.fake.calls.slice(callsBefore).find((c) => c.op === 'RegisterContainerInstance')!.input;
    assert.equal(reregister.containerInstanceArn, first.agent.containerInstanceArn);
    assert.equal(second.agent.containerInstanceArn, first.agent.containerInstanceArn);

    // The same assignment arrives again: the running container is adopted and reported, not duplicated.
    await until(() => first.fake.taskChanges(task.taskArn, 'RUNNING')[1], 'RUNNING reported again');
    const containers = await taskContainers(task.taskArn);
    assert.deepEqual(containers.map((c) => c.Id), [runtimeId]);

    // The control plane no longer lists it: the agent stops it.
    first.fake.assign([]);
    await until(() => first.fake.taskChanges(task.taskArn, 'STOPPED')[0], 'STOPPED');
    assert.equal((await docker.getContainer(runtimeId).inspect()).State.Running, false);
  });

  it('stops for good when its instance is deregistered: its containers removed, its registration forgotten', async () => {
    const { fake, agent, dataDir } = await setup();
    const running = assignment([{ name: 'app', image: IMAGE, command: ['sleep', '300'], stopTimeout: 1 }]);
    const exited = assignment([{ name: 'app', image: IMAGE, command: ['true'] }]);
    fake.assign([running, exited]);
    await until(() => fake.taskChanges(running.taskArn, 'RUNNING')[0], 'RUNNING');
    await until(() => fake.taskChanges(exited.taskArn, 'STOPPED')[0], 'the other task STOPPED (kept for the cleanup wait)');
    assert.equal((await taskContainers(exited.taskArn)).length, 1);

    fake.instanceGone(CLOSE_DEREGISTERED);
    assert.equal(await agent.ended, 'deregistered');
    assert.deepEqual(await taskContainers(running.taskArn), []);
    assert.deepEqual(await taskContainers(exited.taskArn), []);
    await assert.rejects(access(join(dataDir, 'agent.json')), 'a restart registers a new instance');
    assert.equal(fake.connections.length, 1, 'no reconnection');
  });

  it('stops when the control plane does not know its instance', async () => {
    const fake = new FakeControlPlane();
    await fake.listen();
    fakes.push(fake);
    fake.instanceGone(CLOSE_UNKNOWN_INSTANCE);
    const dataDir = await mkdtemp(join(tmpdir(), 'wharf-agent-test-'));
    dirs.push(dataDir);
    const agent = await startAgent({ endpoint: fake.endpoint, cluster, region: REGION, credentials, dataDir, runtime, log });
    agents.push(agent);
    assert.equal(await agent.ended, 'deregistered');
    assert.equal(fake.connections.length, 1);
  });
});
