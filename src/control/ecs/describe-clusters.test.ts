import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCluster } from './create-cluster.js';
import { deleteCluster } from './delete-cluster.js';
import { describeClusters } from './describe-clusters.js';
import { fixture, populated, putTask } from './fixtures.js';

test('DescribeClusters counts tasks and instances from state', async () => {
  const f = await fixture();
  const where = await populated(f);
  await putTask(f.ctx, { ...where, instanceArn: where.instanceArn });
  await putTask(f.ctx, { ...where, instanceArn: where.instanceArn }, { lastStatus: 'PENDING', desiredStatus: 'RUNNING' });
  await putTask(f.ctx, { ...where, instanceArn: where.instanceArn }, { lastStatus: 'PROVISIONING', desiredStatus: 'RUNNING' });
  await putTask(f.ctx, { ...where, instanceArn: where.instanceArn }, { lastStatus: 'STOPPED', desiredStatus: 'STOPPED' });
  const { clusters, failures } = await describeClusters(f.ctx, {});
  assert.deepEqual(failures, []);
  const [c] = clusters!;
  assert.equal(c?.clusterName, 'default');
  assert.equal(c?.registeredContainerInstancesCount, 1);
  assert.equal(c?.runningTasksCount, 1);
  assert.equal(c?.pendingTasksCount, 2);
  assert.equal(c?.activeServicesCount, 0);
});

test('DescribeClusters adds the parts asked for with include', async () => {
  const f = await fixture();
  const where = await populated(f);
  await putTask(f.ctx, where);
  await createCluster(f.ctx, { clusterName: 'tagged', tags: [{ key: 'a', value: 'b' }], configuration: { executeCommandConfiguration: { logging: 'NONE' } } }, f.call);

  const plain = (await describeClusters(f.ctx, { clusters: ['tagged'] })).clusters![0]!;
  assert.deepEqual([plain.tags, plain.settings, plain.statistics], [[], [], []]);
  assert.equal(plain.configuration, undefined);
  assert.equal(plain.attachments, undefined);

  const full = (await describeClusters(f.ctx, { clusters: ['tagged'], include: ['TAGS', 'SETTINGS', 'CONFIGURATIONS', 'ATTACHMENTS'] })).clusters![0]!;
  assert.deepEqual(full.tags, [{ key: 'a', value: 'b' }]);
  assert.deepEqual(full.settings, [{ name: 'containerInsights', value: 'disabled' }]);
  assert.deepEqual(full.configuration, { executeCommandConfiguration: { logging: 'NONE' } });
  assert.deepEqual(full.attachments, []);

  const stats = (await describeClusters(f.ctx, { include: ['STATISTICS'] })).clusters![0]!.statistics!;
  assert.deepEqual(stats.find((s) => s.name === 'runningEC2TasksCount'), { name: 'runningEC2TasksCount', value: '1' });
  assert.deepEqual(stats.find((s) => s.name === 'pendingFargateTasksCount'), { name: 'pendingFargateTasksCount', value: '0' });
});

test('DescribeClusters answers unknown clusters as MISSING failures and still shows INACTIVE ones', async () => {
  const f = await fixture();
  await createCluster(f.ctx, { clusterName: 'gone' }, f.call);
  await deleteCluster(f.ctx, { cluster: 'gone' });
  const arn = 'arn:aws:ecs:us-east-1:123456789012:cluster/nope';
  const { clusters, failures } = await describeClusters(f.ctx, { clusters: ['gone', arn] });
  assert.equal(clusters?.[0]?.status, 'INACTIVE');
  assert.deepEqual(failures, [{ arn, reason: 'MISSING' }]);
});

test('DescribeClusters takes at most 100 clusters', async () => {
  const f = await fixture();
  const clusters = Array.from({ length: 101 }, (_, i) => `c${i}`);
  await assert.rejects(describeClusters(f.ctx, { clusters }), { code: 'InvalidParameterException' });
});
