import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCluster } from './create-cluster.js';
import { deleteCluster } from './delete-cluster.js';
import { fixture } from './fixtures.js';
import { putAccountSettingDefault } from './put-account-setting-default.js';

test('CreateCluster names the cluster default unless told, and answers with every part of it', async () => {
  const f = await fixture();
  const { cluster } = await createCluster(f.ctx, {}, f.call);
  assert.equal(cluster?.clusterName, 'default');
  assert.equal(cluster?.clusterArn, 'arn:aws:ecs:us-east-1:123456789012:cluster/default');
  assert.equal(cluster?.status, 'ACTIVE');
  assert.deepEqual(cluster?.settings, [{ name: 'containerInsights', value: 'disabled' }]);
  assert.deepEqual(
    [cluster?.registeredContainerInstancesCount, cluster?.runningTasksCount, cluster?.pendingTasksCount, cluster?.activeServicesCount],
    [0, 0, 0, 0],
  );
  assert.deepEqual(cluster?.capacityProviders, []);
  assert.deepEqual(cluster?.defaultCapacityProviderStrategy, []);
});

test('CreateCluster of an ACTIVE cluster answers with it unchanged; of an INACTIVE one, creates it afresh', async () => {
  const f = await fixture();
  await createCluster(f.ctx, { clusterName: 'prod', tags: [{ key: 'team', value: 'a' }] }, f.call);
  const again = await createCluster(f.ctx, { clusterName: 'prod', tags: [{ key: 'team', value: 'b' }] }, f.call);
  assert.deepEqual(again.cluster?.tags, [{ key: 'team', value: 'a' }]);

  await deleteCluster(f.ctx, { cluster: 'prod' });
  const fresh = await createCluster(f.ctx, { clusterName: 'prod' }, f.call);
  assert.equal(fresh.cluster?.status, 'ACTIVE');
  assert.deepEqual(fresh.cluster?.tags, []);
});

test('CreateCluster keeps settings, configuration and capacity providers as given', async () => {
  const f = await fixture();
  const { cluster } = await createCluster(
    f.ctx,
    {
      clusterName: 'c',
      settings: [{ name: 'containerInsights', value: 'enabled' }],
      configuration: { executeCommandConfiguration: { logging: 'DEFAULT' } },
      capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
      defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1, base: 1 }, { capacityProvider: 'FARGATE_SPOT', weight: 4 }],
      serviceConnectDefaults: { namespace: 'local' },
    },
    f.call,
  );
  assert.deepEqual(cluster?.settings, [{ name: 'containerInsights', value: 'enabled' }]);
  assert.deepEqual(cluster?.configuration, { executeCommandConfiguration: { logging: 'DEFAULT' } });
  assert.deepEqual(cluster?.capacityProviders, ['FARGATE', 'FARGATE_SPOT']);
  assert.equal(cluster?.defaultCapacityProviderStrategy?.length, 2);
  assert.deepEqual(cluster?.serviceConnectDefaults, { namespace: 'local' });
});

test('CreateCluster takes Container Insights from the account setting', async () => {
  const f = await fixture();
  await putAccountSettingDefault(f.ctx, { name: 'containerInsights', value: 'enhanced' });
  const { cluster } = await createCluster(f.ctx, { clusterName: 'c' }, f.call);
  assert.deepEqual(cluster?.settings, [{ name: 'containerInsights', value: 'enhanced' }]);
});

test('CreateCluster refuses what ECS refuses', async () => {
  const f = await fixture();
  const invalid = { code: 'InvalidParameterException' };
  await assert.rejects(createCluster(f.ctx, { clusterName: 'no spaces' }, f.call), invalid);
  await assert.rejects(createCluster(f.ctx, { clusterName: 'x'.repeat(256) }, f.call), invalid);
  await assert.rejects(createCluster(f.ctx, { clusterName: 'c', tags: [{ key: 'aws:owner', value: 'me' }] }, f.call), invalid);
  await assert.rejects(createCluster(f.ctx, { clusterName: 'c', settings: [{ name: 'containerInsights', value: 'maybe' }] }, f.call), invalid);
  await assert.rejects(
    createCluster(f.ctx, { clusterName: 'c', defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE' }] }, f.call),
    invalid,
  );
  await assert.rejects(
    createCluster(
      f.ctx,
      {
        clusterName: 'c',
        capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
        defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE', base: 1 }, { capacityProvider: 'FARGATE_SPOT', base: 2 }],
      },
      f.call,
    ),
    invalid,
  );
  assert.equal(f.ctx.state.count('cluster'), 0, 'nothing was written');
});
