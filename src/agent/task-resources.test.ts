import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TaskAssignment } from '../core/agent-protocol.js';
import type { Logger } from '../core/ports.js';
import {
  RuntimeError,
  type ContainerSpec,
  type ServiceConnectProxies,
  type FirewalledAddress,
  type HostFirewall,
  type InterfaceSpec,
  type NamespaceInterfaces,
  type TaskCgroups,
  type TaskLimits,
} from '../core/runtime.js';
import { HollowRuntime } from '../runtime/hollow/hollow-runtime.js';
import { LABELS } from './container-config.js';
import { NETWORK_LABELS, TaskResources, bridgeName, proxyListeners, subnetNetworkName, type ProxyChange } from './task-resources.js';

/** Lets timers and queued work run. */
const settled = () => new Promise((r) => setTimeout(r, 20));

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };
const INSTANCE = 'arn:aws:ecs:us-east-1:123456789012:container-instance/default/i1';

function task(id: string, address: string, over: Partial<TaskAssignment> = {}): TaskAssignment {
  return {
    taskArn: `arn:aws:ecs:us-east-1:123456789012:task/default/${id.padStart(32, '0')}`,
    clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/default',
    desiredStatus: 'RUNNING',
    taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:1',
    taskDefinition: { family: 'web', revision: 1, networkMode: 'awsvpc', cpu: '256', memory: '512', containerDefinitions: [{ name: 'app', image: 'x' }] },
    containerArns: {},
    launchType: 'FARGATE',
    network: {
      attachmentId: `a-${id}`,
      networkInterfaceId: `eni-${id}`,
      subnetId: 'subnet-1',
      vpcId: 'vpc-1',
      subnetCidr: '172.31.0.0/20',
      gateway: '172.31.0.1',
      privateIpv4Address: address,
      macAddress: '0a:00:00:00:00:01',
      privateDnsName: 'ip.ec2.internal',
      ingress: [{ protocol: 'tcp', fromPort: 80, toPort: 80, peers: ['0.0.0.0/0'] }],
      egress: [{ protocol: 'all', peers: ['0.0.0.0/0'] }],
    },
    ...over,
  };
}

function world(runtime = new HollowRuntime(), interfaces?: NamespaceInterfaces) {
  const applied: (FirewalledAddress[] | 'removed')[] = [];
  const firewall: HostFirewall = {
    apply: async (scope, addresses) => void (assert.equal(scope, INSTANCE), applied.push(addresses)),
    remove: async (scope) => void (assert.equal(scope, INSTANCE), applied.push('removed')),
  };
  const cgroups = { made: new Map<string, TaskLimits>(), removed: [] as string[] };
  const taskCgroups: TaskCgroups = {
    create: async (taskId, limits) => (cgroups.made.set(taskId, limits), `/wharf/${taskId}`),
    remove: async (taskId) => void cgroups.removed.push(taskId),
  };
  const resources = new TaskResources({
    runtime,
    log: quiet,
    cluster: 'default',
    containerInstanceArn: INSTANCE,
    architecture: 'x86_64',
    cgroups: taskCgroups,
    firewall,
    interfaces,
    networkLingerMs: 0,
  });
  const pauses = async () => runtime.listContainers({ [NETWORK_LABELS.pause]: INSTANCE });
  return { runtime, resources, applied, cgroups, pauses };
}

