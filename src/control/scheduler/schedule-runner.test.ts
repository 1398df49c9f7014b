// EventBridge Scheduler at the control level, time driven by a manual clock: a one-off at() schedule in a
// time zone runs its task once and is deleted after completion, a rate() schedule stops at its EndDate, a
// FLEXIBLE window delays the firing by the drawn share of the window, and a failing target is retried and
// dead-lettered under the schedule's ARN; the role must trust EventBridge Scheduler.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { SchedulerTarget } from '../../core/scheduler.js';
import { fixture, IMAGE, putCluster, putInstance, putTaskDefinition, type Fixture } from '../ecs/fixtures.js';
import { createRole } from '../iam/create-role.js';
import { putRolePolicy } from '../iam/inline-policies.js';
import { ensureDefaultGroup } from './groups.js';
import { ScheduleRunner } from './schedule-runner.js';
import { createSchedule, getSchedule, updateSchedule } from './schedules.js';

const trust = (service: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }] });
const allowRunTask = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ecs:RunTask', Resource: '*' }] });
const DLQ = 'arn:aws:sqs:us-east-1:123456789012:scheduler-dlq';

let f: Fixture;
let runner: ScheduleRunner;
let stop: AbortController;
let target: SchedulerTarget;

async function until<T>(check: () => T | undefined | false, what: string): Promise<T> {
  for (let i = 0; i < 2000; i++) {
    const value = check();
    if (value) return value;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`never: ${what}`);
}

const tasksOf = (name: string) => [...f.ctx.state.all('task')].filter((t) => t.startedBy === `scheduler/default/${name}`);
/** Moves the clock and lets the runner look (as its one-second tick would). */
async function advance(ms: number): Promise<void> {
  f.advance(ms);
  runner.tick();
  await new Promise((r) => setImmediate(r));
}

beforeEach(async () => {
  f = await fixture();
  const cluster = await putCluster(f.ctx);
  await putInstance(f.ctx, cluster, 'i1', { memoryMiB: 8192 });
  const definition = await putTaskDefinition(f.ctx, 'batch', [{ name: 'batch', image: IMAGE, memory: 64 }]);
  await ensureDefaultGroup(f.ctx);
  const { Role } = await createRole(f.ctx, { RoleName: 'scheduler-run-task', AssumeRolePolicyDocument: trust('scheduler.amazonaws.com') });
  await putRolePolicy(f.ctx, { RoleName: 'scheduler-run-task', PolicyName: 'run', PolicyDocument: allowRunTask });
  target = { Arn: cluster.clusterArn, RoleArn: Role!.Arn!, EcsParameters: { TaskDefinitionArn: definition.taskDefinitionArn, LaunchType: 'EC2' } };
  runner = new ScheduleRunner(f.ctx);
  stop = new AbortController();
});

afterEach(() => stop.abort());

