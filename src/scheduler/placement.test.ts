import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PlacementStrategy } from '@aws-sdk/client-ecs';
import { AwsError } from '../core/errors.js';
import { instance, instanceArn, seeded, sequence, task, taskDefinition, type InstanceOptions } from './fixtures.test-support.js';
import { DISTINCT_INSTANCE_UNSATISFIED, MEMBER_OF_UNSATISFIED, MISSING_ATTRIBUTE, placeOnInstances, placeTasks, type PlacementRequest } from './placement.js';
import { taskRequirement as taskRequirementOf } from './resources.js';
import { CANDIDATE, ClusterSnapshot } from './snapshot.js';

const first = sequence(0);

function request(o: Partial<PlacementRequest> = {}): PlacementRequest {
  return { taskDefinition: taskDefinition(), random: first, ...o };
}

/** The instance ids (last ARN segment) a plan placed its tasks on. */
const placedOn = (plan: { placements: { containerInstanceArn: string }[] }) => plan.placements.map((p) => p.containerInstanceArn.split('/').at(-1));

const rejects = (fn: () => unknown, message?: RegExp) =>
  assert.throws(fn, (e: unknown) => e instanceof AwsError && e.code === 'InvalidParameterException' && (!message || message.test(e.message)));

const cluster = (...instances: [string | number, InstanceOptions?][]) => ClusterSnapshot.of(instances.map(([id, o]) => instance(id, o)));

test('a cluster without ACTIVE instances: InvalidParameterException, as RunTask answers', () => {
  rejects(() => placeTasks(new ClusterSnapshot(), request()), /^No Container Instances were found in your cluster\.$/);
  rejects(() => placeTasks(cluster(['a', { status: 'DRAINING' }]), request()), /No Container Instances/);
});

test('count must be 1 to 10', () => {
  const snapshot = cluster(['a']);
  rejects(() => placeTasks(snapshot, request({ count: 0 })));
  rejects(() => placeTasks(snapshot, request({ count: 11 })));
  assert.equal(placeTasks(snapshot, request({ count: 10, taskDefinition: taskDefinition({ cpu: 0, memory: 16 }) })).placements.length, 10);
});

test('RESOURCE:CPU and RESOURCE:MEMORY, per instance', () => {
  const snapshot = cluster(['small', { cores: 1, memoryMiB: 8192 }], ['tight', { cores: 4, memoryMiB: 256 }]);
  const plan = placeTasks(snapshot, request({ taskDefinition: taskDefinition({ cpu: 2048, memory: 512 }) }));
  assert.deepEqual(plan.placements, []);
  assert.deepEqual(plan.failures, [
    { arn: instanceArn('small'), reason: 'RESOURCE:CPU' },
    { arn: instanceArn('tight'), reason: 'RESOURCE:MEMORY' },
  ]);
});

test('tasks already on an instance hold their resources until they are STOPPED', () => {
  const snapshot = cluster(['a', { cores: 1, memoryMiB: 1024 }]);
  snapshot.putTask(...args(task('a', { cpu: 512, memory: 768 }, { taskArn: 't1' })));
  const td = taskDefinition({ cpu: 256, memory: 512 });
  assert.deepEqual(placeTasks(snapshot, request({ taskDefinition: td })).failures, [{ arn: instanceArn('a'), reason: 'RESOURCE:MEMORY' }]);
  snapshot.putTask(...args(task('a', { cpu: 512, memory: 768 }, { taskArn: 't1', lastStatus: 'RUNNING', desiredStatus: 'STOPPED' })));
  assert.equal(placeTasks(snapshot, request({ taskDefinition: td })).placements.length, 0, 'a stopping task still holds');
  snapshot.putTask(...args(task('a', { cpu: 512, memory: 768 }, { taskArn: 't1', lastStatus: 'STOPPED', desiredStatus: 'STOPPED' })));
  assert.deepEqual(placedOn(placeTasks(snapshot, request({ taskDefinition: td }))), ['a']);
});

