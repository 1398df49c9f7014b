import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixture, populated } from './fixtures.js';
import { updateContainerInstancesState } from './update-container-instances-state.js';

test('UpdateContainerInstancesState drains and reactivates instances, with failures for unknown ones', async () => {
  const f = await fixture();
  const where = await populated(f);
  const missing = 'f'.repeat(32);
  const drained = await updateContainerInstancesState(f.ctx, { containerInstances: [where.instanceArn, missing], status: 'DRAINING' });
  assert.equal(drained.containerInstances?.[0]?.status, 'DRAINING');
  assert.equal(drained.containerInstances?.[0]?.version, 2);
  assert.deepEqual(drained.failures, [{ arn: `arn:aws:ecs:us-east-1:123456789012:container-instance/default/${missing}`, reason: 'MISSING' }]);
  const same = await updateContainerInstancesState(f.ctx, { containerInstances: [where.instanceArn], status: 'DRAINING' });
  assert.equal(same.containerInstances?.[0]?.version, 2, 'no change, no new version');
  const back = await updateContainerInstancesState(f.ctx, { containerInstances: [where.instanceArn], status: 'ACTIVE' });
  assert.equal(back.containerInstances?.[0]?.status, 'ACTIVE');
});

test('UpdateContainerInstancesState takes only ACTIVE or DRAINING, and at most 10 instances', async () => {
  const f = await fixture();
  const where = await populated(f);
  await assert.rejects(updateContainerInstancesState(f.ctx, { containerInstances: [where.instanceArn], status: 'REGISTERING' }), {
    code: 'InvalidParameterException',
  });
  const eleven = Array.from({ length: 11 }, (_, i) => String(i));
  await assert.rejects(updateContainerInstancesState(f.ctx, { containerInstances: eleven, status: 'ACTIVE' }), { code: 'InvalidParameterException' });
  await assert.rejects(updateContainerInstancesState(f.ctx, { cluster: 'nope', containerInstances: ['x'], status: 'ACTIVE' }), {
    code: 'ClusterNotFoundException',
  });
});
