import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Resource } from '../core/ecs.js';
import { parseClusterQuery } from './cluster-query.js';
import { instance, instanceArn, task } from './fixtures.test-support.js';
import { AGENT_DISCONNECTED, CANDIDATE, ClusterSnapshot, FreeIndex, SKIPPED } from './snapshot.js';

const amounts = (resources: Resource[] | undefined) => Object.fromEntries((resources ?? []).map((r) => [r.name, r.stringSetValue ?? r.integerValue]));

test('remainingResources follow the tasks as they start and stop', () => {
  const snapshot = ClusterSnapshot.of([instance('a', { cores: 2, memoryMiB: 4000 })]);
  const web = task('a', { cpu: 512, memory: 1000, ports: [8080] }, { taskArn: 'web' });
  const dns = task('a', { cpu: 256, memory: 500, udpPorts: [53] }, { taskArn: 'dns' });
  snapshot.putTask(web.task, web.requirement);
  snapshot.putTask(dns.task, dns.requirement);
  assert.deepEqual(amounts(snapshot.remainingResources(instanceArn('a'))), {
    CPU: 2048 - 768,
    MEMORY: 2500,
    PORTS: ['22', '2376', '2375', '51678', '51679', '8080'],
    PORTS_UDP: ['53'],
  });
  snapshot.putTask({ ...web.task, lastStatus: 'STOPPED', desiredStatus: 'STOPPED' }, web.requirement);
  snapshot.removeTask('dns');
  assert.deepEqual(amounts(snapshot.remainingResources(instanceArn('a'))), {
    CPU: 2048,
    MEMORY: 4000,
    PORTS: ['22', '2376', '2375', '51678', '51679'],
    PORTS_UDP: [],
  });
  assert.equal(snapshot.remainingResources(instanceArn('nope')), undefined);
});

test('a task seen before its instance is booked when the instance arrives, and released when it leaves', () => {
  const snapshot = new ClusterSnapshot();
  const t = task('late', { cpu: 1024, memory: 1024 }, { group: 'service:api' });
  snapshot.putTask(t.task, t.requirement);
  snapshot.putInstance(instance('late', { cores: 2, memoryMiB: 2048 }));
  assert.equal(amounts(snapshot.remainingResources('late')).CPU, 1024);
  assert.deepEqual([...snapshot.view('late')!.taskGroups], ['service:api']);
  snapshot.removeInstance(instanceArn('late'));
  assert.equal(snapshot.view('late'), undefined);
  assert.equal(snapshot.groupCounts('service:api'), undefined);
  snapshot.putInstance(instance('late', { cores: 2, memoryMiB: 2048 }));
  assert.equal(amounts(snapshot.remainingResources('late')).CPU, 1024, 'the task is booked again');
});

test('instances: eligibility follows status and agent; removed slots are reused', () => {
  const snapshot = ClusterSnapshot.of([instance('a'), instance('b', { agentConnected: false }), instance('c', { status: 'DRAINING' })]);
  assert.deepEqual([...snapshot.eligibility.slice(0, 3)], [CANDIDATE, AGENT_DISCONNECTED, SKIPPED]);
  assert.equal(snapshot.activeInstances, 2);
  snapshot.putInstance(instance('a', { status: 'DRAINING' }));
  assert.equal(snapshot.activeInstances, 1);
  snapshot.removeInstance(instanceArn('b'));
  assert.equal(snapshot.activeInstances, 0);
  snapshot.putInstance(instance('d'));
  assert.equal(snapshot.slotOf('d'), 1, 'the freed slot');
  assert.equal(snapshot.size, 3);
  assert.equal(snapshot.slotOf(instanceArn('d')), 1);
});

test('views count the tasks wanted running and their groups', () => {
  const snapshot = ClusterSnapshot.of([instance('a')]);
  for (const [arn, group, desiredStatus] of [['1', 'g1', 'RUNNING'], ['2', 'g1', 'RUNNING'], ['3', 'g2', 'STOPPED']] as const) {
    const t = task('a', {}, { taskArn: arn, group, desiredStatus });
    snapshot.putTask(t.task, t.requirement);
  }
  const view = snapshot.view('a')!;
  assert.equal(view.runningTasksCount, 2);
  assert.deepEqual([...view.taskGroups], ['g1']);
  assert.deepEqual([...snapshot.groupCounts('g1')!.slice(0, 1)], [2]);
  snapshot.removeTask('1');
  snapshot.removeTask('2');
  assert.equal(view.taskGroups.size, 0);
  assert.equal(snapshot.groupCounts('g1'), undefined);
});

