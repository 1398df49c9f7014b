import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCluster } from './create-cluster.js';
import { fixture } from './fixtures.js';
import { updateClusterSettings } from './update-cluster-settings.js';

test('UpdateClusterSettings sets cluster settings by name', async () => {
  const f = await fixture();
  await createCluster(f.ctx, { clusterName: 'c' }, f.call);
  const { cluster } = await updateClusterSettings(f.ctx, { cluster: 'c', settings: [{ name: 'containerInsights', value: 'enhanced' }] });
  assert.deepEqual(cluster?.settings, [{ name: 'containerInsights', value: 'enhanced' }]);
  await assert.rejects(updateClusterSettings(f.ctx, { cluster: 'c', settings: [{ name: 'containerInsights', value: 'x' }] }), {
    code: 'InvalidParameterException',
  });
  await assert.rejects(updateClusterSettings(f.ctx, { cluster: 'nope', settings: [] }), { code: 'ClusterNotFoundException' });
});
