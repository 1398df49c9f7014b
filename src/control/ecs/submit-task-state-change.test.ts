// The agent's reports through SubmitTaskStateChange and SubmitContainerStateChange.
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { describeTasks } from './describe-tasks.js';
import { IMAGE, fixture, type Fixture, putCluster, putInstance, putTaskDefinition } from './fixtures.js';
import { instanceCall } from './instance-fixtures.js';
import { runTask } from './run-task.js';
import { submitContainerStateChange } from './submit-container-state-change.js';
import { submitTaskStateChange } from './submit-task-state-change.js';

let f: Fixture;
let arn: string;

beforeEach(async () => {
  f = await fixture();
  await putInstance(f.ctx, await putCluster(f.ctx), 'i1');
  await putTaskDefinition(f.ctx, 'web', [
    { name: 'app', image: IMAGE, memory: 64 },
    { name: 'side', image: IMAGE, memory: 64, essential: false },
  ]);
  const { tasks = [] } = await runTask(f.ctx, { taskDefinition: 'web' });
  arn = tasks[0]!.taskArn!;
});

const task = async () => (await describeTasks(f.ctx, { tasks: [arn] })).tasks![0]!;

test('a task runs, then an essential container exits and the task stops', async () => {
  const pulled = new Date(f.ctx.clock.now().getTime() - 500);
  f.advance(1000);
  const ack = await submitTaskStateChange(f.ctx, {
    task: arn,
    status: 'RUNNING',
    pullStartedAt: pulled,
    pullStoppedAt: pulled,
    containers: [
      { containerName: 'app', status: 'RUNNING', runtimeId: 'r-app', networkBindings: [{ bindIP: '0.0.0.0', containerPort: 80, hostPort: 32768, protocol: 'tcp' }] },
      { containerName: 'side', status: 'RUNNING', runtimeId: 'r-side' },
    ],
  });
  assert.deepEqual(ack, { acknowledgment: 'ACK' });
  const running = await task();
  assert.deepEqual([running.lastStatus, running.version, running.startedAt, running.pullStartedAt], ['RUNNING', 2, f.ctx.clock.now(), pulled]);
  assert.deepEqual(running.containers!.map((c) => [c.lastStatus, c.runtimeId]), [['RUNNING', 'r-app'], ['RUNNING', 'r-side']]);
  assert.equal(running.containers![0]!.networkBindings![0]!.hostPort, 32768);

  f.advance(1000);
  await submitContainerStateChange(f.ctx, { task: arn, containerName: 'app', status: 'STOPPED', exitCode: 3, runtimeId: 'r-app' });
  const stopping = await task();
  assert.deepEqual([stopping.desiredStatus, stopping.stopCode, stopping.stoppedReason], ['STOPPED', 'EssentialContainerExited', 'Essential container in task exited']);
  assert.deepEqual(stopping.stoppingAt, f.ctx.clock.now());

  f.advance(1000);
  await submitTaskStateChange(f.ctx, {
    task: arn,
    status: 'STOPPED',
    executionStoppedAt: f.ctx.clock.now(),
    containers: [{ containerName: 'side', status: 'STOPPED', exitCode: 143 }],
  });
  const stopped = await task();
  assert.deepEqual([stopped.lastStatus, stopped.stoppedAt, stopped.executionStoppedAt], ['STOPPED', f.ctx.clock.now(), f.ctx.clock.now()]);
  assert.deepEqual(stopped.containers!.map((c) => c.exitCode), [3, 143]);
  assert.equal(stopped.version, 4, 'one version per event: created, running, stop wanted, stopped');
});

test('a repeated report writes nothing', async () => {
  await submitTaskStateChange(f.ctx, { task: arn, status: 'RUNNING' });
  let writes = 0;
  const stop = f.ctx.state.subscribe(() => writes++);
  await submitTaskStateChange(f.ctx, { task: arn, status: 'RUNNING' });
  await submitContainerStateChange(f.ctx, { task: arn, containerName: 'app' });
  stop();
  assert.equal(writes, 0);
  assert.equal((await task()).version, 2);
});

test('errors: unknown statuses, containers, tasks and clusters', async () => {
  const invalid = { code: 'InvalidParameterException' };
  await assert.rejects(submitTaskStateChange(f.ctx, { task: arn, status: 'DANCING' }), invalid);
  await assert.rejects(submitTaskStateChange(f.ctx, { task: arn, containers: [{ containerName: 'app', status: 'DANCING' }] }), invalid);
  await assert.rejects(submitContainerStateChange(f.ctx, { task: arn, containerName: 'app', status: 'DANCING' }), invalid);
  await assert.rejects(submitContainerStateChange(f.ctx, { task: arn, containerName: 'nope', status: 'RUNNING' }), invalid);
  await assert.rejects(submitTaskStateChange(f.ctx, { task: 'ffffffffffffffffffffffffffffffff', status: 'RUNNING' }), {
    code: 'InvalidParameterException',
    message: 'The referenced task was not found.',
  });
  await assert.rejects(submitTaskStateChange(f.ctx, { cluster: 'nope', task: arn, status: 'RUNNING' }), { code: 'ClusterNotFoundException' });
});

test('an instance session reports only for tasks on its own instance; users for any', async () => {
  const denied = { code: 'AccessDeniedException', message: /ecs:SubmitTaskStateChange on resource: .*task\// };
  await assert.rejects(submitTaskStateChange(f.ctx, { task: arn, status: 'RUNNING' }, instanceCall(f, 'i-other')), denied);
  await assert.rejects(
    submitContainerStateChange(f.ctx, { task: arn, containerName: 'app', status: 'RUNNING' }, instanceCall(f, 'i-other')),
    { code: 'AccessDeniedException', message: /ecs:SubmitContainerStateChange/ },
  );
  assert.equal((await task()).lastStatus, 'PENDING', 'nothing written');
  // putInstance gives instance i1 the EC2 instance id i-i1.
  await submitTaskStateChange(f.ctx, { task: arn, status: 'RUNNING' }, instanceCall(f, 'i-i1'));
  assert.equal((await task()).lastStatus, 'RUNNING');
  await submitContainerStateChange(f.ctx, { task: arn, containerName: 'app', status: 'STOPPED', exitCode: 0 }, f.call);
  assert.equal((await task()).containers![0]!.lastStatus, 'STOPPED');
});
