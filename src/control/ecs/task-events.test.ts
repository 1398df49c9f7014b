import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixture, putCluster, putInstance, putTaskDefinition } from './fixtures.js';
import { runTask } from './run-task.js';
import { submitTaskStateChange } from './submit-task-state-change.js';
import { recordTaskEvents } from './task-events.js';

test('every task version makes one ECS Task State Change event, in EventBridge shape', async () => {
  const f = await fixture();
  await putInstance(f.ctx, await putCluster(f.ctx), 'i1');
  await putTaskDefinition(f.ctx, 'web');
  const stopping = new AbortController();
  const log = recordTaskEvents(f.ctx, stopping.signal);
  const { tasks = [] } = await runTask(f.ctx, { taskDefinition: 'web', tags: [{ key: 'k', value: 'v' }] });
  const arn = tasks[0]!.taskArn!;
  f.advance(1500);
  await submitTaskStateChange(f.ctx, { task: arn, status: 'RUNNING', containers: [{ containerName: 'app', status: 'RUNNING' }] });
  await submitTaskStateChange(f.ctx, { task: arn, status: 'RUNNING', containers: [{ containerName: 'app', status: 'RUNNING' }] });
  // Bookkeeping that makes no new version is not an event.
  await f.ctx.state.mutate((tx) => tx.put('task', arn, { ...tx.get('task', arn)!, serviceAccounted: true }));

  const events = log.events();
  assert.deepEqual(events.map((e) => [e.detail.version, e.detail.lastStatus]), [[1, 'PENDING'], [2, 'RUNNING']]);
  const running = events[1]!;
  assert.deepEqual(
    { ...running, id: undefined, detail: undefined },
    { version: '0', id: undefined, 'detail-type': 'ECS Task State Change', source: 'aws.ecs', account: '123456789012', time: '2026-01-01T00:00:01Z', region: 'us-east-1', resources: [arn], detail: undefined },
  );
  assert.match(running.id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  assert.equal(running.detail.startedAt, '2026-01-01T00:00:01.500Z');
  assert.equal(running.detail.updatedAt, '2026-01-01T00:00:01.500Z');
  assert.equal(running.detail.tags, undefined);
  assert.equal(running.detail.clientToken, undefined);
  assert.deepEqual(Object.keys((running.detail.containers as object[])[0]!).includes('essential'), false);

  stopping.abort();
  await submitTaskStateChange(f.ctx, { task: arn, status: 'STOPPED' });
  assert.equal(log.events().length, 2, 'nothing is recorded once stopped');
});

test('the ring keeps the newest events', async () => {
  const f = await fixture();
  await putInstance(f.ctx, await putCluster(f.ctx), 'i1', { memoryMiB: 4096 });
  await putTaskDefinition(f.ctx, 'web');
  const log = recordTaskEvents(f.ctx, new AbortController().signal, 3);
  const { tasks = [] } = await runTask(f.ctx, { taskDefinition: 'web', count: 5 });
  assert.deepEqual(log.events().map((e) => e.resources[0]), tasks.slice(2).map((t) => t.taskArn));
});
