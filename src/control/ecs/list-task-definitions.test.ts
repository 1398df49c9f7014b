import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deregisterTaskDefinition } from './deregister-task-definition.js';
import { fixture, webDefinition } from './fixtures.js';
import { listTaskDefinitions } from './list-task-definitions.js';
import { registerTaskDefinition } from './register-task-definition.js';

const short = (arns: string[] | undefined) => arns?.map((a) => a.split('/')[1]);

test('ListTaskDefinitions filters by whole family and status, sorts ASC or DESC, and pages', async () => {
  const f = await fixture();
  for (const family of ['web', 'api', 'web', 'webby']) await registerTaskDefinition(f.ctx, webDefinition({ family }), f.call);
  for (let i = 0; i < 9; i++) await registerTaskDefinition(f.ctx, webDefinition(), f.call);
  await deregisterTaskDefinition(f.ctx, { taskDefinition: 'web:1' });

  assert.deepEqual(short((await listTaskDefinitions(f.ctx, { familyPrefix: 'web', maxResults: 3 })).taskDefinitionArns), ['web:2', 'web:3', 'web:4']);
  assert.deepEqual(short((await listTaskDefinitions(f.ctx, { status: 'INACTIVE' })).taskDefinitionArns), ['web:1']);
  const all = await listTaskDefinitions(f.ctx, {});
  assert.deepEqual(short(all.taskDefinitionArns)?.slice(0, 3), ['api:1', 'web:2', 'web:3']);
  assert.equal(short(all.taskDefinitionArns)?.at(-1), 'webby:1');
  assert.ok(short(all.taskDefinitionArns)?.indexOf('web:11')! > short(all.taskDefinitionArns)!.indexOf('web:9'), 'revisions sort as numbers');

  const first = await listTaskDefinitions(f.ctx, { familyPrefix: 'web', sort: 'DESC', maxResults: 2 });
  assert.deepEqual(short(first.taskDefinitionArns), ['web:11', 'web:10']);
  const second = await listTaskDefinitions(f.ctx, { familyPrefix: 'web', sort: 'DESC', maxResults: 2, nextToken: first.nextToken });
  assert.deepEqual(short(second.taskDefinitionArns), ['web:9', 'web:8']);
});
