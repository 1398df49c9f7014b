import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCluster } from './create-cluster.js';
import { deleteCluster } from './delete-cluster.js';
import { fixture } from './fixtures.js';
import { listClusters } from './list-clusters.js';

test('ListClusters pages through ACTIVE clusters in ARN order', async () => {
  const f = await fixture();
  for (const name of ['c', 'a', 'd', 'b']) await createCluster(f.ctx, { clusterName: name }, f.call);
  await deleteCluster(f.ctx, { cluster: 'd' });
  const first = await listClusters(f.ctx, { maxResults: 2 });
  assert.deepEqual(first.clusterArns?.map((a) => a.split('/')[1]), ['a', 'b']);
  assert.ok(first.nextToken);
  const second = await listClusters(f.ctx, { maxResults: 2, nextToken: first.nextToken });
  assert.deepEqual(second.clusterArns?.map((a) => a.split('/')[1]), ['c']);
  assert.equal(second.nextToken, undefined);
});

test('ListClusters refuses a bad page size or a token it did not write', async () => {
  const f = await fixture();
  await assert.rejects(listClusters(f.ctx, { maxResults: 0 }), { code: 'InvalidParameterException' });
  await assert.rejects(listClusters(f.ctx, { maxResults: 101 }), { code: 'InvalidParameterException' });
  await assert.rejects(listClusters(f.ctx, { nextToken: 'bogus' }), { code: 'InvalidParameterException' });
});
