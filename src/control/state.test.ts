import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ClusterRecord, TaskRecord } from '../core/ecs.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { State, type Change } from './state.js';
import { tasksByCluster, tasksByContainerInstance } from './ecs/indexes.js';

const cluster = (name: string): ClusterRecord => ({ clusterArn: `arn:c/${name}`, clusterName: name, status: 'ACTIVE', tags: [] });
const task = (id: string, instance?: string): TaskRecord => ({
  taskArn: `arn:t/${id}`,
  clusterArn: 'arn:c/a',
  taskDefinitionArn: 'arn:td/x:1',
  containerInstanceArn: instance,
  lastStatus: 'PENDING',
  desiredStatus: 'RUNNING',
  containers: [],
  tags: [],
  version: 1,
});

test('mutations commit atomically, index, notify, and survive a reload', async () => {
  const store = new SqliteStore(':memory:');
  const state = await State.open(store);
  const heard: Change[][] = [];
  state.subscribe((changes) => heard.push(changes));

  await state.mutate((tx) => {
    tx.put('cluster', 'arn:c/a', cluster('a'));
    tx.put('task', 'arn:t/1', task('1', 'i1'));
    assert.equal(tx.get('task', 'arn:t/1')?.taskArn, 'arn:t/1', 'a mutation reads its own writes');
    assert.equal(state.get('task', 'arn:t/1'), undefined, 'others do not see staged writes');
  });
  assert.equal(state.where(tasksByContainerInstance, 'i1').length, 1);
  assert.equal(heard.length, 1);
  assert.equal(heard[0]!.length, 2);

  await state.mutate((tx) => tx.put('task', 'arn:t/1', { ...task('1', 'i2'), version: 2 }));
  assert.equal(state.where(tasksByContainerInstance, 'i1').length, 0, 'index follows the update');
  assert.equal(state.where(tasksByContainerInstance, 'i2')[0]?.version, 2);
  assert.equal((heard[1]![0]!.before as TaskRecord | undefined)?.version, 1);

  const reloaded = await State.open(store);
  assert.equal(reloaded.get('task', 'arn:t/1')?.version, 2);
  assert.equal(reloaded.where(tasksByCluster, 'arn:c/a').length, 1);
});

test('a mutation that throws writes nothing, and later ones still run', async () => {
  const state = await State.open(new SqliteStore(':memory:'));
  await assert.rejects(
    state.mutate((tx) => {
      tx.put('cluster', 'arn:c/a', cluster('a'));
      throw new Error('refused');
    }),
    /refused/,
  );
  assert.equal(state.count('cluster'), 0);
  await state.mutate((tx) => tx.put('cluster', 'arn:c/b', cluster('b')));
  assert.equal(state.count('cluster'), 1);
});

test('mutations run one at a time, in order', async () => {
  const state = await State.open(new SqliteStore(':memory:'));
  await Promise.all(
    Array.from({ length: 50 }, (_, i) =>
      state.mutate((tx) => {
        const current = tx.get('task', 'arn:t/n')?.version ?? 0;
        tx.put('task', 'arn:t/n', { ...task('n'), version: current + 1 });
        return i;
      }),
    ),
  );
  assert.equal(state.get('task', 'arn:t/n')?.version, 50);
});

test('regions: each view sees its own region and the global kinds; subscribers hear theirs', async () => {
  const store = new SqliteStore(':memory:');
  const east1 = await State.open(store, { region: 'us-east-1', globalKinds: ['iamUser'] });
  const east2 = east1.inRegion('us-east-2');
  assert.equal(east2.inRegion('us-east-2'), east2, 'one view per region');
  const heard1: Change[][] = [];
  const heard2: Change[][] = [];
  east1.subscribe((changes) => heard1.push(changes));
  east2.subscribe((changes) => heard2.push(changes));
  const opened: string[] = [];
  east1.onNewRegion((region) => opened.push(region));

  await east2.mutate((tx) => {
    tx.put('cluster', 'arn:c/a', cluster('a'));
    tx.put('task', 'arn:t/1', task('1', 'i1'));
    tx.put('iamUser', 'alice', { UserName: 'alice' } as never);
  });
  assert.deepEqual(opened, ['us-east-2']);
  assert.equal(east2.count('cluster'), 1);
  assert.equal(east1.count('cluster'), 0, 'another region does not see it');
  assert.equal(east1.where(tasksByContainerInstance, 'i1').length, 0);
  assert.equal(east2.where(tasksByContainerInstance, 'i1').length, 1);
  assert.ok(east1.get('iamUser', 'alice'), 'global kinds are seen from every region');
  assert.deepEqual(heard2[0]!.map((c) => c.kind), ['cluster', 'task', 'iamUser']);
  assert.deepEqual(heard1[0]!.map((c) => c.kind), ['iamUser'], 'other regions hear the global changes only');
  assert.deepEqual(east1.regions(), ['us-east-2']);

  const reopened = await State.open(store, { region: 'us-east-1', globalKinds: ['iamUser'] });
  assert.equal(reopened.inRegion('us-east-2').count('cluster'), 1, 'the region survives a reload');
  assert.equal(reopened.count('cluster'), 0);
});

test('records stored before regions move to the region the state opens with, once', async () => {
  const store = new SqliteStore(':memory:');
  await store.commit([
    { kind: 'cluster', id: 'arn:c/old', doc: cluster('old') },
    { kind: 'iamUser', id: 'alice', doc: { UserName: 'alice' } },
  ]);
  const state = await State.open(store, { region: 'eu-west-1', globalKinds: ['iamUser'] });
  assert.equal(state.get('cluster', 'arn:c/old')?.clusterName, 'old');
  assert.ok(state.get('iamUser', 'alice'));
  const kinds = (await store.load()).map((r) => r.kind).sort();
  assert.deepEqual(kinds, ['cluster@eu-west-1', 'iamUser'], 'moved in the store, global kinds left as they were');
  const later = await State.open(store, { region: 'us-east-1', globalKinds: ['iamUser'] });
  assert.equal(later.count('cluster'), 0, 'a later default region does not take them');
  assert.equal(later.inRegion('eu-west-1').count('cluster'), 1);
});