test('an awsvpc task gets its cgroup, its subnet network, its firewall rules, then a pause container at its address', async () => {
  const { runtime, resources, applied, cgroups, pauses } = world();
  const a = task('1', '172.31.0.4');
  const prepared = await resources.prepare(a);
  assert.equal(await resources.prepare(a), prepared, 'set up once');
  assert.deepEqual(cgroups.made.get('1'.padStart(32, '0')), { cpuUnits: 256, memoryMiB: 512 });
  assert.equal(prepared.cgroupParent, `/wharf/${'1'.padStart(32, '0')}`);
  assert.deepEqual(applied, [[{ address: '172.31.0.4', ingress: a.network!.ingress, egress: a.network!.egress }]]);
  assert.equal(await runtime.networkGateway(subnetNetworkName('subnet-1')), '172.31.0.1');
  const [pause] = await pauses();
  assert.equal(pause!.id, prepared.networkContainer);
  assert.equal(pause!.name, `ecs-web-1-internalecspause-${'1'.padStart(32, '0')}`, 'named for the task, by which it is found again');
  assert.equal(pause!.labels[LABELS.containerName], undefined, 'no container of the task definition: adoption leaves it alone');
  assert.equal((await runtime.inspectContainer(pause!.id)).status, 'running');
});

test('released: pause, rules and cgroup go; the network and the emptied rules go with the last task of its subnet', async () => {
  const { runtime, resources, applied, cgroups, pauses } = world();
  const a = task('1', '172.31.0.4');
  const b = task('2', '172.31.0.5');
  await resources.prepare(a);
  await resources.prepare(b);
  await resources.release(a.taskArn);
  assert.equal((await pauses()).length, 1);
  assert.deepEqual(applied.at(-1), [{ address: '172.31.0.5', ingress: b.network!.ingress, egress: b.network!.egress }]);
  assert.deepEqual(await runtime.listNetworks({ [NETWORK_LABELS.network]: 'awsvpc' }), [subnetNetworkName('subnet-1')]);
  await resources.release(b.taskArn);
  assert.equal((await pauses()).length, 0);
  assert.deepEqual(applied.at(-1), [], 'no address has rules at once');
  await settled();
  assert.deepEqual(await runtime.listNetworks({ [NETWORK_LABELS.network]: 'awsvpc' }), [], 'after its linger');
  assert.deepEqual(applied.slice(-2), [[], 'removed'], 'the rules leave the filter after the linger too');
  assert.deepEqual(cgroups.removed, ['1'.padStart(32, '0'), '2'.padStart(32, '0')]);
});

test('rules that change while a task runs reach the firewall; only changes do', async () => {
  const { resources, applied } = world();
  const a = task('1', '172.31.0.4');
  await resources.prepare(a);
  resources.update([a]);
  const wider = { ...a, network: { ...a.network!, ingress: [...a.network!.ingress, { protocol: 'all', peers: ['172.31.0.9/32'] }] } };
  resources.update([wider]);
  await resources.prepare(a); // lets the queued apply finish
  await new Promise((r) => setImmediate(r));
  assert.equal(applied.length, 2);
  assert.deepEqual(applied[1], [{ address: '172.31.0.4', ingress: wider.network!.ingress, egress: wider.network!.egress }]);
});

test('nothing leaks when a task fails half-way: a pause container that cannot start is removed', async () => {
  class FailingStart extends HollowRuntime {
    override async startContainer(id: string): Promise<void> {
      if ((await this.inspectContainer(id)).labels[NETWORK_LABELS.pause]) throw new RuntimeError('RuntimeFailure', 'no');
      return super.startContainer(id);
    }
  }
  const { resources, pauses, runtime } = world(new FailingStart());
  const a = task('1', '172.31.0.4');
  await assert.rejects(resources.prepare(a), /no/);
  assert.equal((await pauses()).length, 0);
  await resources.release(a.taskArn);
  await settled();
  assert.deepEqual(await runtime.listNetworks({ [NETWORK_LABELS.network]: 'awsvpc' }), []);
});

test('a sweep removes what an earlier run left for tasks no longer here', async () => {
  const { runtime, resources, pauses } = world();
  const old = world(runtime);
  await old.resources.prepare(task('1', '172.31.0.4'));
  const kept = task('2', '172.31.0.5');
  await old.resources.prepare(kept);
  await resources.sweep(new Set([kept.taskArn]));
  const left = await pauses();
  assert.deepEqual(left.map((p) => p.name), [`ecs-web-1-internalecspause-${'2'.padStart(32, '0')}`]);
});

