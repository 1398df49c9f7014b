import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import type { ClusterRecord } from '../../core/ecs.js';
import { fixture, type Fixture, putCluster, putInstance, putTaskDefinition } from './fixtures.js';
import { runTask } from './run-task.js';
import { stopTask } from './stop-task.js';
import { submitTaskStateChange } from './submit-task-state-change.js';

let f: Fixture;
let cluster: ClusterRecord;

beforeEach(async () => {
  f = await fixture();
  cluster = await putCluster(f.ctx);
  await putTaskDefinition(f.ctx, 'web');
});

async function started(): Promise<string> {
  const { tasks = [] } = await runTask(f.ctx, { taskDefinition: 'web' });
  return tasks[0]!.taskArn!;
}

test('StopTask asks the agent to stop a running task: UserInitiated, default reason, stoppingAt', async () => {
  await putInstance(f.ctx, cluster, 'i1');
  const arn = await started();
  await submitTaskStateChange(f.ctx, { task: arn, status: 'RUNNING' });
  f.advance(1000);
  const { task } = await stopTask(f.ctx, { task: arn });
  assert.deepEqual([task!.desiredStatus, task!.lastStatus, task!.stopCode, task!.stoppedReason], ['STOPPED', 'RUNNING', 'UserInitiated', 'Task stopped by user']);
  assert.deepEqual(task!.stoppingAt, f.ctx.clock.now());
  assert.equal(task!.version, 3);
});

test('StopTask takes the task by id, with its reason; a second StopTask changes nothing', async () => {
  await putInstance(f.ctx, cluster, 'i1');
  const arn = await started();
  const { task } = await stopTask(f.ctx, { cluster: 'default', task: arn.split('/').at(-1)!, reason: 'done' });
  assert.equal(task!.stoppedReason, 'done');
  const { task: again } = await stopTask(f.ctx, { task: arn, reason: 'other' });
  assert.deepEqual(again, task);
});

test('StopTask of a STOPPED task returns it unchanged', async () => {
  await putInstance(f.ctx, cluster, 'i1');
  const arn = await started();
  await submitTaskStateChange(f.ctx, { task: arn, status: 'STOPPED', containers: [{ containerName: 'app', status: 'STOPPED', exitCode: 0 }] });
  const before = f.ctx.state.get('task', arn);
  const { task } = await stopTask(f.ctx, { task: arn });
  assert.deepEqual(task, before);
  assert.equal(task!.stopCode, 'EssentialContainerExited');
});

test('a task that never started, on an instance whose agent is gone, is stopped at once', async () => {
  const instance = await putInstance(f.ctx, cluster, 'i1');
  const arn = await started();
  await f.ctx.state.mutate((tx) => tx.put('containerInstance', instance.containerInstanceArn, { ...instance, agentConnected: false }));
  const { task } = await stopTask(f.ctx, { task: arn });
  assert.deepEqual([task!.lastStatus, task!.desiredStatus, task!.stopCode], ['STOPPED', 'STOPPED', 'UserInitiated']);
  assert.deepEqual(task!.containers!.map((c) => c.lastStatus), ['STOPPED']);
  assert.deepEqual(task!.stoppedAt, f.ctx.clock.now());
});

test('errors: unknown task, task of another cluster, unknown cluster', async () => {
  await putInstance(f.ctx, cluster, 'i1');
  const arn = await started();
  await putCluster(f.ctx, 'other');
  const invalid = { code: 'InvalidParameterException', message: 'The referenced task was not found.' };
  await assert.rejects(stopTask(f.ctx, { task: '0123456789abcdef0123456789abcdef' }), invalid);
  await assert.rejects(stopTask(f.ctx, { cluster: 'other', task: arn }), invalid);
  await assert.rejects(stopTask(f.ctx, { cluster: 'nope', task: arn }), { code: 'ClusterNotFoundException', message: 'Cluster not found.' });
});
