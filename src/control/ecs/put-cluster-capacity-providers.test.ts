import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCluster } from './create-cluster.js';
import { fixture } from './fixtures.js';
import { putClusterCapacityProviders } from './put-cluster-capacity-providers.js';

test('PutClusterCapacityProviders replaces the providers and default strategy', async () => {
  const f = await fixture();
  await createCluster(f.ctx, { clusterName: 'c' }, f.call);
  const strategy = [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }];
  const { cluster } = await putClusterCapacityProviders(f.ctx, {
    cluster: 'c',
    capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
    defaultCapacityProviderStrategy: strategy,
  });
  assert.deepEqual(cluster?.capacityProviders, ['FARGATE', 'FARGATE_SPOT']);
  assert.deepEqual(cluster?.defaultCapacityProviderStrategy, strategy);

  const cleared = await putClusterCapacityProviders(f.ctx, { cluster: 'c', capacityProviders: [], defaultCapacityProviderStrategy: [] });
  assert.deepEqual(cleared.cluster?.capacityProviders, []);
});

test('PutClusterCapacityProviders refuses a strategy naming providers the cluster lacks, and unknown clusters', async () => {
  const f = await fixture();
  await createCluster(f.ctx, { clusterName: 'c' }, f.call);
  await assert.rejects(
    putClusterCapacityProviders(f.ctx, { cluster: 'c', capacityProviders: ['FARGATE'], defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT' }] }),
    { code: 'InvalidParameterException' },
  );
  await assert.rejects(putClusterCapacityProviders(f.ctx, { cluster: 'x', capacityProviders: [], defaultCapacityProviderStrategy: [] }), {
    code: 'ClusterNotFoundException',
  });
});