test('with interfaces plumbed here, pause containers are kept ready: a task claims one, renamed for it, and gets its interface', async () => {
  const attached: { pid: number | undefined; spec: InterfaceSpec }[] = [];
  const interfaces: NamespaceInterfaces = {
    attach: async (pid, spec) => void attached.push({ pid, spec }),
    bridgeInUse: async () => false,
    redirect: async () => assert.fail('no redirects without Service Connect'),
  };
  const { resources, pauses } = world(new HollowRuntime(), interfaces);
  const a = task('1', '172.31.0.4');
  const { networkContainer } = await resources.prepare(a);
  await settled();
  assert.equal((await pauses()).length, 1, 'none started beside the task before it runs');
  resources.taskRunning(a.taskArn);
  await settled();
  const names = (await pauses()).map((p) => p.name).sort();
  assert.equal(names.length, 3, "the task's and two kept ready");
  assert.ok(names.includes(`ecs-web-1-internalecspause-${'1'.padStart(32, '0')}`));
  assert.equal(names.filter((n) => n.startsWith('wharf-pause-ready-')).length, 2);
  assert.deepEqual(attached.map((x) => x.spec), [
    { id: '1'.padStart(12, '0'), bridge: bridgeName('subnet-1'), address: '172.31.0.4', prefixLength: 20, gateway: '172.31.0.1', macAddress: '0a:00:00:00:00:01' },
  ]);
  // The next task takes a ready one: no container is started for it.
  const b = task('2', '172.31.0.5');
  const ready = (await pauses()).filter((p) => p.name.startsWith('wharf-pause-ready-')).map((p) => p.id);
  assert.ok(ready.includes((await resources.prepare(b)).networkContainer!));
  assert.notEqual(networkContainer, undefined);
  await resources.release(a.taskArn);
  await resources.release(b.taskArn);
  await resources.close();
  await settled();
  assert.deepEqual(await pauses(), [], 'the ready ones go when the agent stops');
});

test('a task without awsvpc or task-level limits needs nothing', () => {
  const { resources } = world();
  assert.equal(resources.needs(task('1', '172.31.0.4', { network: undefined, taskDefinition: { family: 'web', revision: 1 } })), false);
  assert.equal(resources.needs(task('1', '172.31.0.4', { network: undefined })), true, 'its limits need a cgroup');
});

