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

/** A store that counts its commits and can be told to fail or to hold the next one until released. */
class WatchedStore extends SqliteStore {
  commits: number[] = [];
  failNext = false;
  hold: Promise<void> | undefined;
  /** Called as a commit begins (before it waits for `hold`). */
  began = () => {};
  constructor() {
    super(':memory:');
  }
  override async commit(changes: Parameters<SqliteStore['commit']>[0]): Promise<void> {
    this.began();
    await this.hold;
    if (this.failNext) {
      this.failNext = false;
      throw new Error('disk full');
    }
    this.commits.push(changes.length);
    return super.commit(changes);
  }
}

test('group commit: mutations that arrive together share one commit, each seeing the ones before it', async () => {
  const store = new WatchedStore();
  const state = await State.open(store);
  const seen: number[] = [];
  const revisions = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      state.mutate((tx) => {
        // Through the transaction and through the state's own reads and indexes alike.
        seen.push(state.where(tasksByCluster, 'arn:c/a').length);
        const revision = (tx.get('task', 'arn:t/n')?.version ?? 0) + 1;
        tx.put('task', 'arn:t/n', { ...task('n'), version: revision });
        tx.put('task', `arn:t/${i}`, task(String(i)));
        return revision;
      }),
    ),
  );
  assert.deepEqual(revisions, Array.from({ length: 20 }, (_, i) => i + 1));
  assert.deepEqual(seen, Array.from({ length: 20 }, (_, i) => (i === 0 ? 0 : i + 1)));
  assert.deepEqual(store.commits, [21], 'one commit, each record written once');
  assert.equal((await State.open(store)).get('task', 'arn:t/n')?.version, 20);
});

test('group commit: nothing is visible or heard, and nothing settles, before the commit is done', async () => {
  const store = new WatchedStore();
  const state = await State.open(store);
  const heard: Change[][] = [];
  state.subscribe((changes) => heard.push(changes));
  let release!: () => void;
  store.hold = new Promise((resolve) => (release = resolve));
  let settled = 0;
  const began = new Promise<void>((resolve) => (store.began = resolve));
  const mutations = [1, 2].map((n) => state.mutate((tx) => tx.put('cluster', `arn:c/${n}`, cluster(String(n)))).then(() => settled++));
  await began;
  assert.equal(state.count('cluster'), 0, 'memory shows only what is committed');
  assert.deepEqual([heard.length, settled], [0, 0]);
  const later = state.mutate((tx) => tx.put('cluster', 'arn:c/3', cluster('3')));
  store.hold = undefined;
  release();
  await Promise.all([...mutations, later]);
  assert.equal(state.count('cluster'), 3);
  assert.deepEqual(heard.map((changes) => changes.map((c) => c.id)), [['arn:c/1'], ['arn:c/2'], ['arn:c/3']], 'one notice per mutation, in order');
  assert.deepEqual(store.commits, [2, 1], 'a mutation that arrives during a commit waits for the next batch');
});

test('group commit: a failed commit fails its whole batch and leaves memory as it was; a throwing mutation stages nothing', async () => {
  const store = new WatchedStore();
  const state = await State.open(store);
  await state.mutate((tx) => tx.put('cluster', 'arn:c/a', cluster('a')));
  const heard: Change[][] = [];
  state.subscribe((changes) => heard.push(changes));
  store.failNext = true;
  const results = await Promise.allSettled([
    state.mutate((tx) => tx.put('cluster', 'arn:c/b', cluster('b'))),
    state.mutate((tx) => tx.delete('cluster', 'arn:c/a')),
    state.mutate((tx) => {
      tx.put('cluster', 'arn:c/c', cluster('c'));
      throw new Error('refused');
    }),
  ]);
  assert.deepEqual(
    results.map((r) => (r.status === 'rejected' ? (r.reason as Error).message : r.status)),
    ['disk full', 'disk full', 'refused'],
  );
  assert.deepEqual([...state.all('cluster')].map((c) => c.clusterName), ['a'], 'memory untouched');
  assert.equal(heard.length, 0);

  const after = await Promise.allSettled([
    state.mutate((tx) => tx.put('cluster', 'arn:c/b', cluster('b'))),
    state.mutate((tx) => {
      tx.put('cluster', 'arn:c/c', cluster('c'));
      throw new Error('refused');
    }),
    state.mutate((tx) => tx.get('cluster', 'arn:c/c')),
  ]);
  assert.deepEqual(after.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
  assert.equal((after[2] as PromiseFulfilledResult<unknown>).value, undefined, 'a later mutation does not see what a failed one staged');
  assert.deepEqual([...state.all('cluster')].map((c) => c.clusterName).sort(), ['a', 'b']);
  assert.deepEqual((await State.open(store)).count('cluster'), 2);
});

test('group commit: a listener that follows uncommitted memory stays exact through a batch and its failure', async () => {
  const store = new WatchedStore();
  const state = await State.open(store);
  // What the listener derives: the clusters it believes exist, checked against memory as each mutation runs.
  const derived = new Set<string>();
  state.subscribe(
    (changes) => {
      for (const { id, after } of changes) after ? derived.add(id) : derived.delete(id);
    },
    { uncommitted: true },
  );
  const committedHeard: string[] = [];
  state.subscribe((changes) => committedHeard.push(...changes.map((c) => c.id)));
  const check = () => assert.deepEqual([...derived].sort(), [...state.all('cluster')].map((c) => c.clusterArn).sort());
  const batch = () =>
    Promise.allSettled(
      ['a', 'b'].map((name) =>
        state.mutate((tx) => {
          check();
          tx.put('cluster', `arn:c/${name}`, cluster(name));
        }),
      ),
    );
  store.failNext = true;
  await batch();
  assert.deepEqual([derived.size, committedHeard.length], [0, 0], 'undone with the failed batch');
  await batch();
  check();
  assert.deepEqual(committedHeard, ['arn:c/a', 'arn:c/b']);
});

test('group commit on a store that commits as it is called: each change heard once, a failed commit undone', async () => {
  const store = new SqliteStore(':memory:');
  const state = await State.open(store);
  const derived = new Set<string>();
  let heard = 0;
  state.subscribe(
    (changes) => {
      heard += changes.length;
      for (const { id, after } of changes) after ? derived.add(id) : derived.delete(id);
    },
    { uncommitted: true },
  );
  const committed: string[] = [];
  state.subscribe((changes) => committed.push(...changes.map((c) => c.id)));
  await Promise.all(['a', 'b'].map((name) => state.mutate((tx) => tx.put('cluster', `arn:c/${name}`, cluster(name)))));
  assert.equal(heard, 2, 'what follows memory hears each change once');
  assert.deepEqual(committed, ['arn:c/a', 'arn:c/b']);

  // A record the store cannot encode fails its commit, and so the whole batch.
  const circular: Record<string, unknown> = { ...cluster('bad') };
  circular.self = circular;
  const results = await Promise.allSettled([
    state.mutate((tx) => tx.put('cluster', 'arn:c/c', cluster('c'))),
    state.mutate((tx) => tx.put('cluster', 'arn:c/bad', circular as never)),
  ]);
  assert.deepEqual(results.map((r) => r.status), ['rejected', 'rejected']);
  assert.deepEqual([...derived].sort(), ['arn:c/a', 'arn:c/b'], 'what follows memory is back where memory is');
  assert.deepEqual([...state.all('cluster')].map((c) => c.clusterName).sort(), ['a', 'b']);
  assert.deepEqual(committed, ['arn:c/a', 'arn:c/b'], 'nothing of the failed batch heard as committed');
  assert.equal((await State.open(store)).count('cluster'), 2);
});
