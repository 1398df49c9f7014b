import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AssignmentFeed, assignmentsFor, changesAssignment } from './assignments.js';
import { putRole, trust } from '../sts/sts-fixtures.js';
import { IMAGE, fixture, putCluster, putInstance, putTaskDefinition } from './fixtures.js';
import { runTask } from './run-task.js';
import { stopTask } from './stop-task.js';
import { submitTaskStateChange } from './submit-task-state-change.js';

test('the assignment: tasks not yet STOPPED, definitions with overrides applied', async () => {
  const f = await fixture();
  const instance = await putInstance(f.ctx, await putCluster(f.ctx), 'i1', { memoryMiB: 4096 });
  await putTaskDefinition(f.ctx, 'web', [{ name: 'app', image: IMAGE, memory: 64, cpu: 10, command: ['a'], environment: [{ name: 'X', value: '1' }] }], {
    cpu: '256',
    memory: '512',
  });
  // Roles ECS can assume, as RunTask requires of the roles it is given.
  for (const role of ['task', 'exec']) await putRole(f.ctx, role, trust({ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }));
  const overrides = {
    containerOverrides: [{ name: 'app', command: ['b'], environment: [{ name: 'X', value: '2' }, { name: 'Y', value: '3' }], cpu: 20, memory: 32, memoryReservation: 16 }],
    cpu: '128',
    memory: '256',
    taskRoleArn: 'arn:aws:iam::123456789012:role/task',
    executionRoleArn: 'arn:aws:iam::123456789012:role/exec',
  };
  const { tasks = [] } = await runTask(f.ctx, { taskDefinition: 'web', count: 3, overrides });
  const [running, stopping, stopped] = tasks.map((t) => t.taskArn!);
  await stopTask(f.ctx, { task: stopping!, reason: 'why' });
  await submitTaskStateChange(f.ctx, { task: stopped, status: 'STOPPED' });

  const assigned = assignmentsFor(f.ctx.state, instance.containerInstanceArn);
  assert.deepEqual(assigned.map((a) => [a.taskArn, a.desiredStatus, a.stoppedReason]).sort(), [
    [running, 'RUNNING', undefined],
    [stopping, 'STOPPED', 'why'],
  ].sort());
  const { taskDefinition } = assigned[0]!;
  assert.equal('overrides' in assigned[0]!, false, 'the agent gets nothing to apply again');
  assert.deepEqual([taskDefinition.cpu, taskDefinition.memory, taskDefinition.taskRoleArn, taskDefinition.executionRoleArn], [
    '128',
    '256',
    overrides.taskRoleArn,
    overrides.executionRoleArn,
  ]);
  assert.deepEqual(taskDefinition.containerDefinitions![0], {
    name: 'app',
    image: IMAGE,
    command: ['b'],
    environment: [{ name: 'X', value: '2' }, { name: 'Y', value: '3' }],
    cpu: 20,
    memory: 32,
    memoryReservation: 16,
  });
});

test('a feed sends the whole assignment, then only what changed among the tasks named', async () => {
  const f = await fixture();
  const instance = await putInstance(f.ctx, await putCluster(f.ctx), 'i1', { memoryMiB: 4096 });
  await putTaskDefinition(f.ctx, 'web');
  const assigned = (taskArn: string) => assignmentsFor(f.ctx.state, instance.containerInstanceArn).find((a) => a.taskArn === taskArn);
  const { tasks = [] } = await runTask(f.ctx, { taskDefinition: 'web', count: 2 });
  const [first, second] = tasks.map((t) => t.taskArn!) as [string, string];
  const feed = new AssignmentFeed({ state: f.ctx.state }, instance.containerInstanceArn);
  const next = (arns: string[] | 'all') => {
    const message = feed.next(arns === 'all' ? arns : new Set(arns));
    return message === undefined ? undefined : JSON.parse(message);
  };
  assert.deepEqual(next([first]), { type: 'tasks', tasks: assignmentsFor(f.ctx.state, instance.containerInstanceArn) }, 'the first message is whole');
  assert.equal(next([first, second]), undefined, 'nothing changed');
  await stopTask(f.ctx, { task: first, reason: 'why' });
  assert.deepEqual(next([first, second]), { type: 'taskChanges', tasks: [assigned(first)], removed: [] }, 'only the changed task');
  await submitTaskStateChange(f.ctx, { task: first, status: 'STOPPED' });
  const { tasks: [third] = [] } = await runTask(f.ctx, { taskDefinition: 'web' });
  assert.deepEqual(next('all'), { type: 'taskChanges', tasks: [assigned(third!.taskArn!)], removed: [first] });
  assert.equal(next('all'), undefined);
});

test('only some task changes change an assignment', async () => {
  const f = await fixture();
  await putInstance(f.ctx, await putCluster(f.ctx), 'i1');
  await putTaskDefinition(f.ctx, 'web');
  const { tasks = [] } = await runTask(f.ctx, { taskDefinition: 'web' });
  const created = f.ctx.state.get('task', tasks[0]!.taskArn!)!;
  await submitTaskStateChange(f.ctx, { task: created.taskArn, status: 'RUNNING' });
  const running = f.ctx.state.get('task', created.taskArn)!;
  assert.equal(changesAssignment(undefined, created), true);
  assert.equal(changesAssignment(created, running), false);
  assert.equal(changesAssignment(running, { ...running, desiredStatus: 'STOPPED' }), true);
  assert.equal(changesAssignment(running, { ...running, lastStatus: 'STOPPED' }), true);
  assert.equal(changesAssignment(running, undefined), true);
});
