import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deregisterContainerInstance } from './deregister-container-instance.js';
import { fixture, populated, putTask } from './fixtures.js';

test('DeregisterContainerInstance makes an idle instance INACTIVE', async () => {
  const f = await fixture();
  const where = await populated(f);
  const id = where.instanceArn.split('/').at(-1)!;
  const { containerInstance } = await deregisterContainerInstance(f.ctx, { containerInstance: id });
  assert.equal(containerInstance?.status, 'INACTIVE');
  assert.equal(containerInstance?.version, 2);
  const again = await deregisterContainerInstance(f.ctx, { containerInstance: where.instanceArn });
  assert.equal(again.containerInstance?.version, 2, 'already INACTIVE: unchanged');
});

test('DeregisterContainerInstance refuses with tasks on the instance unless forced, then orphans them', async () => {
  const f = await fixture();
  const where = await populated(f);
  const task = await putTask(f.ctx, { ...where, instanceArn: where.instanceArn });
  await assert.rejects(deregisterContainerInstance(f.ctx, { containerInstance: where.instanceArn }), { code: 'InvalidParameterException' });
  assert.equal(f.ctx.state.get('containerInstance', where.instanceArn)?.status, 'ACTIVE');

  const { containerInstance } = await deregisterContainerInstance(f.ctx, { containerInstance: where.instanceArn, force: true });
  assert.equal(containerInstance?.status, 'INACTIVE');
  const orphaned = f.ctx.state.get('task', task.taskArn)!;
  assert.equal(orphaned.lastStatus, 'STOPPED');
  assert.equal(orphaned.desiredStatus, 'STOPPED');
  assert.equal(orphaned.stopCode, 'UserInitiated');
  assert.ok(orphaned.stoppedAt);
});

test('DeregisterContainerInstance of an unknown instance or cluster fails', async () => {
  const f = await fixture();
  await populated(f);
  await assert.rejects(deregisterContainerInstance(f.ctx, { containerInstance: 'f'.repeat(32) }), { code: 'InvalidParameterException' });
  await assert.rejects(deregisterContainerInstance(f.ctx, { cluster: 'nope', containerInstance: 'x' }), { code: 'ClusterNotFoundException' });
});