test('RESOURCE:PORTS: static host ports held by a task, reserved by the agent, or taken earlier in the request', () => {
  const snapshot = cluster(['a']);
  snapshot.putTask(...args(task('a', { ports: [8080] })));
  assert.deepEqual(placeTasks(snapshot, request({ taskDefinition: taskDefinition({ hostPort: 8080 }) })).failures, [{ arn: instanceArn('a'), reason: 'RESOURCE:PORTS' }]);
  assert.deepEqual(placeTasks(snapshot, request({ taskDefinition: taskDefinition({ hostPort: 22 }) })).failures, [{ arn: instanceArn('a'), reason: 'RESOURCE:PORTS' }]);
  const plan = placeTasks(snapshot, request({ count: 2, taskDefinition: taskDefinition({ hostPort: 80 }) }));
  assert.deepEqual(placedOn(plan), ['a']);
  assert.deepEqual(plan.failures, [{ arn: instanceArn('a'), reason: 'RESOURCE:PORTS' }]);
});

test('RESOURCE:PORTS_UDP for UDP host ports', () => {
  const snapshot = cluster(['a']);
  snapshot.putTask(...args(task('a', { udpPorts: [5353] })));
  assert.deepEqual(placeTasks(snapshot, request({ taskDefinition: taskDefinition({ udpPort: 5353 }) })).failures, [{ arn: instanceArn('a'), reason: 'RESOURCE:PORTS_UDP' }]);
  assert.equal(placeTasks(snapshot, request({ taskDefinition: taskDefinition({ hostPort: 5353 }) })).placements.length, 1, 'TCP 5353 is free');
});

test('dynamic host ports (hostPort 0) need no port check', () => {
  const snapshot = cluster(['a', { cores: 4, memoryMiB: 8192 }]);
  const plan = placeTasks(snapshot, request({ count: 10, taskDefinition: taskDefinition({ cpu: 64, memory: 64, hostPort: 0 }) }));
  assert.equal(plan.placements.length, 10);
  assert.deepEqual(plan.failures, []);
});

test('AGENT for ACTIVE instances whose agent is disconnected; instances not ACTIVE are not considered', () => {
  const snapshot = cluster(['off', { agentConnected: false }], ['draining', { status: 'DRAINING' }], ['full', { memoryMiB: 100 }]);
  const plan = placeTasks(snapshot, request());
  assert.deepEqual(plan.placements, []);
  assert.deepEqual(plan.failures, [
    { arn: instanceArn('off'), reason: 'AGENT' },
    { arn: instanceArn('full'), reason: 'RESOURCE:MEMORY' },
  ]);
  snapshot.putInstance(instance('off'));
  assert.deepEqual(placedOn(placeTasks(snapshot, request())), ['off']);
});

test('failures are reported once per instance and reason, and only for the tasks not placed', () => {
  const snapshot = cluster(['a', { memoryMiB: 1024 }], ['b', { memoryMiB: 256 }]);
  const plan = placeTasks(snapshot, request({ count: 5, taskDefinition: taskDefinition({ memory: 512 }) }));
  assert.deepEqual(placedOn(plan), ['a', 'a']);
  assert.deepEqual(plan.failures, [
    { arn: instanceArn('a'), reason: 'RESOURCE:MEMORY' },
    { arn: instanceArn('b'), reason: 'RESOURCE:MEMORY' },
  ]);
});

test('memberOf: request and task definition constraints both bind', () => {
  const snapshot = cluster(['t2', { attributes: { 'ecs.instance-type': 't2.small', stack: 'prod' } }], ['m5', { attributes: { 'ecs.instance-type': 'm5.large', stack: 'prod' } }], ['dev', { attributes: { 'ecs.instance-type': 't2.micro', stack: 'dev' } }]);
  const onT2 = [{ type: 'memberOf' as const, expression: 'attribute:ecs.instance-type =~ t2.*' }];
  assert.deepEqual(placedOn(placeTasks(snapshot, request({ placementConstraints: onT2, count: 2, random: sequence(0, 0.99) }))), ['t2', 'dev']);
  const plan = placeTasks(snapshot, request({ placementConstraints: onT2, taskDefinition: taskDefinition({ memberOf: 'attribute:stack == prod' }), count: 2 }));
  assert.deepEqual(placedOn(plan), ['t2', 't2']);
  const none = placeTasks(snapshot, request({ placementConstraints: [{ type: 'memberOf', expression: 'attribute:ecs.instance-type == c5.*' }] }));
  assert.deepEqual(none.failures, ['t2', 'm5', 'dev'].map((id) => ({ arn: instanceArn(id), reason: MEMBER_OF_UNSATISFIED })));
});

