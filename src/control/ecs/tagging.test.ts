import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCluster } from './create-cluster.js';
import { fixture, populated, putTask } from './fixtures.js';
import { listTagsForResource } from './list-tags-for-resource.js';
import { tagResource } from './tag-resource.js';
import { untagResource } from './untag-resource.js';

test('TagResource, UntagResource and ListTagsForResource work on clusters, task definitions, tasks and instances', async () => {
  const f = await fixture();
  const where = await populated(f);
  const task = await putTask(f.ctx, where);
  for (const resourceArn of [where.clusterArn, where.taskDefinitionArn, task.taskArn, where.instanceArn]) {
    await tagResource(f.ctx, { resourceArn, tags: [{ key: 'a', value: '1' }, { key: 'b', value: '2' }] });
    await tagResource(f.ctx, { resourceArn, tags: [{ key: 'a', value: '3' }] });
    await untagResource(f.ctx, { resourceArn, tagKeys: ['b', 'never-there'] });
    assert.deepEqual((await listTagsForResource(f.ctx, { resourceArn })).tags, [{ key: 'a', value: '3' }], resourceArn);
  }
});

test('Tags follow ECS limits: 50 per resource, key and value sizes, the aws: prefix', async () => {
  const f = await fixture();
  const { cluster } = await createCluster(f.ctx, { clusterName: 'c' }, f.call);
  const resourceArn = cluster!.clusterArn!;
  const invalid = { code: 'InvalidParameterException' };
  await tagResource(f.ctx, { resourceArn, tags: Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, value: '' })) });
  await assert.rejects(tagResource(f.ctx, { resourceArn, tags: [{ key: 'one-more', value: 'x' }] }), invalid);
  await tagResource(f.ctx, { resourceArn, tags: [{ key: 'k0', value: 'overwrite is fine' }] });
  await assert.rejects(tagResource(f.ctx, { resourceArn, tags: [{ key: 'x'.repeat(129), value: '' }] }), invalid);
  await assert.rejects(tagResource(f.ctx, { resourceArn, tags: [{ key: '', value: '' }] }), invalid);
  await assert.rejects(tagResource(f.ctx, { resourceArn, tags: [{ key: 'k', value: 'v'.repeat(257) }] }), invalid);
  await assert.rejects(tagResource(f.ctx, { resourceArn, tags: [{ key: 'k', value: 'no\nnewlines' }] }), invalid);
  await assert.rejects(tagResource(f.ctx, { resourceArn, tags: [{ key: 'Aws:team', value: 'x' }] }), invalid);
  await assert.rejects(untagResource(f.ctx, { resourceArn, tagKeys: ['aws:cloudformation:stack-name'] }), invalid);
  assert.equal((await listTagsForResource(f.ctx, { resourceArn })).tags?.length, 50);
});

test('Tagging a bad ARN is InvalidParameterException; an unknown resource, ResourceNotFoundException', async () => {
  const f = await fixture();
  for (const resourceArn of ['not-an-arn', 'arn:aws:ecr:us-east-1:123456789012:repository/x', 'arn:aws:ecs:us-east-1:123456789012:widget/x']) {
    await assert.rejects(listTagsForResource(f.ctx, { resourceArn }), { code: 'InvalidParameterException', message: 'The ARN provided is invalid.' });
  }
  const missing = 'arn:aws:ecs:us-east-1:123456789012:cluster/nope';
  await assert.rejects(listTagsForResource(f.ctx, { resourceArn: missing }), { code: 'ResourceNotFoundException' });
  await assert.rejects(tagResource(f.ctx, { resourceArn: missing, tags: [{ key: 'a', value: 'b' }] }), { code: 'ResourceNotFoundException' });
  await assert.rejects(untagResource(f.ctx, { resourceArn: missing, tagKeys: ['a'] }), { code: 'ResourceNotFoundException' });
});
