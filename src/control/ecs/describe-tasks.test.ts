import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { taskArn } from '../../core/arn.js';
import { describeTasks } from './describe-tasks.js';
import { fixture, type Fixture, putCluster, putInstance, putTaskDefinition } from './fixtures.js';
import { runTask } from './run-task.js';

let f: Fixture;
let arn: string;

beforeEach(async () => {
  f = await fixture();
  await putInstance(f.ctx, await putCluster(f.ctx), 'i1');
  await putTaskDefinition(f.ctx, 'web');
  const { tasks = [] } = await runTask(f.ctx, { taskDefinition: 'web', tags: [{ key: 'k', value: 'v' }] });
  arn = tasks[0]!.taskArn!;
});

test('describes tasks by ARN or id; tags only when included', async () => {
  const id = arn.split('/').at(-1)!;
  const { tasks = [], failures } = await describeTasks(f.ctx, { tasks: [arn, id] });
  assert.deepEqual(failures, []);
  assert.equal(tasks.length, 1, 'the same task named twice is described once');
  assert.equal(tasks[0]!.taskArn, arn);
  assert.equal(tasks[0]!.tags, undefined);
  const withTags = await describeTasks(f.ctx, { tasks: [id], include: ['TAGS'] });
  assert.deepEqual(withTags.tasks![0]!.tags, [{ key: 'k', value: 'v' }]);
});

test('unknown tasks, and tasks of another cluster, are MISSING failures', async () => {
  await putCluster(f.ctx, 'other');
  const missing = 'ffffffffffffffffffffffffffffffff';
  const here = await describeTasks(f.ctx, { tasks: [missing] });
  assert.deepEqual(here, { tasks: [], failures: [{ arn: taskArn(f.ctx.partition, 'default', missing), reason: 'MISSING' }] });
  const there = await describeTasks(f.ctx, { cluster: 'other', tasks: [arn] });
  assert.deepEqual(there, { tasks: [], failures: [{ arn, reason: 'MISSING' }] });
});

test('errors: no tasks, more than 100, unknown cluster', async () => {
  await assert.rejects(describeTasks(f.ctx, { tasks: [] }), { code: 'InvalidParameterException', message: 'Tasks cannot be empty.' });
  await assert.rejects(describeTasks(f.ctx, { tasks: Array.from({ length: 101 }, (_, i) => String(i)) }), {
    code: 'InvalidParameterException',
    message: 'taskIds can have at most 100 items.',
  });
  await assert.rejects(describeTasks(f.ctx, { cluster: 'nope', tasks: [arn] }), { code: 'ClusterNotFoundException' });
});