test('memberOf on task groups and running task counts sees the tasks placed earlier in the request', () => {
  const snapshot = cluster(['a'], ['b'], ['c']);
  snapshot.putTask(...args(task('b', {}, { group: 'databases' })));
  const affinity = placeTasks(snapshot, request({ placementConstraints: [{ type: 'memberOf', expression: 'task:group == databases' }], count: 3 }));
  assert.deepEqual(placedOn(affinity), ['b', 'b', 'b']);
  const antiAffinity = placeTasks(snapshot, request({ placementConstraints: [{ type: 'memberOf', expression: 'not(task:group == databases)' }], count: 2, random: sequence(0.99) }));
  assert.deepEqual(placedOn(antiAffinity).sort(), ['c', 'c']);
  const empty = placeTasks(snapshot, request({ placementConstraints: [{ type: 'memberOf', expression: 'runningTasksCount == 0' }], count: 3 }));
  assert.deepEqual(placedOn(empty), ['a', 'c']);
  assert.deepEqual(empty.failures, ['a', 'b', 'c'].map((id) => ({ arn: instanceArn(id), reason: MEMBER_OF_UNSATISFIED })));
});

test('distinctInstance: one task of the group per instance, counting the group tasks already there', () => {
  const snapshot = cluster(['a'], ['b'], ['c']);
  snapshot.putTask(...args(task('a', {}, { group: 'family:app' })));
  snapshot.putTask(...args(task('b', {}, { group: 'service:other' })));
  const plan = placeTasks(snapshot, request({ placementConstraints: [{ type: 'distinctInstance' }], count: 3 }));
  assert.deepEqual(placedOn(plan), ['b', 'c']);
  assert.deepEqual(plan.failures, ['a', 'b', 'c'].map((id) => ({ arn: instanceArn(id), reason: DISTINCT_INSTANCE_UNSATISFIED })));
  assert.deepEqual(placedOn(placeTasks(snapshot, request({ group: 'batch', placementConstraints: [{ type: 'distinctInstance' }], count: 3 }))), ['a', 'b', 'c']);
});

test('resources are checked before constraints', () => {
  const snapshot = cluster(['a', { memoryMiB: 100, attributes: { stack: 'dev' } }]);
  const plan = placeTasks(snapshot, request({ placementConstraints: [{ type: 'memberOf', expression: 'attribute:stack == prod' }] }));
  assert.deepEqual(plan.failures, [{ arn: instanceArn('a'), reason: 'RESOURCE:MEMORY' }]);
});

test('binpack on memory: the instance with the least memory left that still fits', () => {
  const snapshot = cluster(['roomy', { memoryMiB: 8192 }], ['snug', { memoryMiB: 1536 }], ['tiny', { memoryMiB: 256 }]);
  const plan = placeTasks(snapshot, request({ count: 4, placementStrategy: [{ type: 'binpack', field: 'memory' }], random: sequence(0.99) }));
  assert.deepEqual(placedOn(plan), ['snug', 'snug', 'snug', 'roomy']);
});

test('binpack on cpu', () => {
  const snapshot = cluster(['big', { cores: 8 }], ['small', { cores: 1 }]);
  snapshot.putTask(...args(task('big', { cpu: 1024 })));
  const plan = placeTasks(snapshot, request({ count: 5, taskDefinition: taskDefinition({ cpu: 256, memory: 16 }), placementStrategy: [{ type: 'binpack', field: 'cpu' }] }));
  assert.deepEqual(placedOn(plan), ['small', 'small', 'small', 'small', 'big']);
});

