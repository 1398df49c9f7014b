import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixture } from './ecs/fixtures.js';
import { runTask } from './ecs/run-task.js';
import { submitTaskStateChange } from './ecs/submit-task-state-change.js';
import { putCluster, putInstance, putTaskDefinition } from './ecs/task-fixtures.js';
import { purgeStoppedTasks, runTaskPurger, STOPPED_TASK_RETENTION_MS, tasksToPurge } from './task-purger.js';

test('stopped tasks stay an hour, then go; running ones stay', async () => {
  const f = await fixture();
  await putInstance(f.ctx, await putCluster(f.ctx), 'i1', { memoryMiB: 4096 });
  await putTaskDefinition(f.ctx, 'web');
  const { tasks = [] } = await runTask(f.ctx, { taskDefinition: 'web', count: 2 });
  const [stopped, running] = tasks.map((t) => t.taskArn!);
  await submitTaskStateChange(f.ctx, { task: stopped, status: 'STOPPED' });
  await submitTaskStateChange(f.ctx, { task: running, status: 'RUNNING' });

  f.advance(STOPPED_TASK_RETENTION_MS - 1);
  assert.deepEqual(tasksToPurge(f.ctx.state.all('task'), f.ctx.clock.now()), []);
  assert.equal(await purgeStoppedTasks(f.ctx), 0);
  f.advance(1);
  assert.deepEqual(tasksToPurge(f.ctx.state.all('task'), f.ctx.clock.now()), [stopped]);
  assert.equal(await purgeStoppedTasks(f.ctx), 1);
  assert.equal(f.ctx.state.get('task', stopped!), undefined);
  assert.ok(f.ctx.state.get('task', running!));
});

test('the purger loop runs until aborted', async () => {
  const f = await fixture();
  const abort = new AbortController();
  const loop = runTaskPurger(f.ctx, abort.signal, 10);
  abort.abort();
  await loop;
});