test('a Service Connect task: its aliases on its pause container at 127.255.0.x, its proxy started in its namespace, endpoints updated, all gone on release', async () => {
  const runtime = new HollowRuntime();
  const calls: string[] = [];
  const proxies: ServiceConnectProxies = {
    configure: (id, proxy) => (calls.push(`configure ${id} ${proxy.listeners.map((l) => `${l.dnsName}@${l.address}:${l.port}`).join(',')}`), `/sc/${id}`),
    update: async (id, targets) => void calls.push(`update ${id} ${JSON.stringify(targets)}`),
    reload: async (id) => void calls.push(`reload ${id}`),
    traffic: async () => new Map(),
    remove: (id) => void calls.push(`remove ${id}`),
  };
  const reported: string[] = [];
  const proxyReported = (t: TaskAssignment, change: ProxyChange) => void reported.push(`${t.serviceConnect!.containerName} ${change.status} ${change.runtimeId}`);
  const resources = new TaskResources({ runtime, log: quiet, cluster: 'default', containerInstanceArn: INSTANCE, architecture: 'x86_64', serviceConnect: proxies, networkLingerMs: 0, proxyReported });
  const listener = (dnsName: string, port: number) => ({ dnsName, port, serviceId: 'srv-1', discoveryName: 'api', mode: 'http' as const, idleTimeoutSeconds: 300 });
  const serviceConnect = { containerName: 'ecs-service-connect-AbC12', listeners: [listener('api.connect', 80), listener('db.connect', 80)], endpoints: { 'srv-1': [{ id: 't1', address: '10.0.0.5', port: 8080 }] }, ingress: [] };
  const t = task('1', '172.31.0.5', { serviceConnect });
  assert.ok(resources.needs(t));
  const prepared = await resources.prepare(t);
  const id = '1'.padStart(32, '0');
  assert.deepEqual(calls, [`configure ${id} api.connect@127.255.0.1:80,db.connect@127.255.0.2:80`]);
  const specs = (runtime as unknown as { containers: Map<string, { spec: ContainerSpec }> }).containers;
  assert.deepEqual(specs.get(prepared.networkContainer!)!.spec.extraHosts, [{ hostname: 'api.connect', ipAddress: '127.255.0.1' }, { hostname: 'db.connect', ipAddress: '127.255.0.2' }]);
  const [proxy] = await runtime.listContainers({ [NETWORK_LABELS.serviceConnect]: INSTANCE });
  assert.equal(proxy!.name, `ecs-web-1-ecs-service-connect-AbC12-${id}`);
  assert.deepEqual(reported, [`ecs-service-connect-AbC12 RUNNING ${proxy!.id}`], 'reported as the task\'s Service Connect container');
  assert.deepEqual(resources.proxyHealth(), [{ taskArn: t.taskArn, containerName: 'ecs-service-connect-AbC12', healthStatus: 'HEALTHY' }], 'healthy while it serves');
  assert.equal(specs.get(proxy!.id)!.spec.networkContainer, prepared.networkContainer, "the proxy joins the task's namespace");
  assert.deepEqual(specs.get(proxy!.id)!.spec.mounts, [{ kind: 'bind', source: `/sc/${id}`, containerPath: '/wharf', readOnly: false }]);

  resources.update([{ ...t, serviceConnect: { ...serviceConnect, endpoints: { 'srv-1': [] } } }]);
  await settled();
  assert.equal(calls.at(-1), `update ${id} {"endpoints":{"srv-1":[]},"ingress":[]}`);

  // A restarted agent: the task's pause and proxy are running; the proxy is kept, and reloads its configuration.
  const restarted = new TaskResources({ runtime, log: quiet, cluster: 'default', containerInstanceArn: INSTANCE, architecture: 'x86_64', serviceConnect: proxies, networkLingerMs: 0, proxyReported });
  await restarted.prepare(t);
  assert.deepEqual((await runtime.listContainers({ [NETWORK_LABELS.serviceConnect]: INSTANCE })).map((c) => c.id), [proxy!.id]);
  assert.deepEqual(calls.slice(-2), [`configure ${id} api.connect@127.255.0.1:80,db.connect@127.255.0.2:80`, `reload ${id}`]);
  await resources.release(t.taskArn);
  assert.deepEqual(await runtime.listContainers({ [NETWORK_LABELS.serviceConnect]: INSTANCE }), []);
  assert.equal(calls.at(-1), `remove ${id}`);
  assert.deepEqual(reported.slice(1), [`ecs-service-connect-AbC12 RUNNING ${proxy!.id}`, `ecs-service-connect-AbC12 STOPPED ${proxy!.id}`], 'adopted, then gone with its task');
  assert.deepEqual(resources.proxyHealth(), []);
});

test('bridge tasks: one listener per port on the proxy, aliases sharing a port served by the first, none on an ingress port', () => {
  const listener = (dnsName: string, port: number) => ({ dnsName, port, serviceId: 'srv-1', discoveryName: 'api', mode: 'tcp' as const, idleTimeoutSeconds: 3600 });
  const ingress = [{ discoveryName: 'web', mode: 'tcp' as const, port: 15000, idleTimeoutSeconds: 3600 }];
  const bridge = task('1', '', { network: undefined, serviceConnect: { containerName: 'ecs-service-connect-AbC12', listeners: [listener('a', 80), listener('b', 80), listener('c', 81), listener('d', 15000)], endpoints: {}, ingress } });
  assert.deepEqual(proxyListeners(bridge).map((l) => `${l.dnsName}@${l.address}:${l.port}`), ['a@0.0.0.0:80', 'c@0.0.0.0:81']);
});