test('spread on instanceId (or host): the instances with the fewest tasks of the group', () => {
  const snapshot = cluster(['a'], ['b'], ['c']);
  snapshot.putTask(...args(task('a', {}, { group: 'family:app' })));
  snapshot.putTask(...args(task('b', {}, { group: 'service:other' })));
  snapshot.putTask(...args(task('b', {}, { group: 'service:other' })));
  const plan = placeTasks(snapshot, request({ count: 5, taskDefinition: taskDefinition({ cpu: 0, memory: 16 }), placementStrategy: [{ type: 'spread', field: 'instanceId' }] }));
  const perInstance = count(placedOn(plan));
  assert.deepEqual(perInstance, { a: 1, b: 2, c: 2 });
  const host = placeTasks(snapshot, request({ count: 2, placementStrategy: [{ type: 'spread', field: 'host' }] }));
  assert.deepEqual(placedOn(host), ['b', 'c']);
});

test('spread on an attribute: the values with the fewest tasks of the group first', () => {
  const az = (zone: string) => ({ attributes: { 'ecs.availability-zone': zone } });
  const snapshot = cluster(['a1', az('us-east-1a')], ['a2', az('us-east-1a')], ['b1', az('us-east-1b')], ['c1', az('us-east-1c')], ['none', {}]);
  snapshot.putTask(...args(task('a1', {}, { group: 'family:app' })));
  snapshot.putTask(...args(task('none', {}, { group: 'family:app' })));
  snapshot.putTask(...args(task('b1', {}, { group: 'service:other' })));
  const spread: PlacementStrategy[] = [{ type: 'spread', field: 'attribute:ecs.availability-zone' }];
  const plan = placeTasks(snapshot, request({ count: 4, taskDefinition: taskDefinition({ cpu: 0, memory: 16 }), placementStrategy: spread }));
  const zones = placedOn(plan).map((id) => id!.replace(/\d$/, ''));
  assert.deepEqual(zones.slice(0, 2).sort(), ['b', 'c'], 'the empty zones first');
  assert.equal(count(zones).a ?? 0, 1, 'then one per zone, instances without the zone sharing one bucket');
});

test('random: uniform among the instances that can take the task, from the injected source', () => {
  const snapshot = cluster(['a'], ['b'], ['c'], ['full', { memoryMiB: 10 }]);
  // Each draw is an instance of the cluster, kept if it can take the task: 'full' (the 4th) is drawn again.
  assert.deepEqual(placedOn(placeTasks(snapshot, request({ placementStrategy: [{ type: 'random' }], random: sequence(0.5) }))), ['c']);
  assert.deepEqual(placedOn(placeTasks(snapshot, request({ placementStrategy: [{ type: 'random' }], random: sequence(0.8, 0.3) }))), ['b']);
  const random = seeded(7);
  const seen = count(Array.from({ length: 300 }, () => placedOn(placeTasks(snapshot, request({ placementStrategy: [{ type: 'random' }], random })))[0]!));
  assert.deepEqual(Object.keys(seen).sort(), ['a', 'b', 'c']);
  for (const n of Object.values(seen)) assert.ok(n > 50, `roughly uniform: ${JSON.stringify(seen)}`);
});

test('random falls back to a scan when few instances fit', () => {
  const snapshot = ClusterSnapshot.of(Array.from({ length: 200 }, (_, i) => instance(i, { memoryMiB: i === 137 ? 4096 : 10 })));
  assert.deepEqual(placedOn(placeTasks(snapshot, request({ placementStrategy: [{ type: 'random' }], random: seeded(1) }))), ['137']);
});

test('no strategy: any instance that fits, at random', () => {
  const snapshot = cluster(['a'], ['b']);
  assert.deepEqual(placedOn(placeTasks(snapshot, request({ random: sequence(0.9) }))), ['b']);
});

