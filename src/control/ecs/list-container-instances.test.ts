import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deregisterContainerInstance } from './deregister-container-instance.js';
import { fixture, populated } from './fixtures.js';
import { listContainerInstances } from './list-container-instances.js';
import { putAttributes } from './put-attributes.js';
import { registerContainerInstance } from './register-container-instance.js';
import { updateContainerInstancesState } from './update-container-instances-state.js';

test('ListContainerInstances filters by status and by cluster query expression, and pages', async () => {
  const f = await fixture();
  const where = await populated(f);
  const second = (await registerContainerInstance(f.ctx, { instanceIdentityDocument: JSON.stringify({ instanceType: 'm5.large' }) })).containerInstance!
    .containerInstanceArn!;
  const third = (await registerContainerInstance(f.ctx, {})).containerInstance!.containerInstanceArn!;
  await putAttributes(f.ctx, { attributes: [{ name: 'stack', value: 'blue', targetId: where.instanceArn }] });
  await updateContainerInstancesState(f.ctx, { containerInstances: [second], status: 'DRAINING' });
  await deregisterContainerInstance(f.ctx, { containerInstance: third });

  assert.deepEqual((await listContainerInstances(f.ctx, {})).containerInstanceArns?.sort(), [where.instanceArn, second].sort());
  assert.deepEqual((await listContainerInstances(f.ctx, { status: 'DRAINING' })).containerInstanceArns, [second]);
  assert.deepEqual((await listContainerInstances(f.ctx, { filter: 'attribute:stack == blue' })).containerInstanceArns, [where.instanceArn]);
  assert.deepEqual((await listContainerInstances(f.ctx, { filter: 'attribute:ecs.instance-type =~ m5.*' })).containerInstanceArns, [second]);
  const page = await listContainerInstances(f.ctx, { maxResults: 1 });
  assert.equal(page.containerInstanceArns?.length, 1);
  assert.equal((await listContainerInstances(f.ctx, { maxResults: 1, nextToken: page.nextToken })).containerInstanceArns?.length, 1);
});

test('ListContainerInstances refuses bad expressions and unknown clusters', async () => {
  const f = await fixture();
  await populated(f);
  await assert.rejects(listContainerInstances(f.ctx, { filter: 'attribute:stack ==' }), { code: 'InvalidParameterException' });
  await assert.rejects(listContainerInstances(f.ctx, { cluster: 'nope' }), { code: 'ClusterNotFoundException' });
});
