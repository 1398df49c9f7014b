import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deregisterTaskDefinition } from './deregister-task-definition.js';
import { fixture, webDefinition } from './fixtures.js';
import { registerTaskDefinition } from './register-task-definition.js';

test('DeregisterTaskDefinition makes a revision INACTIVE, once', async () => {
  const f = await fixture();
  await registerTaskDefinition(f.ctx, webDefinition(), f.call);
  const { taskDefinition } = await deregisterTaskDefinition(f.ctx, { taskDefinition: 'web:1' });
  assert.equal(taskDefinition?.status, 'INACTIVE');
  assert.deepEqual(taskDefinition?.deregisteredAt, new Date('2026-01-01T00:00:00Z'));
  f.advance(1000);
  const again = await deregisterTaskDefinition(f.ctx, { taskDefinition: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:1' });
  assert.deepEqual(again.taskDefinition?.deregisteredAt, new Date('2026-01-01T00:00:00Z'));
});

test('DeregisterTaskDefinition wants a revision that exists', async () => {
  const f = await fixture();
  await registerTaskDefinition(f.ctx, webDefinition(), f.call);
  await assert.rejects(deregisterTaskDefinition(f.ctx, { taskDefinition: 'web' }), { code: 'ClientException' });
  await assert.rejects(deregisterTaskDefinition(f.ctx, { taskDefinition: 'web:2' }), {
    code: 'ClientException',
    message: 'Unable to describe task definition.',
  });
});
