// The agent channel over real WebSockets (ws), against state over SQLite and a clock that moves when told.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { WebSocket, WebSocketServer } from 'ws';
import { CLOSE_REPLACED, CLOSE_UNKNOWN_INSTANCE, type ControlMessage } from '../../core/agent-protocol.js';
import type { CallContext } from '../../core/caller.js';
import type { ClusterRecord, ContainerInstanceRecord } from '../../core/ecs.js';
import { AccessDeniedException } from '../../core/errors.js';
import type { IamRoleRecord } from '../../core/iam.js';
import { AgentChannel, planAgentSweep } from './agents.js';
import { instanceCall } from './instance-fixtures.js';
import { IMAGE, fixture, type Fixture, putCluster, putInstance, putTaskDefinition } from './fixtures.js';
import { runTask } from './run-task.js';
import { stopTask } from './stop-task.js';
import { submitTaskStateChange } from './submit-task-state-change.js';

/** A test agent: the client end of the channel, its pushes in arrival order. */
class Agent {
  private readonly received: ControlMessage[] = [];
  private waiting?: (m: ControlMessage) => void;
  readonly closed: Promise<number>;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as ControlMessage;
      if (this.waiting) this.waiting(message);
      else this.received.push(message);
      this.waiting = undefined;
    });
    this.closed = new Promise((resolve) => ws.on('close', (code) => resolve(code)));
  }

  next(): Promise<ControlMessage> {
    const queued = this.received.shift();
    return queued ? Promise.resolve(queued) : new Promise((resolve) => (this.waiting = resolve));
  }

  send(message: unknown): void {
    this.ws.send(JSON.stringify(message));
  }
}

let f: Fixture;
let cluster: ClusterRecord;
let instance: ContainerInstanceRecord;
let channel: AgentChannel;
let server: WebSocketServer;
const clients: WebSocket[] = [];
/** Who the next connection's upgrade was signed by (the gateway's authenticated call). */
let signedAs: CallContext | undefined;

beforeEach(async () => {
  f = await fixture();
  cluster = await putCluster(f.ctx);
  instance = await putInstance(f.ctx, cluster, 'i1', { agentConnected: false });
  await putTaskDefinition(f.ctx, 'web', [{ name: 'app', image: IMAGE, memory: 64, environment: [{ name: 'A', value: 'def' }] }]);
  channel = new AgentChannel(f.ctx);
  server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  server.on('connection', (socket, request) => {
    const query = new URL(request.url!, 'http://x').searchParams;
    void channel.attach(socket, { cluster: query.get('cluster')!, containerInstance: query.get('containerInstance')! }, signedAs);
  });
  await new Promise((resolve) => server.once('listening', resolve));
});

afterEach(async () => {
  signedAs = undefined;
  for (const ws of clients.splice(0)) ws.terminate();
  await new Promise((resolve) => server.close(resolve));
});

async function connect(containerInstance = instance.containerInstanceArn): Promise<Agent> {
  const { port } = server.address() as AddressInfo;
  const query = new URLSearchParams({ cluster: cluster.clusterArn, containerInstance });
  const ws = new WebSocket(`ws://127.0.0.1:${port}/_wharf/agent?${query}`);
  clients.push(ws);
  const agent = new Agent(ws);
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  return agent;
}

/** Resolves once committed state satisfies `check` (no sleeping: it listens for commits). */
function until<T>(check: () => T | undefined | false): Promise<T> {
  return new Promise((resolve) => {
    const now = check();
    if (now) return resolve(now);
    const stop = f.ctx.state.subscribe(() => {
      const later = check();
      if (later) {
        stop();
        resolve(later);
      }
    });
  });
}

const connected = () => f.ctx.state.get('containerInstance', instance.containerInstanceArn)!.agentConnected;

