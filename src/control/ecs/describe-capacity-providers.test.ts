import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { describeCapacityProviders } from './describe-capacity-providers.js';
import { fixture, putCluster, type Fixture } from './fixtures.js';

let f: Fixture;
const ARN = 'arn:aws:ecs:us-east-1:123456789012:capacity-provider/';

beforeEach(async () => {
  f = await fixture();
});

test('every account has FARGATE and FARGATE_SPOT, ACTIVE, without tags unless asked', async () => {
  const out = await describeCapacityProviders(f.ctx, {});
  assert.deepEqual(out, {
    capacityProviders: [
      { capacityProviderArn: `${ARN}FARGATE`, name: 'FARGATE', status: 'ACTIVE', type: 'FARGATE' },
      { capacityProviderArn: `${ARN}FARGATE_SPOT`, name: 'FARGATE_SPOT', status: 'ACTIVE', type: 'FARGATE_SPOT' },
    ],
    failures: [],
  });
  const tagged = await describeCapacityProviders(f.ctx, { capacityProviders: ['FARGATE'], include: ['TAGS'] });
  assert.deepEqual(tagged.capacityProviders![0]!.tags, []);
});

test('by name or ARN; unknown ones are MISSING failures', async () => {
  const out = await describeCapacityProviders(f.ctx, { capacityProviders: [`${ARN}FARGATE_SPOT`, 'my-asg-provider'] });
  assert.deepEqual(out.capacityProviders!.map((p) => p.name), ['FARGATE_SPOT']);
  assert.deepEqual(out.failures, [{ arn: `${ARN}my-asg-provider`, reason: 'MISSING' }]);
});

test('with a cluster, only its providers; a missing cluster is ClusterNotFoundException', async () => {
  const cluster = await putCluster(f.ctx, 'c1');
  await f.ctx.state.mutate((tx) => tx.put('cluster', cluster.clusterArn, { ...cluster, capacityProviders: ['FARGATE_SPOT'] }));
  assert.deepEqual((await describeCapacityProviders(f.ctx, { cluster: 'c1' })).capacityProviders!.map((p) => p.name), ['FARGATE_SPOT']);
  await assert.rejects(describeCapacityProviders(f.ctx, { cluster: 'nope' }), { name: 'ClusterNotFoundException' });
});

test('pages of at most 10', async () => {
  const first = await describeCapacityProviders(f.ctx, { maxResults: 1 });
  assert.deepEqual(first.capacityProviders!.map((p) => p.name), ['FARGATE']);
  const second = await describeCapacityProviders(f.ctx, { maxResults: 1, nextToken: first.nextToken });
  assert.deepEqual([second.capacityProviders!.map((p) => p.name), second.nextToken], [['FARGATE_SPOT'], undefined]);
  await assert.rejects(describeCapacityProviders(f.ctx, { maxResults: 11 }), { name: 'InvalidParameterException' });
});
