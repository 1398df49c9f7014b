import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deregisterTaskDefinition } from './deregister-task-definition.js';
import { fixture, webDefinition } from './fixtures.js';
import { listTaskDefinitionFamilies } from './list-task-definition-families.js';
import { registerTaskDefinition } from './register-task-definition.js';

test('ListTaskDefinitionFamilies filters by prefix and by whether a family has an ACTIVE revision', async () => {
  const f = await fixture();
  for (const family of ['web', 'web', 'webby', 'api']) await registerTaskDefinition(f.ctx, webDefinition({ family }), f.call);
  await deregisterTaskDefinition(f.ctx, { taskDefinition: 'web:1' });
  await deregisterTaskDefinition(f.ctx, { taskDefinition: 'webby:1' });

  assert.deepEqual((await listTaskDefinitionFamilies(f.ctx, {})).families, ['api', 'web', 'webby']);
  assert.deepEqual((await listTaskDefinitionFamilies(f.ctx, { familyPrefix: 'we' })).families, ['web', 'webby']);
  assert.deepEqual((await listTaskDefinitionFamilies(f.ctx, { status: 'ACTIVE' })).families, ['api', 'web']);
  assert.deepEqual((await listTaskDefinitionFamilies(f.ctx, { status: 'INACTIVE' })).families, ['webby']);
  const page = await listTaskDefinitionFamilies(f.ctx, { maxResults: 1 });
  assert.deepEqual(page.families, ['api']);
  assert.deepEqual((await listTaskDefinitionFamilies(f.ctx, { maxResults: 5, nextToken: page.nextToken })).families, ['web', 'webby']);
});