test('chained strategies break ties in order', () => {
  const az = (zone: string, memoryMiB: number) => ({ memoryMiB, attributes: { 'ecs.availability-zone': zone } });
  const snapshot = cluster(['a-roomy', az('a', 8192)], ['a-snug', az('a', 2048)], ['b-roomy', az('b', 8192)], ['b-snug', az('b', 1024)]);
  snapshot.putTask(...args(task('a-roomy', {}, { group: 'family:app' })));
  const spreadThenBinpack: PlacementStrategy[] = [
    { type: 'spread', field: 'attribute:ecs.availability-zone' },
    { type: 'binpack', field: 'memory' },
  ];
  const plan = placeTasks(snapshot, request({ count: 3, placementStrategy: spreadThenBinpack }));
  // b has no task of the group: b-snug; then the zones tie and binpack keeps b-snug; then a's turn.
  assert.deepEqual(placedOn(plan), ['b-snug', 'b-snug', 'a-snug']);
  // binpack ties (equal CPU left) broken by spread on instances.
  const even = cluster(['x'], ['y']);
  even.putTask(...args(task('x', { cpu: 0 }, { group: 'family:app' })));
  const binpackThenSpread: PlacementStrategy[] = [
    { type: 'binpack', field: 'cpu' },
    { type: 'spread', field: 'instanceId' },
  ];
  for (const random of [sequence(0), sequence(0.99)]) {
    assert.deepEqual(placedOn(placeTasks(even, request({ placementStrategy: binpackThenSpread, random }))), ['y']);
  }
  // random ranks first: the strategies after it do not matter.
  const randomFirst: PlacementStrategy[] = [{ type: 'random' }, { type: 'binpack', field: 'memory' }];
  assert.deepEqual(placedOn(placeTasks(snapshot, request({ placementStrategy: randomFirst, random: sequence(0.01) }))), ['a-roomy']);
});

test('invalid strategies and constraints: InvalidParameterException', () => {
  const snapshot = cluster(['a']);
  rejects(() => placeTasks(snapshot, request({ placementStrategy: [{ type: 'binpack', field: 'disk' }] })));
  rejects(() => placeTasks(snapshot, request({ placementStrategy: [{ type: 'spread', field: 'zone' }] })));
  rejects(() => placeTasks(snapshot, request({ placementStrategy: [{ type: 'spread' }] })));
  rejects(() => placeTasks(snapshot, request({ placementStrategy: [{ type: 'fastest' as 'random' }] })));
  rejects(() => placeTasks(snapshot, request({ placementStrategy: Array.from({ length: 6 }, () => ({ type: 'random' as const })) })));
  rejects(() => placeTasks(snapshot, request({ placementConstraints: [{ type: 'distinctInstance', expression: 'attribute:a exists' }] })));
  rejects(() => placeTasks(snapshot, request({ placementConstraints: [{ type: 'memberOf' }] })));
  rejects(() => placeTasks(snapshot, request({ placementConstraints: [{ type: 'memberOf', expression: 'attribute:a ==' }] })));
  const ten = Array.from({ length: 10 }, () => ({ type: 'memberOf' as const, expression: 'attribute:a !exists' }));
  assert.equal(placeTasks(snapshot, request({ placementConstraints: ten })).placements.length, 1);
  rejects(() => placeTasks(snapshot, request({ placementConstraints: ten, taskDefinition: taskDefinition({ memberOf: 'attribute:a !exists' }) })), /maximum of 10/);
});

test('planning never changes the snapshot', () => {
  const snapshot = cluster(['a'], ['b']);
  const before = [snapshot.remainingResources(instanceArn('a')), snapshot.remainingResources(instanceArn('b'))];
  const plan = placeTasks(snapshot, request({ count: 6, taskDefinition: taskDefinition({ cpu: 128, memory: 256, hostPort: 0 }), placementConstraints: [{ type: 'memberOf', expression: 'runningTasksCount < 5' }] }));
  assert.equal(plan.placements.length, 6);
  assert.deepEqual([snapshot.remainingResources(instanceArn('a')), snapshot.remainingResources(instanceArn('b'))], before);
  assert.equal(snapshot.view(instanceArn('a'))?.runningTasksCount, 0);
  assert.deepEqual(plan.requirement, { cpu: 128, memory: 256, ports: [], udpPorts: [] });
  assert.equal(plan.group, 'family:app');
});

