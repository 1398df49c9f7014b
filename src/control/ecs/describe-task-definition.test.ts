import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deleteTaskDefinitions } from './delete-task-definitions.js';
import { deregisterTaskDefinition } from './deregister-task-definition.js';
import { describeTaskDefinition } from './describe-task-definition.js';
import { fixture, webDefinition } from './fixtures.js';
import { registerTaskDefinition } from './register-task-definition.js';

test('DescribeTaskDefinition finds a family (latest ACTIVE), family:revision or ARN', async () => {
  const f = await fixture();
  await registerTaskDefinition(f.ctx, webDefinition({ tags: [{ key: 'a', value: '1' }] }), f.call);
  await registerTaskDefinition(f.ctx, webDefinition(), f.call);
  await deregisterTaskDefinition(f.ctx, { taskDefinition: 'web:2' });

  assert.equal((await describeTaskDefinition(f.ctx, { taskDefinition: 'web' })).taskDefinition?.revision, 1);
  const inactive = await describeTaskDefinition(f.ctx, { taskDefinition: 'web:2' });
  assert.equal(inactive.taskDefinition?.status, 'INACTIVE');
  const byArn = await describeTaskDefinition(f.ctx, {
    taskDefinition: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:1',
    include: ['TAGS'],
  });
  assert.deepEqual(byArn.tags, [{ key: 'a', value: '1' }]);
  assert.equal((await describeTaskDefinition(f.ctx, { taskDefinition: 'web:1' })).tags, undefined, 'tags only when asked for');
});

test('a family is its highest ACTIVE revision, past deregistered and deleted newer ones', async () => {
  const f = await fixture();
  for (let i = 0; i < 5; i++) await registerTaskDefinition(f.ctx, webDefinition(), f.call);
  await deregisterTaskDefinition(f.ctx, { taskDefinition: 'web:5' });
  await deregisterTaskDefinition(f.ctx, { taskDefinition: 'web:4' });
  await deleteTaskDefinitions(f.ctx, { taskDefinitions: ['web:4'] });
  const latest = async () => (await describeTaskDefinition(f.ctx, { taskDefinition: 'web' })).taskDefinition?.revision;
  assert.equal(await latest(), 3);
  await registerTaskDefinition(f.ctx, webDefinition(), f.call);
  assert.equal(await latest(), 6);
  for (const revision of [1, 2, 3, 6]) await deregisterTaskDefinition(f.ctx, { taskDefinition: `web:${revision}` });
  await assert.rejects(latest(), { code: 'ClientException' });
});

test('DescribeTaskDefinition of nothing is a ClientException', async () => {
  const f = await fixture();
  await registerTaskDefinition(f.ctx, webDefinition(), f.call);
  await deregisterTaskDefinition(f.ctx, { taskDefinition: 'web:1' });
  for (const ref of ['nope', 'web:9', 'web', 'web:x', 'web:1:2']) {
    await assert.rejects(describeTaskDefinition(f.ctx, { taskDefinition: ref }), {
      code: 'ClientException',
      message: 'Unable to describe task definition.',
    }, ref);
  }
});
