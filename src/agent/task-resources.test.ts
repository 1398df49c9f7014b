import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TaskAssignment } from '../core/agent-protocol.js';
import type { Logger } from '../core/ports.js';
import { RuntimeError, type FirewalledAddress, type HostFirewall, type TaskCgroups, type TaskLimits } from '../core/runtime.js';
import { HollowRuntime } from '../runtime/hollow/hollow-runtime.js';
import { LABELS } from './container-config.js';
import { NETWORK_LABELS, TaskResources, subnetNetworkName } from './task-resources.js';

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
      ingress: [{ protocol: 'tcp', fromPort: 80, toPort: 80, sources: ['0.0.0.0/0'] }],
    },
    ...over,
  };
}

function world(runtime = new HollowRuntime()) {
  const applied: FirewalledAddress[][] = [];
  const firewall: HostFirewall = { apply: async (scope, addresses) => void (assert.equal(scope, INSTANCE), applied.push(addresses)) };
  const cgroups = { made: new Map<string, TaskLimits>(), removed: [] as string[] };
  const taskCgroups: TaskCgroups = {
    create: async (taskId, limits) => (cgroups.made.set(taskId, limits), `/wharf/${taskId}`),
    remove: async (taskId) => void cgroups.removed.push(taskId),
  };
  const resources = new TaskResources({ runtime, log: quiet, cluster: 'default', containerInstanceArn: INSTANCE, architecture: 'x86_64', cgroups: taskCgroups, firewall });
  const pauses = async () => runtime.listContainers({ [NETWORK_LABELS.pause]: 'true' });
  return { runtime, resources, applied, cgroups, pauses };
}

test('an awsvpc task gets its cgroup, its subnet network, its firewall rules, then a pause container at its address', async () => {
  const { runtime, resources, applied, cgroups, pauses } = world();
  const a = task('1', '172.31.0.4');
  const prepared = await resources.prepare(a);
  assert.equal(await resources.prepare(a), prepared, 'set up once');
  assert.deepEqual(cgroups.made.get('1'.padStart(32, '0')), { cpuUnits: 256, memoryMiB: 512 });
  assert.equal(prepared.cgroupParent, `/wharf/${'1'.padStart(32, '0')}`);
  assert.deepEqual(applied, [[{ address: '172.31.0.4', ingress: a.network!.ingress }]]);
  assert.equal(await runtime.networkGateway(subnetNetworkName('subnet-1')), '172.31.0.1');
  const [pause] = await pauses();
  assert.equal(pause!.id, prepared.networkContainer);
  assert.equal(pause!.labels[LABELS.taskArn], a.taskArn);
  assert.equal(pause!.labels[LABELS.containerName], undefined, 'no container of the task definition: adoption leaves it alone');
  assert.equal((await runtime.inspectContainer(pause!.id)).status, 'running');
});

test('released: pause, rules and cgroup go; the network goes with the last task of its subnet', async () => {
  const { runtime, resources, applied, cgroups, pauses } = world();
  const a = task('1', '172.31.0.4');
  const b = task('2', '172.31.0.5');
  await resources.prepare(a);
  await resources.prepare(b);
  await resources.release(a.taskArn);
  assert.equal((await pauses()).length, 1);
  assert.deepEqual(applied.at(-1), [{ address: '172.31.0.5', ingress: b.network!.ingress }]);
  assert.deepEqual(await runtime.listNetworks({ [NETWORK_LABELS.network]: 'awsvpc' }), [subnetNetworkName('subnet-1')]);
  await resources.release(b.taskArn);
  assert.equal((await pauses()).length, 0);
  assert.deepEqual(applied.at(-1), []);
  assert.deepEqual(await runtime.listNetworks({ [NETWORK_LABELS.network]: 'awsvpc' }), []);
  assert.deepEqual(cgroups.removed, ['1'.padStart(32, '0'), '2'.padStart(32, '0')]);
});

test('rules that change while a task runs reach the firewall; only changes do', async () => {
  const { resources, applied } = world();
  const a = task('1', '172.31.0.4');
  await resources.prepare(a);
  resources.update([a]);
  const wider = { ...a, network: { ...a.network!, ingress: [...a.network!.ingress, { protocol: 'all', sources: ['172.31.0.9/32'] }] } };
  resources.update([wider]);
  await resources.prepare(a); // lets the queued apply finish
  await new Promise((r) => setImmediate(r));
  assert.equal(applied.length, 2);
  assert.deepEqual(applied[1], [{ address: '172.31.0.4', ingress: wider.network!.ingress }]);
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
  assert.deepEqual(left.map((p) => p.labels[LABELS.taskArn]), [kept.taskArn]);
});

test('a task without awsvpc or task-level limits needs nothing', () => {
  const { resources } = world();
  assert.equal(resources.needs(task('1', '172.31.0.4', { network: undefined, taskDefinition: { family: 'web', revision: 1 } })), false);
  assert.equal(resources.needs(task('1', '172.31.0.4', { network: undefined })), true, 'its limits need a cgroup');
});