test('thousands of instances: binpack fills the fullest, spread evens the zones, failures name every instance', () => {
  const zones = ['us-east-1a', 'us-east-1b', 'us-east-1c'];
  const instances = Array.from({ length: 3_000 }, (_, i) => instance(i, { cores: 4, memoryMiB: 4096 + (i % 7) * 512, attributes: { 'ecs.availability-zone': zones[i % 3]! } }));
  const snapshot = ClusterSnapshot.of(instances);
  const binpack = placeTasks(snapshot, request({ count: 10, taskDefinition: taskDefinition({ cpu: 256, memory: 1024 }), placementStrategy: [{ type: 'binpack', field: 'memory' }] }));
  assert.equal(binpack.placements.length, 10);
  const fullest = new Set(binpack.placements.map((p) => Number(p.containerInstanceArn.split('/').at(-1)) % 7));
  assert.deepEqual([...fullest], [0], 'all on instances of the smallest memory');
  assert.equal(new Set(binpack.placements.map((p) => p.containerInstanceArn)).size, 3, '4 GiB instances take 4 tasks each');

  for (const [i, p] of binpack.placements.entries()) snapshot.putTask(...args(task(p.containerInstanceArn.split('/').at(-1)!, { cpu: 256, memory: 1024 }, { taskArn: `bp-${i}` })));
  const spread = placeTasks(snapshot, request({ count: 9, taskDefinition: taskDefinition({ cpu: 256, memory: 1024 }), placementStrategy: [{ type: 'spread', field: 'attribute:ecs.availability-zone' }], random: seeded(3) }));
  const perZone = count(spread.placements.map((p) => zones[Number(p.containerInstanceArn.split('/').at(-1)) % 3]!));
  // The group already has 10 tasks over the zones; after 9 more the zones differ by at most one.
  const totals = zones.map((z) => (perZone[z] ?? 0) + binpack.placements.filter((p) => zones[Number(p.containerInstanceArn.split('/').at(-1)) % 3] === z).length);
  assert.ok(Math.max(...totals) - Math.min(...totals) <= 1, JSON.stringify(totals));

  const tooBig = placeTasks(snapshot, request({ taskDefinition: taskDefinition({ cpu: 256, memory: 64_000 }) }));
  assert.equal(tooBig.failures.length, 3_000);
  assert.ok(tooBig.failures.every((f) => f.reason === 'RESOURCE:MEMORY'));
});

test('binpack and spread pick what a full scan of the cluster would, whatever the cluster', () => {
  const random = seeded(11);
  const zones = ['a', 'b', 'c', 'd'];
  for (let round = 0; round < 40; round++) {
    const instances = Array.from({ length: 150 }, (_, i) =>
      instance(i, {
        cores: 1 + Math.floor(random() * 8),
        memoryMiB: 256 + Math.floor(random() * 8192),
        agentConnected: random() > 0.1,
        status: random() > 0.05 ? 'ACTIVE' : 'DRAINING',
        attributes: random() > 0.1 ? { 'ecs.availability-zone': zones[Math.floor(random() * zones.length)]! } : {},
      }),
    );
    const snapshot = ClusterSnapshot.of(instances);
    for (let t = 0; t < 300; t++) {
      const on = Math.floor(random() * instances.length);
      snapshot.putTask(...args(task(on, { cpu: Math.floor(random() * 512), memory: Math.floor(random() * 1024), ports: random() > 0.8 ? [8080] : [] }, { group: random() > 0.5 ? 'family:app' : 'other' })));
    }
    const td = taskDefinition({ cpu: Math.floor(random() * 1024), memory: Math.floor(random() * 2048), hostPort: random() > 0.7 ? 8080 : undefined });
    const feasible = instances.map((_, slot) => slot).filter((slot) => snapshot.eligibility[slot] === CANDIDATE && snapshot.shortfall(slot, taskRequirementOf(td)) === undefined);

    const binpack = placeTasks(snapshot, request({ taskDefinition: td, placementStrategy: [{ type: 'binpack', field: 'memory' }], random }));
    if (feasible.length === 0) {
      assert.equal(binpack.placements.length, 0);
      continue;
    }
    const least = Math.min(...feasible.map((slot) => snapshot.memoryFree[slot]!));
    assert.equal(snapshot.memoryFree[snapshot.slotOf(binpack.placements[0]!.containerInstanceArn)], least);

    const spread = placeTasks(snapshot, request({ taskDefinition: td, placementStrategy: [{ type: 'spread', field: 'attribute:ecs.availability-zone' }], random }));
    const zoneOf = (slot: number) => snapshot.slots[slot]!.attributes.get('ecs.availability-zone');
    const groupCounts = snapshot.groupCounts('family:app');
    const tasksIn = (zone: string | undefined) => instances.reduce((sum, _, slot) => sum + (zoneOf(slot) === zone ? (groupCounts?.[slot] ?? 0) : 0), 0);
    const fewest = Math.min(...feasible.map((slot) => tasksIn(zoneOf(slot))));
    assert.equal(tasksIn(zoneOf(snapshot.slotOf(spread.placements[0]!.containerInstanceArn))), fewest);
  }
});

