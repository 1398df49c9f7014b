import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deleteTaskDefinitions } from './delete-task-definitions.js';
import { deregisterTaskDefinition } from './deregister-task-definition.js';
import { describeTaskDefinition } from './describe-task-definition.js';
import { fixture, populated, putTask, webDefinition } from './fixtures.js';
import { registerTaskDefinition } from './register-task-definition.js';

const arn = (name: string) => `arn:aws:ecs:us-east-1:123456789012:task-definition/${name}`;

test('DeleteTaskDefinitions deletes INACTIVE revisions and answers failures for the rest', async () => {
  const f = await fixture();
  await registerTaskDefinition(f.ctx, webDefinition(), f.call);
  await registerTaskDefinition(f.ctx, webDefinition(), f.call);
  await deregisterTaskDefinition(f.ctx, { taskDefinition: 'web:1' });

  const { taskDefinitions, failures } = await deleteTaskDefinitions(f.ctx, { taskDefinitions: ['web:1', 'web:2', 'web:7', 'web'] });
  assert.deepEqual(taskDefinitions?.map((d) => [d.taskDefinitionArn, d.status]), [[arn('web:1'), 'DELETE_IN_PROGRESS']]);
  assert.deepEqual(
    failures?.map((x) => x.arn),
    [arn('web:2'), arn('web:7'), 'web'],
  );
  assert.match(failures![0]!.reason!, /still in ACTIVE status/);
  assert.match(failures![1]!.reason!, /does not exist/);
  assert.match(failures![2]!.reason!, /identifier is invalid/);
  await assert.rejects(describeTaskDefinition(f.ctx, { taskDefinition: 'web:1' }), { code: 'ClientException' }, 'unused: gone at once');
  assert.equal((await registerTaskDefinition(f.ctx, webDefinition(), f.call)).taskDefinition?.revision, 3);
});

test('DeleteTaskDefinitions leaves a revision that tasks still use DELETE_IN_PROGRESS', async () => {
  const f = await fixture();
  const where = await populated(f);
  await putTask(f.ctx, where);
  await deregisterTaskDefinition(f.ctx, { taskDefinition: 'web:1' });
  await deleteTaskDefinitions(f.ctx, { taskDefinitions: ['web:1'] });
  assert.equal((await describeTaskDefinition(f.ctx, { taskDefinition: 'web:1' })).taskDefinition?.status, 'DELETE_IN_PROGRESS');
});

test('DeleteTaskDefinitions takes 1 to 10 references', async () => {
  const f = await fixture();
  await assert.rejects(deleteTaskDefinitions(f.ctx, { taskDefinitions: [] }), { code: 'InvalidParameterException' });
  const eleven = Array.from({ length: 11 }, (_, i) => `web:${i + 1}`);
  await assert.rejects(deleteTaskDefinitions(f.ctx, { taskDefinitions: eleven }), { code: 'InvalidParameterException' });
});