test("the server side: awsvpc, the task's port redirected in its namespace to the proxy's ingress listener; bridge, the listener published and reported", async () => {
  const runtime = new HollowRuntime();
  const redirected: unknown[] = [];
  const interfaces: NamespaceInterfaces = { attach: async () => undefined, bridgeInUse: async () => false, redirect: async (_pid, r) => void redirected.push(r) };
  const proxies: ServiceConnectProxies = { configure: (id) => `/sc/${id}`, update: async () => undefined, reload: async () => undefined, traffic: async () => new Map(), remove: () => undefined };
  const reported: ProxyChange[] = [];
  const resources = new TaskResources({ runtime, log: quiet, cluster: 'default', containerInstanceArn: INSTANCE, architecture: 'x86_64', serviceConnect: proxies, interfaces, networkLingerMs: 0, warmPauses: 0, proxyReported: (_t, c) => void reported.push(c) });
  const web = { discoveryName: 'web', mode: 'http' as const, port: 15000, idleTimeoutSeconds: 300 };
  await resources.prepare(task('1', '172.31.0.5', { serviceConnect: { containerName: 'ecs-service-connect-AbC12', listeners: [], endpoints: {}, ingress: [{ ...web, interceptPort: 8080, target: { address: '127.0.0.1', port: 8080 } }] } }));
  assert.deepEqual(redirected, [[{ port: 8080, toPort: 15000 }]]);
  assert.equal(reported[0]!.networkBindings, undefined, 'nothing published: the proxy shares the task address');

  await resources.prepare(task('2', '', { network: undefined, taskDefinition: { family: 'web', revision: 1, containerDefinitions: [{ name: 'app', image: 'x' }] }, serviceConnect: { containerName: 'ecs-service-connect-AbC12', listeners: [], endpoints: {}, ingress: [web] } }));
  const [binding] = reported[1]!.networkBindings!;
  assert.equal(binding!.containerPort, 15000);
  assert.ok(binding!.hostPort > 0, 'on an ephemeral host port');
  assert.equal(redirected.length, 1);
});

test('a proxy that stops on its own is reported STOPPED with its exit code (essential, it stops its task); one removed with its task is not', async () => {
  const runtime = new HollowRuntime();
  const proxies: ServiceConnectProxies = { configure: (id) => `/sc/${id}`, update: async () => undefined, reload: async () => undefined, traffic: async () => new Map(), remove: () => undefined };
  const reported: string[] = [];
  const resources = new TaskResources({ runtime, log: quiet, cluster: 'default', containerInstanceArn: INSTANCE, architecture: 'x86_64', serviceConnect: proxies, networkLingerMs: 0, proxyReported: (_t, c) => void reported.push(`${c.status} ${c.exitCode}`) });
  const watching = new AbortController();
  const watch = resources.watchProxies(watching.signal);
  const serviceConnect = { containerName: 'ecs-service-connect-AbC12', listeners: [], endpoints: {}, ingress: [] };
  const [a, b] = [task('1', '172.31.0.5', { serviceConnect }), task('2', '172.31.0.6', { serviceConnect })];
  await resources.prepare(a);
  await resources.prepare(b);
  const proxyOf = async (t: TaskAssignment) => (await runtime.listContainers({ [NETWORK_LABELS.serviceConnect]: INSTANCE })).find((c) => c.name.endsWith(t.taskArn.split('/').at(-1)!))!.id;
  await runtime.stopContainer(await proxyOf(a));
  await settled();
  assert.deepEqual(reported, ['RUNNING undefined', 'RUNNING undefined', 'STOPPED 0']);
  assert.deepEqual(resources.proxyHealth().map((h) => h.taskArn), [b.taskArn], 'no longer healthy');
  await resources.release(b.taskArn);
  await settled();
  assert.deepEqual(reported.slice(3), ['STOPPED undefined'], 'removed with its task: reported once, without an exit code');
  watching.abort();
  await watch;
});