describe('agent channel', () => {
  test('on connect: the assignment at once, and the instance marked connected', async () => {
    const agent = await connect();
    assert.deepEqual(await agent.next(), { type: 'tasks', tasks: [] });
    await until(connected);
    assert.equal(f.ctx.state.get('containerInstance', instance.containerInstanceArn)!.version, 2);
  });

  test('RunTask pushes the task with its definition, overrides merged; StopTask pushes the stop; each push only what changed', async () => {
    const agent = await connect();
    await agent.next();
    await until(connected);
    const { tasks = [] } = await runTask(f.ctx, {
      taskDefinition: 'web',
      overrides: { containerOverrides: [{ name: 'app', command: ['echo', 'hi'], environment: [{ name: 'B', value: '2' }] }] },
    });
    const task = tasks[0]!;
    const { tasks: [assigned] = [] } = await agent.next();
    assert.equal(assigned!.taskArn, task.taskArn);
    assert.equal(assigned!.desiredStatus, 'RUNNING');
    assert.equal(assigned!.taskDefinitionArn, task.taskDefinitionArn);
    assert.deepEqual(assigned!.containerArns, { app: task.containers![0]!.containerArn });
    const app = assigned!.taskDefinition.containerDefinitions![0]!;
    assert.deepEqual(app.command, ['echo', 'hi']);
    assert.deepEqual(app.environment, [{ name: 'A', value: 'def' }, { name: 'B', value: '2' }]);

    // The agent's own reports change nothing it must do: no push for them (pushes keep their order).
    await submitTaskStateChange(f.ctx, { task: task.taskArn, status: 'RUNNING' });
    await stopTask(f.ctx, { task: task.taskArn!, reason: 'enough' });
    const stopping = await agent.next();
    assert.deepEqual(stopping.tasks.map((t) => [t.desiredStatus, t.stoppedReason]), [['STOPPED', 'enough']]);

    await submitTaskStateChange(f.ctx, { task: task.taskArn, status: 'STOPPED' });
    assert.deepEqual(await agent.next(), { type: 'taskChanges', tasks: [], removed: [task.taskArn] });
  });

  test('health reports land on the task', async () => {
    await putTaskDefinition(f.ctx, 'checked', [{ name: 'app', image: IMAGE, memory: 64, healthCheck: { command: ['CMD', 'true'] } }]);
    const agent = await connect();
    await agent.next();
    await until(connected);
    const { tasks = [] } = await runTask(f.ctx, { taskDefinition: 'checked' });
    const taskArn = tasks[0]!.taskArn!;
    agent.send({ type: 'health', health: [{ taskArn, containerName: 'app', healthStatus: 'HEALTHY' }] });
    const healthy = await until(() => {
      const t = f.ctx.state.get('task', taskArn)!;
      return t.healthStatus === 'HEALTHY' && t;
    });
    assert.equal(healthy.containers[0]!.healthStatus, 'HEALTHY');
  });

  test('a closed connection marks the instance disconnected and stops what never started there', async () => {
    const agent = await connect();
    await agent.next();
    await until(connected);
    const { tasks = [] } = await runTask(f.ctx, { taskDefinition: 'web' });
    const taskArn = tasks[0]!.taskArn!;
    await stopTask(f.ctx, { task: taskArn });
    assert.equal(f.ctx.state.get('task', taskArn)!.lastStatus, 'PENDING', 'the agent is still there to stop it');
    agent.ws.close();
    await until(() => !connected());
    const stopped = await until(() => f.ctx.state.get('task', taskArn)!.lastStatus === 'STOPPED');
    assert.ok(stopped);
  });

  test('an agent is lost once it missed the heartbeat windows in a row; pings keep it; a late sweep is one window', async () => {
    const agent = await connect();
    await agent.next();
    await until(connected);
    const sweepAfter = async (ms: number) => {
      f.advance(ms);
      await channel.sweep();
    };
    // The control plane ran a minute late: one window, heard from at the connection.
    await sweepAfter(60_000);
    agent.ws.ping();
    // The ping is heard once the server answers it.
    await new Promise((resolve) => agent.ws.once('pong', resolve));
    await sweepAfter(60_000);
    // Eleven windows of 5 s without a word, then one a minute long: the twelfth of the heartbeat minute, and only then lost.
    for (let i = 0; i < 11; i++) await sweepAfter(5_000);
    assert.equal(connected(), true, 'eleven windows missed');
    await sweepAfter(1_000);
    assert.equal(connected(), true, 'a sweep bunched with the last ends no window');
    await sweepAfter(60_000);
    assert.equal(connected(), false);
    assert.equal(await agent.closed, 1006, 'terminated');
  });

  test('a sweep sends the whole assignment again once a minute, whatever the pushes brought about', async () => {
    const agent = await connect();
    await agent.next();
    await until(connected);
    const { tasks = [] } = await runTask(f.ctx, { taskDefinition: 'web' });
    assert.equal((await agent.next()).type, 'taskChanges');
    for (let i = 0; i < 3; i++) {
      // Pinging, so as not to be dropped as lost.
      f.advance(20_000);
      agent.ws.ping();
      await new Promise((resolve) => agent.ws.once('pong', resolve));
      await channel.sweep();
    }
    const whole = await agent.next();
    assert.deepEqual([whole.type, whole.tasks.map((t) => t.taskArn)], ['tasks', [tasks[0]!.taskArn]]);
  });

  test('agents due their whole assignment together get it over the following sweeps, the longest-waiting first', async () => {
    const other = await putInstance(f.ctx, cluster, 'i2', { agentConnected: false });
    const first = await connect();
    await first.next();
    f.advance(1_000);
    const second = await connect(other.containerInstanceArn);
    await second.next();
    const wholes: string[] = [];
    first.ws.on('message', () => wholes.push('first'));
    second.ws.on('message', () => wholes.push('second'));
    // Two agents, a sweep every 5 s, a resync every minute: one whole assignment a sweep.
    f.advance(60_000);
    for (const agent of [first, second]) {
      agent.ws.ping();
      await new Promise((resolve) => agent.ws.once('pong', resolve));
    }
    await channel.sweep();
    await until(() => wholes.length === 1);
    f.advance(5_000);
    await channel.sweep();
    await until(() => wholes.length === 2);
    assert.deepEqual(wholes, ['first', 'second']);
  });

  test('an unknown container instance is refused; a newer connection replaces an older one', async () => {
    const stranger = await connect(`${instance.containerInstanceArn}0`);
    assert.equal(await stranger.closed, CLOSE_UNKNOWN_INSTANCE);

    const first = await connect();
    await first.next();
    await until(connected);
    const second = await connect();
    await second.next();
    assert.equal(await first.closed, CLOSE_REPLACED);
    await channel.sweep();
    assert.equal(connected(), true);
  });

  test('run() sweeps until aborted, then closes every connection', async () => {
    const agent = await connect();
    await agent.next();
    const abort = new AbortController();
    const running = channel.run(abort.signal);
    abort.abort();
    await running;
    assert.equal(await agent.closed, 1001);
  });
});

