// EventBridge Scheduler end to end with the real server, the SDK and the AWS CLI: a one-off at() schedule a
// few seconds ahead (in a time zone) runs a real busybox task with the Input's overrides and is then deleted
// (ActionAfterCompletion DELETE); schedule groups, tags, listing with filters and pages, and Scheduler's
// refusals reach the clients with AWS's codes. Recurring schedules, flexible windows, end dates, retries and
// dead letters are driven by a manual clock in src/control/scheduler/schedule-runner.test.ts.
import { DescribeTasksCommand, ListTasksCommand, RegisterTaskDefinitionCommand, type ECSClient, type Task } from '@aws-sdk/client-ecs';
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import {
  CreateScheduleCommand,
  CreateScheduleGroupCommand,
  DeleteScheduleCommand,
  DeleteScheduleGroupCommand,
  GetScheduleCommand,
  GetScheduleGroupCommand,
  ListScheduleGroupsCommand,
  ListSchedulesCommand,
  ListTagsForResourceCommand,
  SchedulerClient,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { eventually, startWharf, type WharfProcess } from './wharf-process.js';

const IMAGE = 'wharf-test/busybox:latest';
let wharf: WharfProcess;
let ecs: ECSClient;
let scheduler: SchedulerClient;
let roleArn: string;
let clusterArn: string;
let taskDefinitionArn: string;

const aws = (...args: string[]) => JSON.parse(execFileSync('aws', [...args, '--output', 'json'], { env: wharf.env }).toString() || '{}');

async function tasksStartedBy(startedBy: string): Promise<Task[]> {
  const { taskArns = [] } = await ecs.send(new ListTasksCommand({ startedBy, desiredStatus: 'STOPPED' }));
  const { taskArns: running = [] } = await ecs.send(new ListTasksCommand({ startedBy }));
  const arns = [...taskArns, ...running];
  if (arns.length === 0) return [];
  const { tasks = [] } = await ecs.send(new DescribeTasksCommand({ tasks: arns }));
  return tasks;
}

async function refused(promise: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  await assert.rejects(promise, (e: Error & { name: string; $metadata?: { httpStatusCode?: number } }) => {
    assert.equal(e.name, code);
    if (message) assert.match(e.message, message);
    return true;
  });
}

/** A wall-clock time `ms` from now in `timeZone`, as at() takes it. */
function wallClock(ms: number, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(new Date(Date.now() + ms))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}`;
}

const target = (over: Record<string, unknown> = {}) => ({ Arn: clusterArn, RoleArn: roleArn, EcsParameters: { TaskDefinitionArn: taskDefinitionArn, LaunchType: 'EC2' as const }, ...over });

before(async () => {
  wharf = await startWharf();
  ecs = wharf.ecs();
  scheduler = new SchedulerClient({ endpoint: wharf.endpoint, region: 'us-east-1', credentials: wharf.credentials });
  const iam = new IAMClient({ endpoint: wharf.endpoint, region: 'us-east-1', credentials: wharf.credentials });
  const { Role } = await iam.send(
    new CreateRoleCommand({
      RoleName: 'scheduler-run-task',
      AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'scheduler.amazonaws.com' }, Action: 'sts:AssumeRole' }] }),
    }),
  );
  await iam.send(new PutRolePolicyCommand({ RoleName: 'scheduler-run-task', PolicyName: 'run', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ecs:RunTask', Resource: '*' }] }) }));
  roleArn = Role!.Arn!;
  clusterArn = `arn:aws:ecs:us-east-1:${roleArn.split(':')[4]}:cluster/default`;
  const { taskDefinition } = await ecs.send(
    new RegisterTaskDefinitionCommand({ family: 'nightly-batch', containerDefinitions: [{ name: 'batch', image: IMAGE, memory: 32, command: ['sh', '-c', 'echo batch for $REPORT'] }] }),
  );
  taskDefinitionArn = taskDefinition!.taskDefinitionArn!;
});
after(async () => {
  await wharf?.stop();
});

describe('EventBridge Scheduler', () => {
  test('a one-off at() schedule a few seconds ahead runs a real task, then is deleted', async () => {
    const at = wallClock(8_000, 'America/New_York');
    const { ScheduleArn } = await scheduler.send(
      new CreateScheduleCommand({
        Name: 'once',
        ScheduleExpression: `at(${at})`,
        ScheduleExpressionTimezone: 'America/New_York',
        FlexibleTimeWindow: { Mode: 'OFF' },
        ActionAfterCompletion: 'DELETE',
        Target: target({ Input: JSON.stringify({ containerOverrides: [{ name: 'batch', environment: [{ name: 'REPORT', value: 'daily' }] }] }) }),
      }),
    );
    assert.match(ScheduleArn!, /^arn:aws:scheduler:us-east-1:\d{12}:schedule\/default\/once$/);
    const schedule = await scheduler.send(new GetScheduleCommand({ Name: 'once' }));
    assert.equal(schedule.State, 'ENABLED');
    assert.equal(schedule.GroupName, 'default');
    assert.deepEqual(schedule.Target!.RetryPolicy, { MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 185 });
    const task = await eventually(async () => (await tasksStartedBy('scheduler/default/once')).find((t) => t.lastStatus === 'STOPPED'), 'the scheduled task run and stopped', 60_000);
    assert.equal(task.containers![0]!.exitCode, 0);
    assert.deepEqual(task.overrides!.containerOverrides![0]!.environment, [{ name: 'REPORT', value: 'daily' }]);
    await eventually(async () => {
      try {
        await scheduler.send(new GetScheduleCommand({ Name: 'once' }));
        return undefined;
      } catch (error) {
        return (error as Error).name === 'ResourceNotFoundException' ? true : undefined;
      }
    }, 'the schedule deleted after completion');
    assert.equal((await tasksStartedBy('scheduler/default/once')).length, 1);
  });

  test('schedule groups, tags, listing with filters and pages (SDK and the AWS CLI)', async () => {
    const { ScheduleGroupArn } = await scheduler.send(new CreateScheduleGroupCommand({ Name: 'reports', Tags: [{ Key: 'team', Value: 'data' }] }));
    assert.match(ScheduleGroupArn!, /:schedule-group\/reports$/);
    assert.equal((await scheduler.send(new GetScheduleGroupCommand({ Name: 'reports' }))).State, 'ACTIVE');
    await scheduler.send(new TagResourceCommand({ ResourceArn: ScheduleGroupArn, Tags: [{ Key: 'cost', Value: '42' }] }));
    await scheduler.send(new UntagResourceCommand({ ResourceArn: ScheduleGroupArn, TagKeys: ['team'] }));
    assert.deepEqual((await scheduler.send(new ListTagsForResourceCommand({ ResourceArn: ScheduleGroupArn }))).Tags, [{ Key: 'cost', Value: '42' }]);
    const names = (await scheduler.send(new ListScheduleGroupsCommand({}))).ScheduleGroups!.map((g) => g.Name);
    assert.deepEqual(names, ['default', 'reports']);

    for (const name of ['daily-a', 'daily-b', 'daily-c', 'weekly'])
      await scheduler.send(
        new CreateScheduleCommand({
          Name: name,
          GroupName: 'reports',
          ScheduleExpression: name === 'weekly' ? 'cron(0 6 ? * MON *)' : 'rate(1 day)',
          ScheduleExpressionTimezone: 'Europe/Berlin',
          State: name === 'daily-c' ? 'DISABLED' : 'ENABLED',
          FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 15 },
          Target: target(),
        }),
      );
    const first = await scheduler.send(new ListSchedulesCommand({ GroupName: 'reports', NamePrefix: 'daily', MaxResults: 2 }));
    assert.deepEqual(first.Schedules!.map((s) => s.Name), ['daily-a', 'daily-b']);
    const rest = await scheduler.send(new ListSchedulesCommand({ GroupName: 'reports', NamePrefix: 'daily', MaxResults: 2, NextToken: first.NextToken }));
    assert.deepEqual(rest.Schedules!.map((s) => s.Name), ['daily-c']);
    assert.equal(rest.NextToken, undefined);
    const disabled = aws('scheduler', 'list-schedules', '--state', 'DISABLED');
    assert.deepEqual(disabled.Schedules.map((s: { Name: string }) => s.Name), ['daily-c']);
    assert.equal(disabled.Schedules[0].Target.Arn, clusterArn);

    await scheduler.send(
      new UpdateScheduleCommand({ Name: 'weekly', GroupName: 'reports', ScheduleExpression: 'cron(0 7 ? * MON *)', FlexibleTimeWindow: { Mode: 'OFF' }, Target: target() }),
    );
    const updated = aws('scheduler', 'get-schedule', '--name', 'weekly', '--group-name', 'reports');
    assert.equal(updated.ScheduleExpression, 'cron(0 7 ? * MON *)');
    assert.equal(updated.ScheduleExpressionTimezone, undefined, 'UpdateSchedule replaces the whole schedule');
    assert.deepEqual(updated.FlexibleTimeWindow, { Mode: 'OFF' });

    await scheduler.send(new DeleteScheduleCommand({ Name: 'daily-a', GroupName: 'reports' }));
    await scheduler.send(new DeleteScheduleGroupCommand({ Name: 'reports' }));
    await refused(scheduler.send(new GetScheduleCommand({ Name: 'weekly', GroupName: 'reports' })), 'ResourceNotFoundException');
    assert.deepEqual((await scheduler.send(new ListSchedulesCommand({}))).Schedules, []);
  });

  test("Scheduler's refusals: conflicts, unknown schedules and groups, invalid expressions and windows", async () => {
    const base = { ScheduleExpression: 'rate(5 minutes)', FlexibleTimeWindow: { Mode: 'OFF' as const }, Target: target() };
    await scheduler.send(new CreateScheduleCommand({ Name: 'dup', ...base }));
    await refused(scheduler.send(new CreateScheduleCommand({ Name: 'dup', ...base })), 'ConflictException', /Schedule dup already exists/);
    await refused(scheduler.send(new CreateScheduleGroupCommand({ Name: 'default' })), 'ConflictException');
    await refused(scheduler.send(new CreateScheduleCommand({ Name: 'x', GroupName: 'nope', ...base })), 'ResourceNotFoundException', /Schedule group nope does not exist/);
    await refused(scheduler.send(new GetScheduleCommand({ Name: 'missing' })), 'ResourceNotFoundException', /Schedule missing does not exist/);
    await refused(scheduler.send(new CreateScheduleCommand({ Name: 'bad', ...base, ScheduleExpression: 'rate(1 minutes)' })), 'ValidationException', /Invalid Schedule Expression/);
    await refused(scheduler.send(new CreateScheduleCommand({ Name: 'bad', ...base, ScheduleExpressionTimezone: 'Mars/Olympus' })), 'ValidationException');
    await refused(scheduler.send(new CreateScheduleCommand({ Name: 'bad', ...base, FlexibleTimeWindow: { Mode: 'FLEXIBLE' } })), 'ValidationException', /MaximumWindowInMinutes/);
    await refused(scheduler.send(new CreateScheduleCommand({ Name: 'bad name!', ...base })), 'ValidationException');
    await refused(scheduler.send(new DeleteScheduleGroupCommand({ Name: 'default' })), 'ValidationException');
    await scheduler.send(new DeleteScheduleCommand({ Name: 'dup' }));
  });
});
