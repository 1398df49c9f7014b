import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCluster } from './create-cluster.js';
import { deleteCluster } from './delete-cluster.js';
import { deleteTaskDefinitions } from './delete-task-definitions.js';
import { deregisterContainerInstance } from './deregister-container-instance.js';
import { deregisterTaskDefinition } from './deregister-task-definition.js';
import { fixture, populated, putCluster, putInstance, putTask, putTaskDefinition } from './fixtures.js';
import { runTask } from './run-task.js';
import { submitTaskStateChange } from './submit-task-state-change.js';
import { reapExpired, RETENTION_MS, runRetention } from './retention.js';

test('Retention removes INACTIVE clusters and instances after an hour, and unused DELETE_IN_PROGRESS definitions', async () => {
  const f = await fixture();
  const where = await populated(f);
  const task = await putTask(f.ctx, { clusterArn: where.clusterArn, taskDefinitionArn: where.taskDefinitionArn });
  await deregisterTaskDefinition(f.ctx, { taskDefinition: where.taskDefinitionArn });
  await deleteTaskDefinitions(f.ctx, { taskDefinitions: [where.taskDefinitionArn] });
  await deregisterContainerInstance(f.ctx, { containerInstance: where.instanceArn });
  await createCluster(f.ctx, { clusterName: 'old' }, f.call);
  await deleteCluster(f.ctx, { cluster: 'old' });

  assert.equal(await reapExpired(f.ctx), 0, 'nothing has expired, and the definition is in use');
  f.advance(RETENTION_MS);
  await f.ctx.state.mutate((tx) => tx.put('task', task.taskArn, { ...task, lastStatus: 'STOPPED', desiredStatus: 'STOPPED' }));
  assert.equal(await reapExpired(f.ctx), 3);
  assert.equal(f.ctx.state.get('cluster', 'arn:aws:ecs:us-east-1:123456789012:cluster/old'), undefined);
  assert.equal(f.ctx.state.get('containerInstance', where.instanceArn), undefined);
  assert.equal(f.ctx.state.get('taskDefinition', where.taskDefinitionArn), undefined);
  assert.ok(f.ctx.state.get('cluster', where.clusterArn), 'ACTIVE clusters stay');
});

test('runRetention reaps until its signal aborts', async () => {
  const f = await fixture();
  await createCluster(f.ctx, { clusterName: 'old' }, f.call);
  await deleteCluster(f.ctx, { cluster: 'old' });
  f.advance(RETENTION_MS);
  const stop = new AbortController();
  const removed = new Promise<void>((resolve) => f.ctx.state.subscribe(() => resolve()));
  const loop = runRetention(f.ctx, stop.signal, 10);
  await removed;
  stop.abort();
  await loop;
  assert.equal(f.ctx.state.count('cluster'), 0);
});

test('stopped tasks stay an hour, then go; running ones stay', async () => {
  const f = await fixture();
  await putInstance(f.ctx, await putCluster(f.ctx), 'i1', { memoryMiB: 4096 });
  await putTaskDefinition(f.ctx, 'web');
  const { tasks = [] } = await runTask(f.ctx, { taskDefinition: 'web', count: 2 });
  const [stopped, running] = tasks.map((t) => t.taskArn!);
  await submitTaskStateChange(f.ctx, { task: stopped, status: 'STOPPED' });
  await submitTaskStateChange(f.ctx, { task: running, status: 'RUNNING' });

  f.advance(RETENTION_MS - 1);
  assert.equal(await reapExpired(f.ctx), 0);
  f.advance(1);
  assert.equal(await reapExpired(f.ctx), 1);
  assert.equal(f.ctx.state.get('task', stopped!), undefined);
  assert.ok(f.ctx.state.get('task', running!));
});
