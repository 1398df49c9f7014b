import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import type { ClusterRecord, TaskDefinitionRecord } from '../../core/ecs.js';
import { fixture, putCluster, putTask, putTaskDefinition, type Fixture } from './fixtures.js';
import { getTaskProtection } from './get-task-protection.js';
import { updateTaskProtection } from './update-task-protection.js';

let f: Fixture;
let cluster: ClusterRecord;
let definition: TaskDefinitionRecord;

beforeEach(async () => {
  f = await fixture();
  cluster = await putCluster(f.ctx);
  definition = await putTaskDefinition(f.ctx, 'web');
});

const serviceTask = (extra = {}) =>
  putTask(f.ctx, { clusterArn: cluster.clusterArn, taskDefinitionArn: definition.taskDefinitionArn }, { lastStatus: 'RUNNING', desiredStatus: 'RUNNING', group: 'service:web', ...extra });

test('UpdateTaskProtection protects for 120 minutes by default; GetTaskProtection reads it back until it expires', async () => {
  const task = await serviceTask();
  const now = f.ctx.clock.now().getTime();
  const out = await updateTaskProtection(f.ctx, { cluster: 'default', tasks: [task.taskArn], protectionEnabled: true });
  assert.deepEqual(out, { protectedTasks: [{ taskArn: task.taskArn, protectionEnabled: true, expirationDate: new Date(now + 120 * 60_000) }], failures: [] });
  const id = task.taskArn.split('/').at(-1)!;
  assert.deepEqual((await getTaskProtection(f.ctx, { cluster: 'default', tasks: [id] })).protectedTasks, out.protectedTasks);
  f.advance(120 * 60_000);
  assert.deepEqual((await getTaskProtection(f.ctx, { cluster: 'default', tasks: [id] })).protectedTasks, [{ taskArn: task.taskArn, protectionEnabled: false }]);
});

test('each call sets the expiry anew; protectionEnabled false removes it; the task version is unchanged', async () => {
  const task = await serviceTask();
  await updateTaskProtection(f.ctx, { cluster: 'default', tasks: [task.taskArn], protectionEnabled: true, expiresInMinutes: 2880 });
  const later = await updateTaskProtection(f.ctx, { cluster: 'default', tasks: [task.taskArn], protectionEnabled: true, expiresInMinutes: 1 });
  assert.deepEqual(later.protectedTasks![0]!.expirationDate, new Date(f.ctx.clock.now().getTime() + 60_000));
  const off = await updateTaskProtection(f.ctx, { cluster: 'default', tasks: [task.taskArn], protectionEnabled: false });
  assert.deepEqual(off.protectedTasks, [{ taskArn: task.taskArn, protectionEnabled: false }]);
  const stored = f.ctx.state.get('task', task.taskArn)!;
  assert.equal(stored.protectedUntil, undefined);
  assert.equal(stored.version, task.version);
});

test('standalone and stopping tasks fail with TASK_NOT_VALID, unknown ones with MISSING', async () => {
  const standalone = await putTask(f.ctx, { clusterArn: cluster.clusterArn, taskDefinitionArn: definition.taskDefinitionArn });
  const stopping = await serviceTask({ desiredStatus: 'STOPPED' });
  const missing = standalone.taskArn.replace(/[0-9a-f]{32}$/, 'f'.repeat(32));
  const out = await updateTaskProtection(f.ctx, { cluster: 'default', tasks: [standalone.taskArn, stopping.taskArn, missing], protectionEnabled: true });
  assert.deepEqual(out.protectedTasks, []);
  assert.deepEqual(out.failures, [
    { arn: standalone.taskArn, reason: 'TASK_NOT_VALID' },
    { arn: stopping.taskArn, reason: 'TASK_NOT_VALID' },
    { arn: missing, reason: 'MISSING' },
  ]);
});

test('bad input: expiresInMinutes out of 1..2880, more than 10 tasks, no tasks, a missing cluster', async () => {
  const task = await serviceTask();
  for (const expiresInMinutes of [0, 2881]) {
    await assert.rejects(updateTaskProtection(f.ctx, { cluster: 'default', tasks: [task.taskArn], protectionEnabled: true, expiresInMinutes }), { name: 'InvalidParameterException' });
  }
  const eleven = Array.from({ length: 11 }, () => task.taskArn);
  await assert.rejects(updateTaskProtection(f.ctx, { cluster: 'default', tasks: eleven, protectionEnabled: true }), { name: 'InvalidParameterException' });
  await assert.rejects(getTaskProtection(f.ctx, { cluster: 'default', tasks: [] }), { name: 'InvalidParameterException' });
  await assert.rejects(getTaskProtection(f.ctx, { cluster: 'nope', tasks: [task.taskArn] }), { name: 'ClusterNotFoundException' });
  await assert.rejects(updateTaskProtection(f.ctx, { cluster: 'nope', tasks: [task.taskArn], protectionEnabled: true }), { name: 'ClusterNotFoundException' });
});