describe('agent channel: who may hold it', () => {
  test('an instance session is admitted to its own instance only', async () => {
    // putInstance gives instance i1 the EC2 instance id i-i1.
    assert.doesNotThrow(() => channel.admit(instanceCall(f, 'i-i1'), { cluster: cluster.clusterArn, containerInstance: instance.containerInstanceArn }));
    assert.doesNotThrow(() => channel.admit(f.call, { cluster: cluster.clusterArn, containerInstance: instance.containerInstanceArn }));
    assert.throws(() => channel.admit(instanceCall(f, 'i-other'), { cluster: cluster.clusterArn, containerInstance: instance.containerInstanceArn }), {
      code: 'AccessDeniedException',
      message: /assumed-role\/ecsInstanceRole\/i-other is not authorized to perform: ecs:Poll on resource: .*container-instance\/default\/i1/,
    });
    // Past admission (the upgrade raced a change): attach refuses it too, as a policy violation.
    signedAs = instanceCall(f, 'i-other');
    const agent = await connect();
    assert.equal(await agent.closed, 1008);
    assert.equal(connected(), false);
  });

  test('an open channel is closed when IAM changes and policy no longer lets it poll', async () => {
    let allowed = true;
    const polled: string[] = [];
    channel = new AgentChannel(f.ctx, undefined, (call, action, resource, keys) => {
      polled.push(`${action} ${resource} ${keys?.['ecs:cluster']}`);
      if (!allowed) throw new AccessDeniedException(`User: ${call.caller.arn} is not authorized to perform: ${action}`);
    });
    signedAs = instanceCall(f, 'i-i1');
    const agent = await connect();
    await agent.next();
    await until(connected);
    assert.deepEqual(polled, [`ecs:Poll ${instance.containerInstanceArn} ${cluster.clusterArn}`]);

    allowed = false;
    await runTask(f.ctx, { taskDefinition: 'web' }); // not an IAM change: no re-check
    assert.equal(polled.length, 1);
    const role: IamRoleRecord = {
      RoleName: 'ecsInstanceRole',
      RoleId: 'AROAEXAMPLE',
      Arn: 'arn:aws:iam::123456789012:role/ecsInstanceRole',
      Path: '/',
      CreateDate: f.ctx.clock.now(),
      AssumeRolePolicyDocument: '{}',
      MaxSessionDuration: 3600,
      Tags: [],
      inlinePolicies: {},
      attachedPolicies: [],
    };
    await f.ctx.state.mutate((tx) => tx.put('iamRole', role.RoleName, role));
    assert.equal(await agent.closed, 1008);
    await until(() => !connected());
    assert.throws(() => channel.admit(signedAs!, { cluster: cluster.clusterArn, containerInstance: instance.containerInstanceArn }), {
      code: 'AccessDeniedException',
    });
  });
});

describe('planAgentSweep', () => {
  test('records follow the live connections; never-started stops on agentless instances finish here', async () => {
    const other = await putInstance(f.ctx, cluster, 'i2', { agentConnected: true });
    await f.ctx.state.mutate((tx) => tx.put('containerInstance', instance.containerInstanceArn, { ...instance, agentConnected: true }));
    const { tasks = [] } = await runTask(f.ctx, { taskDefinition: 'web', count: 2, placementStrategy: [{ type: 'spread', field: 'instanceId' }] });
    for (const t of tasks) await stopTask(f.ctx, { task: t.taskArn! });
    const onOther = tasks.find((t) => t.containerInstanceArn === other.containerInstanceArn)!;

    const plan = planAgentSweep(f.ctx.state, new Set([instance.containerInstanceArn]));
    assert.deepEqual(plan, { connect: [], disconnect: [other.containerInstanceArn], stop: [onOther.taskArn] });
    assert.deepEqual(planAgentSweep(f.ctx.state, new Set([instance.containerInstanceArn]), [other.containerInstanceArn]), plan, 'the same, for the one instance that changed');
    assert.deepEqual(planAgentSweep(f.ctx.state, new Set([instance.containerInstanceArn]), [instance.containerInstanceArn]), { connect: [], disconnect: [], stop: [] });
    assert.deepEqual(planAgentSweep(f.ctx.state, new Set([instance.containerInstanceArn, other.containerInstanceArn])), {
      connect: [],
      disconnect: [],
      stop: [],
    });
  });
});
