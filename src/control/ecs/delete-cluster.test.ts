import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCluster } from './create-cluster.js';
import { deleteCluster } from './delete-cluster.js';
import { deregisterContainerInstance } from './deregister-container-instance.js';
import { fixture, populated, putTask } from './fixtures.js';

test('DeleteCluster makes an empty cluster INACTIVE; deleting it again answers with it', async () => {
  const f = await fixture();
  await createCluster(f.ctx, { clusterName: 'c' }, f.call);
  const { cluster } = await deleteCluster(f.ctx, { cluster: 'c' });
  assert.equal(cluster?.status, 'INACTIVE');
  const again = await deleteCluster(f.ctx, { cluster: 'arn:aws:ecs:us-east-1:123456789012:cluster/c' });
  assert.equal(again.cluster?.status, 'INACTIVE');
});

test('DeleteCluster refuses while instances are registered or tasks have not stopped', async () => {
  const f = await fixture();
  const where = await populated(f);
  await assert.rejects(deleteCluster(f.ctx, { cluster: 'default' }), { code: 'ClusterContainsContainerInstancesException' });
  await deregisterContainerInstance(f.ctx, { containerInstance: where.instanceArn });

  const task = await putTask(f.ctx, where, { lastStatus: 'STOPPING', desiredStatus: 'STOPPED' });
  await assert.rejects(deleteCluster(f.ctx, { cluster: 'default' }), { code: 'ClusterContainsTasksException' });
  await f.ctx.state.mutate((tx) => tx.put('task', task.taskArn, { ...task, lastStatus: 'STOPPED' }));

  assert.equal((await deleteCluster(f.ctx, { cluster: 'default' })).cluster?.status, 'INACTIVE');
});

test('DeleteCluster of an unknown cluster is ClusterNotFoundException', async () => {
  const f = await fixture();
  await assert.rejects(deleteCluster(f.ctx, { cluster: 'nope' }), { code: 'ClusterNotFoundException', message: 'Cluster not found.' });
});