describe('EventBridge Scheduler runner', () => {
  test('a one-off at() schedule in a time zone runs its task once, then is deleted', async () => {
    // The fixture's clock starts at 2026-01-01T00:00:00Z; 01:00:30 in Paris (UTC+1) is 00:00:30 UTC.
    await createSchedule(f.ctx, {
      Name: 'once',
      ScheduleExpression: 'at(2026-01-01T01:00:30)',
      ScheduleExpressionTimezone: 'Europe/Paris',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      Target: { ...target, Input: JSON.stringify({ containerOverrides: [{ name: 'batch', environment: [{ name: 'AT', value: '<aws.scheduler.scheduled-time>' }] }] }) },
    });
    await advance(29_000);
    assert.equal(tasksOf('once').length, 0, 'not before its time');
    await advance(1_000);
    const [task] = await until(() => tasksOf('once').length === 1 && tasksOf('once'), 'the task');
    assert.deepEqual(task!.overrides?.containerOverrides, [{ name: 'batch', environment: [{ name: 'AT', value: '2026-01-01T00:00:30Z' }] }]);
    await until(() => [...f.ctx.state.all('schedule')].length === 0, 'the schedule deleted after completion');
    await advance(3_600_000);
    assert.equal(tasksOf('once').length, 1);
  });

  test('a rate() schedule fires each period until its EndDate; NONE keeps it afterwards', async () => {
    await createSchedule(f.ctx, { Name: 'hourly', ScheduleExpression: 'rate(1 hour)', EndDate: new Date('2026-01-01T02:30:00Z'), FlexibleTimeWindow: { Mode: 'OFF' }, Target: target });
    for (let hour = 1; hour <= 3; hour++) await advance(3_600_000);
    await until(() => tasksOf('hourly').length === 2, 'two tasks, at 01:00 and 02:00');
    assert.equal(getSchedule(f.ctx, { Name: 'hourly' }).ActionAfterCompletion, 'NONE');
  });

  test('a FLEXIBLE window fires at the drawn point within it', async () => {
    (f.ctx as { ids: { id(): string } }).ids = { id: () => '80000000'.padEnd(32, '0') };
    await createSchedule(f.ctx, { Name: 'flex', ScheduleExpression: 'at(2026-01-01T00:10:00)', FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 10 }, Target: target });
    await advance(10 * 60_000);
    await advance(4 * 60_000);
    assert.equal(tasksOf('flex').length, 0, 'the draw puts it five minutes into the window');
    await advance(60_000);
    await until(() => tasksOf('flex').length === 1, 'the task at 00:15');
  });

  test('a DISABLED schedule does not fire; enabling it again does', async () => {
    await createSchedule(f.ctx, { Name: 'paused', ScheduleExpression: 'rate(1 minute)', State: 'DISABLED', FlexibleTimeWindow: { Mode: 'OFF' }, Target: target });
    await advance(120_000);
    assert.equal(tasksOf('paused').length, 0);
    await updateSchedule(f.ctx, { Name: 'paused', ScheduleExpression: 'rate(1 minute)', State: 'ENABLED', FlexibleTimeWindow: { Mode: 'OFF' }, Target: target });
    await advance(1_000);
    await advance(60_000);
    await until(() => tasksOf('paused').length === 1, 'the task once enabled');
  });

  test('a failing target is retried, then dead-lettered under the schedule ARN', async () => {
    const missing = 'arn:aws:ecs:us-east-1:123456789012:task-definition/nothing:1';
    await createSchedule(f.ctx, {
      Name: 'broken',
      ScheduleExpression: 'at(2026-01-01T00:01:00)',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: { ...target, EcsParameters: { TaskDefinitionArn: missing }, RetryPolicy: { MaximumRetryAttempts: 1 }, DeadLetterConfig: { Arn: DLQ } },
    });
    await advance(60_000);
    await new Promise((r) => setImmediate(r));
    assert.equal([...f.ctx.state.all('eventDeadLetter')].length, 0);
    await advance(1_300);
    const [letter] = await until(() => [...f.ctx.state.all('eventDeadLetter')].length === 1 && [...f.ctx.state.all('eventDeadLetter')], 'the dead letter');
    assert.equal(letter!.queueArn, DLQ);
    assert.deepEqual({ ...letter!.attributes, ERROR_MESSAGE: undefined }, {
      SCHEDULE_ARN: 'arn:aws:scheduler:us-east-1:123456789012:schedule/default/broken',
      TARGET_ARN: target.Arn,
      ERROR_CODE: 'SDK_CLIENT_ERROR',
      ERROR_MESSAGE: undefined,
      EXHAUSTED_RETRY_CONDITION: 'MaximumRetryAttempts',
      RETRY_ATTEMPTS: 1,
    });
  });

  test('a role that trusts only EventBridge is refused', async () => {
    await createRole(f.ctx, { RoleName: 'events-only', AssumeRolePolicyDocument: trust('events.amazonaws.com') });
    await createSchedule(f.ctx, {
      Name: 'untrusted',
      ScheduleExpression: 'at(2026-01-01T00:01:00)',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: { ...target, RoleArn: 'arn:aws:iam::123456789012:role/events-only', RetryPolicy: { MaximumRetryAttempts: 0 }, DeadLetterConfig: { Arn: DLQ } },
    });
    await advance(60_000);
    const [letter] = await until(() => [...f.ctx.state.all('eventDeadLetter')].length === 1 && [...f.ctx.state.all('eventDeadLetter')], 'the refusal');
    assert.equal(letter!.attributes.ERROR_CODE, 'NO_PERMISSIONS');
    assert.equal(tasksOf('untrusted').length, 0);
  });
});
