import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCluster } from './create-cluster.js';
import { deleteCluster } from './delete-cluster.js';
import { fixture } from './fixtures.js';
import { updateCluster } from './update-cluster.js';

test('UpdateCluster merges settings and replaces configuration and Service Connect defaults', async () => {
  const f = await fixture();
  await createCluster(f.ctx, { clusterName: 'c', configuration: { executeCommandConfiguration: { logging: 'NONE' } } }, f.call);
  const { cluster } = await updateCluster(f.ctx, {
    cluster: 'c',
    settings: [{ name: 'containerInsights', value: 'enabled' }],
    serviceConnectDefaults: { namespace: 'ns' },
  });
  assert.deepEqual(cluster?.settings, [{ name: 'containerInsights', value: 'enabled' }]);
  assert.deepEqual(cluster?.configuration, { executeCommandConfiguration: { logging: 'NONE' } }, 'kept when not given');
  assert.deepEqual(cluster?.serviceConnectDefaults, { namespace: 'ns' });

  const next = await updateCluster(f.ctx, { cluster: 'c', configuration: { executeCommandConfiguration: { logging: 'DEFAULT' } } });
  assert.deepEqual(next.cluster?.configuration, { executeCommandConfiguration: { logging: 'DEFAULT' } });
  assert.deepEqual(next.cluster?.settings, [{ name: 'containerInsights', value: 'enabled' }]);
});

test('UpdateCluster needs an ACTIVE cluster and valid settings', async () => {
  const f = await fixture();
  await assert.rejects(updateCluster(f.ctx, { cluster: 'nope' }), { code: 'ClusterNotFoundException' });
  await createCluster(f.ctx, { clusterName: 'c' }, f.call);
  await assert.rejects(updateCluster(f.ctx, { cluster: 'c', settings: [{ name: 'containerInsights', value: 'on' }] }), {
    code: 'InvalidParameterException',
  });
  await deleteCluster(f.ctx, { cluster: 'c' });
  await assert.rejects(updateCluster(f.ctx, { cluster: 'c' }), { code: 'ClusterNotFoundException' });
});
