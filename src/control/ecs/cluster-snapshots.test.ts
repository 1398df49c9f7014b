import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clusterSnapshots } from './cluster-snapshots.js';
import { fixture, putCluster, putInstance, putTaskDefinition } from './fixtures.js';
import { runTask } from './run-task.js';
import { submitTaskStateChange } from './submit-task-state-change.js';

test("a cluster's snapshot follows its instances and tasks as state commits", async () => {
  const f = await fixture();
  const cluster = await putCluster(f.ctx);
  const instance = await putInstance(f.ctx, cluster, 'i1', { memoryMiB: 1024 });
  await putTaskDefinition(f.ctx, 'web'); // 128 MiB
  const snapshots = clusterSnapshots(f.ctx.state);
  assert.equal(clusterSnapshots(f.ctx.state), snapshots, 'one keeper per state');
  const memory = () => snapshots.of(cluster.clusterArn).remainingResources(instance.containerInstanceArn)!.find((r) => r.name === 'MEMORY')!.integerValue;
  assert.equal(memory(), 1024);

  const { tasks = [] } = await runTask(f.ctx, { taskDefinition: 'web' });
  assert.equal(memory(), 896);
  await submitTaskStateChange(f.ctx, { task: tasks[0]!.taskArn, status: 'STOPPED' });
  assert.equal(memory(), 1024, 'a stopped task holds nothing');

  await f.ctx.state.mutate((tx) => tx.put('containerInstance', instance.containerInstanceArn, { ...instance, status: 'DRAINING' }));
  assert.equal(snapshots.of(cluster.clusterArn).activeInstances, 0);
  await f.ctx.state.mutate((tx) => tx.delete('containerInstance', instance.containerInstanceArn));
  assert.equal(snapshots.of(cluster.clusterArn).remainingResources(instance.containerInstanceArn), undefined);
});

test('a snapshot built after tasks exist counts them', async () => {
  const f = await fixture();
  const cluster = await putCluster(f.ctx);
  const instance = await putInstance(f.ctx, cluster, 'i1', { memoryMiB: 1024 });
  await putTaskDefinition(f.ctx, 'web');
  await runTask(f.ctx, { taskDefinition: 'web', count: 2 });
  // A fresh state over the same records, as after a restart.
  const g = await fixture();
  await g.ctx.state.mutate((tx) => {
    for (const kind of f.ctx.state.kinds()) for (const [id, record] of f.ctx.state.entries(kind)) tx.put(kind, id, record as never);
  });
  const snapshot = clusterSnapshots(g.ctx.state).of(cluster.clusterArn);
  assert.equal(snapshot.remainingResources(instance.containerInstanceArn)!.find((r) => r.name === 'MEMORY')!.integerValue, 768);
});