test('requiresAttributes: only instances with every required attribute (and value, when given); ATTRIBUTE for the others', () => {
  const privileged = 'com.amazonaws.ecs.capability.privileged-container';
  const snapshot = cluster(['locked'], ['open', { attributes: { [privileged]: '' } }], ['small', { memoryMiB: 100 }], ['arm', { attributes: { [privileged]: '', 'ecs.cpu-architecture': 'arm64' } }]);
  const needs = (...requiresAttributes: { name: string; value?: string }[]) => ({ ...taskDefinition(), requiresAttributes });
  const plan = placeTasks(snapshot, request({ taskDefinition: needs({ name: privileged }), count: 3 }));
  assert.equal(plan.placements.length, 3);
  assert.ok(placedOn(plan).every((id) => id === 'open' || id === 'arm'));
  const none = placeTasks(snapshot, request({ taskDefinition: needs({ name: privileged }, { name: 'ecs.cpu-architecture', value: 'x86_64' }) }));
  assert.deepEqual(none.failures, [
    { arn: instanceArn('locked'), reason: MISSING_ATTRIBUTE },
    { arn: instanceArn('open'), reason: MISSING_ATTRIBUTE },
    { arn: instanceArn('small'), reason: 'RESOURCE:MEMORY' },
    { arn: instanceArn('arm'), reason: MISSING_ATTRIBUTE },
  ]);
  const started = placeOnInstances(snapshot, { taskDefinition: needs({ name: privileged }) }, ['locked', 'open']);
  assert.deepEqual(placedOn(started), ['open']);
  assert.deepEqual(started.failures, [{ arn: instanceArn('locked'), reason: MISSING_ATTRIBUTE }]);
});

test('placeOnInstances (StartTask): each named instance, by ARN or id, if it can take the task', () => {
  const snapshot = cluster(['a'], ['off', { agentConnected: false }], ['gone', { status: 'INACTIVE' }], ['small', { memoryMiB: 100 }], ['draining', { status: 'DRAINING' }]);
  const plan = placeOnInstances(snapshot, { taskDefinition: taskDefinition() }, [instanceArn('a'), 'a', 'off', 'gone', 'small', 'nope', 'draining']);
  assert.deepEqual(placedOn(plan), ['a', 'a', 'draining']);
  assert.deepEqual(plan.failures, [
    { arn: instanceArn('off'), reason: 'AGENT' },
    { arn: instanceArn('gone'), reason: 'INACTIVE' },
    { arn: instanceArn('small'), reason: 'RESOURCE:MEMORY' },
    { arn: 'nope', reason: 'MISSING' },
  ]);
  const ports = placeOnInstances(snapshot, { taskDefinition: taskDefinition({ hostPort: 8080 }) }, ['a', 'a']);
  assert.deepEqual(placedOn(ports), ['a']);
  assert.deepEqual(ports.failures, [{ arn: instanceArn('a'), reason: 'RESOURCE:PORTS' }]);
  assert.equal(snapshot.view('a')?.runningTasksCount, 0, 'the snapshot is left as it was');
  rejects(() => placeOnInstances(snapshot, { taskDefinition: taskDefinition() }, []));
});

/** The arguments of ClusterSnapshot.putTask from a fixture task. */
function args(t: ReturnType<typeof task>): [ReturnType<typeof task>['task'], ReturnType<typeof task>['requirement']] {
  return [t.task, t.requirement];
}

function count(values: readonly (string | undefined)[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of values) counts[v!] = (counts[v!] ?? 0) + 1;
  return counts;
}
