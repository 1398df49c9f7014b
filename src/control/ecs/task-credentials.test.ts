import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';
import { assignmentsFor } from './assignments.js';
import { AccessDenied } from '../../core/iam-errors.js';
import { putRole, trust } from '../sts/sts-fixtures.js';
import { IMAGE, fixture, putCluster, putInstance, putTaskDefinition } from './fixtures.js';
import { runTask } from './run-task.js';
import { submitTaskStateChange } from './submit-task-state-change.js';
import { TaskCredentials, type AssumeTaskRole } from './task-credentials.js';

const TASK_ROLE = 'arn:aws:iam::123456789012:role/app';
const EXECUTION_ROLE = 'arn:aws:iam::123456789012:role/exec';
const HOUR = 3_600_000;

/** An STS stand-in: each call issues numbered keys valid for an hour from the fixture's clock. */
function sts(now: () => Date) {
  const calls: Parameters<AssumeTaskRole>[0][] = [];
  const assume: AssumeTaskRole = async (request) => {
    calls.push(request);
    return { accessKeyId: `ASIA${calls.length}`, secretAccessKey: 's', sessionToken: 't', expiration: new Date(now().getTime() + HOUR) };
  };
  return { calls, assume };
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i++) await tick();
  assert.ok(condition(), 'condition never held');
}

async function world() {
  const f = await fixture();
  const instance = await putInstance(f.ctx, await putCluster(f.ctx), 'i1', { memoryMiB: 4096 });
  // RunTask asks STS whether ECS may assume the roles; the controller below gets its credentials from the stand-in.
  const trusted = trust({ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' });
  for (const arn of [TASK_ROLE, EXECUTION_ROLE]) await putRole(f.ctx, arn.split('/').at(-1)!, trusted);
  await putTaskDefinition(f.ctx, 'web', [{ name: 'app', image: IMAGE, memory: 64 }], { taskRoleArn: TASK_ROLE });
  const fake = sts(() => f.ctx.clock.now());
  const credentials = new TaskCredentials(f.ctx, fake.assume);
  const issued: string[] = [];
  credentials.onIssued((arn) => issued.push(arn));
  const stop = new AbortController();
  const running = credentials.run(stop.signal);
  return { f, instance, fake, credentials, issued, stop: async () => (stop.abort(), await running) };
}

test("a task's roles are assumed for it, pushed with its assignment, renewed at half their life, forgotten once it stops", async () => {
  const w = await world();
  const { tasks = [] } = await runTask(w.f.ctx, { taskDefinition: 'web', overrides: { executionRoleArn: EXECUTION_ROLE } });
  const taskArn = tasks[0]!.taskArn!;
  await until(() => w.issued.length === 1);
  assert.deepEqual(w.fake.calls.map((c) => [c.roleArn, c.taskArn, c.sessionName]).sort(), [
    [TASK_ROLE, taskArn, taskArn.split('/').at(-1)],
    [EXECUTION_ROLE, taskArn, taskArn.split('/').at(-1)],
  ]);
  const [assigned] = assignmentsFor(w.f.ctx.state, w.instance.containerInstanceArn, w.credentials);
  assert.equal(assigned!.roleCredentials?.task?.roleArn, TASK_ROLE);
  assert.equal(assigned!.roleCredentials?.execution?.roleArn, EXECUTION_ROLE);
  assert.equal(assigned!.roleCredentials?.task?.expiration, new Date(w.f.ctx.clock.now().getTime() + HOUR).toISOString());

  // Before half the hour nothing changes; at half of it both are renewed and pushed again.
  w.f.advance(HOUR / 2 - 1000);
  await tick();
  assert.equal(w.fake.calls.length, 2);
  w.f.advance(1000);
  await until(() => w.issued.length === 2);
  assert.equal(w.fake.calls.length, 4);
  const renewed = w.credentials.of(taskArn)!;
  assert.notEqual(renewed.task!.accessKeyId, assigned!.roleCredentials!.task!.accessKeyId);

  await submitTaskStateChange(w.f.ctx, { task: taskArn, status: 'STOPPED' });
  await until(() => w.credentials.of(taskArn) === undefined);
  await w.stop();
});

test('a task without roles gets no credentials; a failed issue is tried again', async () => {
  const w = await world();
  await putTaskDefinition(w.f.ctx, 'plain', [{ name: 'app', image: IMAGE, memory: 64 }]);
  const { tasks: plain = [] } = await runTask(w.f.ctx, { taskDefinition: 'plain' });
  let refuse = true;
  const assume = w.fake.assume;
  const flaky = new TaskCredentials(w.f.ctx, async (request) => {
    if (refuse) throw new Error('AccessDenied: not trusted');
    return assume(request);
  });
  const stop = new AbortController();
  const running = flaky.run(stop.signal);
  const { tasks = [] } = await runTask(w.f.ctx, { taskDefinition: 'web' });
  await until(() => w.credentials.of(tasks[0]!.taskArn!) !== undefined);
  assert.equal(flaky.of(tasks[0]!.taskArn!), undefined);
  assert.equal(w.credentials.of(plain[0]!.taskArn!), undefined);
  refuse = false;
  w.f.advance(5_000);
  await until(() => flaky.of(tasks[0]!.taskArn!) !== undefined);
  stop.abort();
  await running;
  await w.stop();
});

test("a task whose role STS refuses to ECS (trust changed since RunTask) stops before it starts, with ECS's reason", async () => {
  const w = await world();
  const refusing = new TaskCredentials(w.f.ctx, async ({ roleArn }) => {
    throw new AccessDenied(`User: ecs-tasks.amazonaws.com is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
  });
  const stop = new AbortController();
  const running = refusing.run(stop.signal);
  const { tasks = [] } = await runTask(w.f.ctx, { taskDefinition: 'web' });
  const taskArn = tasks[0]!.taskArn!;
  await until(() => w.f.ctx.state.get('task', taskArn)?.desiredStatus === 'STOPPED');
  const task = w.f.ctx.state.get('task', taskArn)!;
  assert.equal(task.stopCode, 'TaskFailedToStart');
  assert.equal(
    task.stoppedReason,
    `ECS was unable to assume the role '${TASK_ROLE}' that was provided for this task. Please verify that the role being passed has the proper trust relationship and permissions and that your IAM user has permissions to pass this role.`,
  );
  assert.equal(refusing.of(taskArn), undefined);
  stop.abort();
  await running;
  await w.stop();
});