test('group counts per attribute value stay equal to a recount as tasks and instances change', () => {
  const az = (zone: string) => ({ attributes: { 'ecs.availability-zone': zone } });
  const snapshot = ClusterSnapshot.of([instance('a', az('x')), instance('b', az('y')), instance('c', az('x')), instance('d')]);
  const counts = () => {
    const { values } = snapshot.attributeColumn('ecs.availability-zone');
    const live = snapshot.groupValueCounts('g', 'ecs.availability-zone');
    return Object.fromEntries(values.map((v, id) => [v ?? '(none)', live[id]])) as Record<string, number>;
  };
  assert.deepEqual(counts(), { '(none)': 0, x: 0, y: 0 });
  for (const [arn, on] of [['1', 'a'], ['2', 'c'], ['3', 'b'], ['4', 'd']]) {
    const t = task(on!, {}, { taskArn: arn, group: 'g' });
    snapshot.putTask(t.task, t.requirement);
  }
  assert.deepEqual(counts(), { '(none)': 1, x: 2, y: 1 });
  snapshot.removeTask('2');
  assert.deepEqual(counts(), { '(none)': 1, x: 1, y: 1 });
  snapshot.putInstance(instance('d', az('y')));
  assert.deepEqual(counts(), { '(none)': 0, x: 1, y: 2 });
});

test('memberOf masks are rebuilt when instances change', () => {
  const snapshot = ClusterSnapshot.of([instance('a', { attributes: { stack: 'prod' } }), instance('b')]);
  const query = parseClusterQuery('attribute:stack == prod');
  assert.deepEqual([...snapshot.memberOfMask(query).slice(0, 2)], [1, 0]);
  snapshot.putInstance(instance('b', { attributes: { stack: 'prod' } }));
  assert.deepEqual([...snapshot.memberOfMask(query).slice(0, 2)], [1, 1]);
});

test('the snapshot grows past its initial capacity', () => {
  const snapshot = ClusterSnapshot.of(Array.from({ length: 100 }, (_, i) => instance(i)));
  const t = task(99, { memory: 96 }, { group: 'g' });
  snapshot.putTask(t.task, t.requirement);
  assert.equal(snapshot.size, 100);
  assert.equal(snapshot.memoryFree[99], 4000);
  assert.equal(snapshot.groupCounts('g')![99], 1);
});

test('FreeIndex keeps each slot in the bucket of its free amount', () => {
  const index = new FreeIndex(64, 4);
  const members = (bucket: number) => {
    const slots: number[] = [];
    for (let slot = index.head[bucket]!; slot >= 0; slot = index.next[slot]!) slots.push(slot);
    return slots.sort();
  };
  index.update(0, 100);
  index.update(1, 127);
  index.update(2, 128);
  index.update(3, -5);
  assert.deepEqual([members(0), members(1), members(2)], [[3], [0, 1], [2]]);
  index.update(1, 10_000);
  assert.deepEqual([members(1), members(156)], [[0], [1]]);
  index.remove(0);
  index.remove(0);
  assert.deepEqual(members(1), []);
  index.grow(8);
  index.update(7, 0);
  assert.deepEqual(members(0), [3, 7]);
});

test('the snapshot indexes free CPU and memory as tasks come and go', () => {
  const snapshot = ClusterSnapshot.of([instance('a', { cores: 1, memoryMiB: 1024 })]);
  assert.equal(snapshot.memoryIndex.bucketOf[0], 16);
  const t = task('a', { cpu: 512, memory: 640 });
  snapshot.putTask(t.task, t.requirement);
  assert.equal(snapshot.memoryIndex.bucketOf[0], 6);
  assert.equal(snapshot.cpuIndex.bucketOf[0], 16);
  snapshot.removeInstance(instanceArn('a'));
  assert.equal(snapshot.memoryIndex.bucketOf[0], -1);
});
