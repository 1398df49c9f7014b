import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deleteAttributes } from './delete-attributes.js';
import { fixture, populated } from './fixtures.js';
import { listAttributes } from './list-attributes.js';
import { putAttributes } from './put-attributes.js';

test('PutAttributes, DeleteAttributes and ListAttributes manage custom attributes of container instances', async () => {
  const f = await fixture();
  const where = await populated(f);
  const id = where.instanceArn.split('/').at(-1)!;
  const put = await putAttributes(f.ctx, {
    attributes: [
      { name: 'stack', value: 'blue', targetId: id },
      { name: 'gpu', targetId: where.instanceArn, targetType: 'container-instance' },
    ],
  });
  assert.deepEqual(put.attributes?.map((a) => a.targetType), ['container-instance', 'container-instance']);
  await putAttributes(f.ctx, { attributes: [{ name: 'stack', value: 'green', targetId: id }] });

  const stack = await listAttributes(f.ctx, { targetType: 'container-instance', attributeName: 'stack' });
  assert.deepEqual(stack.attributes, [{ name: 'stack', value: 'green', targetType: 'container-instance', targetId: where.instanceArn }]);
  const linux = await listAttributes(f.ctx, { targetType: 'container-instance', attributeName: 'ecs.os-type', attributeValue: 'linux' });
  assert.equal(linux.attributes?.length, 1, "ECS's own attributes are listed too");
  assert.deepEqual((await listAttributes(f.ctx, { targetType: 'container-instance', attributeName: 'stack', attributeValue: 'blue' })).attributes, []);

  await deleteAttributes(f.ctx, { attributes: [{ name: 'stack', targetId: id }, { name: 'absent', targetId: id }] });
  const names = (await listAttributes(f.ctx, { targetType: 'container-instance' })).attributes?.map((a) => a.name);
  assert.ok(names?.includes('gpu') && !names.includes('stack'));
  assert.equal(f.ctx.state.get('containerInstance', where.instanceArn)?.version, 4);
});

test('PutAttributes enforces the attribute rules and the limit of 10 custom attributes', async () => {
  const f = await fixture();
  const where = await populated(f);
  const targetId = where.instanceArn;
  const invalid = { code: 'InvalidParameterException' };
  await assert.rejects(putAttributes(f.ctx, { attributes: [] }), invalid);
  await assert.rejects(putAttributes(f.ctx, { attributes: [{ name: 'bad name', targetId }] }), invalid);
  await assert.rejects(putAttributes(f.ctx, { attributes: [{ name: 'x'.repeat(129), targetId }] }), invalid);
  await assert.rejects(putAttributes(f.ctx, { attributes: [{ name: 'v', value: ' padded', targetId }] }), invalid);
  await assert.rejects(putAttributes(f.ctx, { attributes: [{ name: 'v', value: 'a,b', targetId }] }), invalid);
  await assert.rejects(putAttributes(f.ctx, { attributes: [{ name: 'ecs.os-type', value: 'windows', targetId }] }), invalid);
  // The host id Wharf's agents register is the agent's, as ECS's attributes are: not set by a user, not counted below.
  await assert.rejects(putAttributes(f.ctx, { attributes: [{ name: 'wharf.host-id', value: 'elsewhere', targetId }] }), invalid);
  const instance = f.ctx.state.get('containerInstance', targetId)!;
  await f.ctx.state.mutate((tx) => tx.put('containerInstance', targetId, { ...instance, attributes: [...instance.attributes, { name: 'wharf.host-id', value: 'h' }] }));
  await assert.rejects(putAttributes(f.ctx, { attributes: [{ name: 'v' }] }), invalid);
  await assert.rejects(putAttributes(f.ctx, { attributes: Array.from({ length: 11 }, (_, i) => ({ name: `a${i}`, targetId })) }), invalid);

  await putAttributes(f.ctx, { attributes: Array.from({ length: 10 }, (_, i) => ({ name: `a${i}`, value: 'x', targetId })) });
  await putAttributes(f.ctx, { attributes: [{ name: 'a0', value: 'changing one is fine', targetId }] });
  await assert.rejects(putAttributes(f.ctx, { attributes: [{ name: 'a10', targetId }] }), { code: 'AttributeLimitExceededException' });
});

test('Attributes of unknown targets and clusters', async () => {
  const f = await fixture();
  await populated(f);
  await assert.rejects(putAttributes(f.ctx, { attributes: [{ name: 'a', targetId: 'f'.repeat(32) }] }), { code: 'TargetNotFoundException' });
  await assert.rejects(deleteAttributes(f.ctx, { attributes: [{ name: 'a', targetId: 'f'.repeat(32) }] }), { code: 'TargetNotFoundException' });
  await assert.rejects(putAttributes(f.ctx, { cluster: 'nope', attributes: [{ name: 'a', targetId: 'x' }] }), { code: 'ClusterNotFoundException' });
  await assert.rejects(listAttributes(f.ctx, { cluster: 'nope', targetType: 'container-instance' }), { code: 'ClusterNotFoundException' });
  await assert.rejects(listAttributes(f.ctx, { targetType: 'container-instance', attributeValue: 'x' }), { code: 'InvalidParameterException' });
});
