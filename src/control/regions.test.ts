import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clusterArn } from '../core/arn.js';
import type { CallContext } from '../core/caller.js';
import { fixture } from './ecs/fixtures.js';
import { createCluster } from './ecs/create-cluster.js';
import { inRegion, Regions } from './regions.js';

test('a region\'s context: its own state and ARNs, the same ports, one per region', async () => {
  const { ctx, call } = await fixture();
  const ohio = inRegion(ctx, 'us-east-2');
  assert.equal(inRegion(ctx, 'us-east-2'), ohio);
  assert.equal(inRegion(ohio, 'us-east-1'), ctx, 'back to the base from any region');
  assert.equal(ohio.clock, ctx.clock);
  ctx.endpoint = 'http://127.0.0.1:4566';
  assert.equal(ohio.endpoint, ctx.endpoint, 'members set later on the base show in every region');

  await createCluster(ohio, { clusterName: 'c' }, { ...call, region: 'us-east-2' });
  assert.ok(ohio.state.get('cluster', clusterArn(ohio.partition, 'c')));
  assert.equal(ctx.state.count('cluster'), 0);
  assert.match(clusterArn(ohio.partition, 'c'), /:us-east-2:/);
});

test('Regions: defaults made once per region on first use, again after forget; controllers for every region with state', async () => {
  const { ctx, call } = await fixture();
  const made: string[] = [];
  const regions = new Regions(ctx, async (regionCtx: typeof ctx, as: CallContext) => {
    made.push(`${regionCtx.partition.region}/${as.region}`);
  }, call);
  await Promise.all([regions.ready('eu-west-1'), regions.ready('eu-west-1')]);
  assert.deepEqual(made, ['eu-west-1/eu-west-1']);
  regions.forget();
  await regions.ready('eu-west-1');
  assert.equal(made.length, 2);

  const started: string[] = [];
  const stop = new AbortController();
  const running = regions.run(stop.signal, (regionCtx, signal) => {
    started.push(regionCtx.partition.region);
    return [new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()))];
  });
  assert.deepEqual(started, ['us-east-1'], 'the default region always');
  await createCluster(inRegion(ctx, 'ap-south-1'), { clusterName: 'c' }, { ...call, region: 'ap-south-1' });
  assert.deepEqual(started, ['us-east-1', 'ap-south-1'], 'a region is started with its first record');
  stop.abort();
  await running;
});
