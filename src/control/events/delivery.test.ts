// EventBridge's delivery at the control level, time driven by a manual clock: a rate(1 minute) rule runs
// its task each minute, PutEvents reaches a rule whose InputTransformer becomes the task's overrides, an ECS
// Task State Change event is matched, and a target naming a missing task definition is recorded, retried
// with backoff and dead-lettered; a role that may not RunTask is refused by policy.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { EventTarget } from '../../core/events.js';
import { runTask } from '../ecs/run-task.js';
import { fixture, IMAGE, putCluster, putInstance, putTaskDefinition, type Fixture } from '../ecs/fixtures.js';
import { createRole } from '../iam/create-role.js';
import { putRolePolicy } from '../iam/inline-policies.js';
import { ensureDefaultBus } from './buses.js';
import { EventDelivery } from './delivery.js';
import { publishEcsEvents } from './ecs-events.js';
import { putEvents } from './put-events.js';
import { putRule } from './rules.js';
import { putTargets } from './targets.js';

const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
const allow = (action: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] });
const DLQ = 'arn:aws:sqs:us-east-1:123456789012:events-dlq';

let f: Fixture;
let world: { clusterArn: string; taskDefinitionArn: string };
let delivery: EventDelivery;
let stop: AbortController;
let roleArn: string;

/** Lets the event loop run until `check` holds (invocations are asynchronous: a mutation commits on setImmediate). */
async function until<T>(check: () => T | undefined | false, what: string): Promise<T> {
  for (let i = 0; i < 2000; i++) {
    const value = check();
    if (value) return value;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`never: ${what}`);
}

const tasksStartedBy = (startedBy: string) => [...f.ctx.state.all('task')].filter((t) => t.startedBy === startedBy);

async function role(name: string, policy?: string): Promise<string> {
  const { Role } = await createRole(f.ctx, { RoleName: name, AssumeRolePolicyDocument: trust });
  if (policy) await putRolePolicy(f.ctx, { RoleName: name, PolicyName: 'p', PolicyDocument: policy });
  return Role!.Arn!;
}

const ecsTarget = (over: Partial<EventTarget> = {}, taskDefinitionArn = world.taskDefinitionArn): EventTarget => ({
  Id: 'run',
  Arn: world.clusterArn,
  RoleArn: roleArn,
  EcsParameters: { TaskDefinitionArn: taskDefinitionArn, TaskCount: 1, LaunchType: 'EC2' },
  ...over,
});

beforeEach(async () => {
  f = await fixture();
  const cluster = await putCluster(f.ctx);
  await putInstance(f.ctx, cluster, 'i1', { memoryMiB: 8192 });
  const definition = await putTaskDefinition(f.ctx, 'web', [{ name: 'web', image: IMAGE, memory: 64 }]);
  world = { clusterArn: cluster.clusterArn, taskDefinitionArn: definition.taskDefinitionArn };
  await ensureDefaultBus(f.ctx);
  roleArn = await role('events-run-task', allow('ecs:RunTask'));
  delivery = new EventDelivery(f.ctx);
  stop = new AbortController();
  publishEcsEvents(f.ctx, stop.signal);
  delivery.run(stop.signal);
});

afterEach(() => stop.abort());

describe('EventBridge delivery', () => {
  test('a rate(1 minute) rule runs its task each minute', async () => {
    await putRule(f.ctx, { Name: 'every-minute', ScheduleExpression: 'rate(1 minute)' }, f.call);
    await putTargets(f.ctx, { Rule: 'every-minute', Targets: [ecsTarget()] });
    f.advance(59_000);
    await new Promise((r) => setImmediate(r));
    assert.equal(tasksStartedBy('events-rule/every-minute').length, 0, 'not before the minute is up');
    for (let minute = 1; minute <= 3; minute++) {
      f.advance(minute === 1 ? 1_000 : 60_000);
      await until(() => tasksStartedBy('events-rule/every-minute').length === minute, `${minute} tasks after ${minute} minutes`);
    }
    assert.deepEqual(delivery.metrics.get(`arn:aws:events:us-east-1:123456789012:rule/every-minute`), { Invocations: 3, FailedInvocations: 0, DeadLetterInvocations: 0 });
  });

  test("PutEvents reaches a rule whose InputTransformer becomes the task's overrides", async () => {
    await putRule(f.ctx, { Name: 'orders', EventPattern: JSON.stringify({ source: ['shop.orders'], detail: { amount: [{ numeric: ['>', 100] }] } }) }, f.call);
    const InputTransformer = { InputPathsMap: { order: '$.detail.id' }, InputTemplate: '{"containerOverrides": [{"name": "web", "command": ["process", <order>]}]}' };
    await putTargets(f.ctx, { Rule: 'orders', Targets: [ecsTarget({ InputTransformer })] });
    const result = putEvents(f.ctx, {
      Entries: [
        { Source: 'shop.orders', DetailType: 'Order Placed', Detail: JSON.stringify({ id: 'o-1', amount: 50 }) },
        { Source: 'shop.orders', DetailType: 'Order Placed', Detail: JSON.stringify({ id: 'o-2', amount: 500 }) },
      ],
    });
    assert.equal(result.FailedEntryCount, 0);
    const [task] = await until(() => tasksStartedBy('events-rule/orders').length > 0 && tasksStartedBy('events-rule/orders'), 'the task of the big order');
    assert.deepEqual(task!.overrides?.containerOverrides, [{ name: 'web', command: ['process', 'o-2'] }]);
    await new Promise((r) => setImmediate(r));
    assert.equal(tasksStartedBy('events-rule/orders').length, 1, 'the small order matched no rule');
  });

  test('an ECS Task State Change event is matched by a rule', async () => {
    const pattern = { source: ['aws.ecs'], 'detail-type': ['ECS Task State Change'], detail: { startedBy: ['manual'], lastStatus: ['PROVISIONING', 'PENDING'] } };
    await putRule(f.ctx, { Name: 'on-task', EventPattern: JSON.stringify(pattern) }, f.call);
    await putTargets(f.ctx, { Rule: 'on-task', Targets: [ecsTarget()] });
    await runTask(f.ctx, { cluster: world.clusterArn, taskDefinition: world.taskDefinitionArn, startedBy: 'manual' });
    await until(() => tasksStartedBy('events-rule/on-task').length === 1, 'the task the event started');
  });

  test('a missing task definition is recorded, retried with backoff, then dead-lettered', async () => {
    await putRule(f.ctx, { Name: 'broken', EventPattern: JSON.stringify({ source: ['my.app'] }) }, f.call);
    const missing = 'arn:aws:ecs:us-east-1:123456789012:task-definition/nothing:1';
    await putTargets(f.ctx, { Rule: 'broken', Targets: [ecsTarget({ RetryPolicy: { MaximumRetryAttempts: 2 }, DeadLetterConfig: { Arn: DLQ } }, missing)] });
    putEvents(f.ctx, { Entries: [{ Source: 'my.app', DetailType: 'x', Detail: '{}' }] });
    const arn = 'arn:aws:events:us-east-1:123456789012:rule/broken';
    await until(() => delivery.metrics.get(arn)?.FailedInvocations === 1, 'the first failure');
    assert.equal(delivery.metrics.get(arn)!.lastFailure!.code, 'SDK_CLIENT_ERROR');
    assert.match(delivery.metrics.get(arn)!.lastFailure!.message, /ClientException: TaskDefinition not found/);
    // Backoff: the first retry comes after about a second, the second after about two more.
    f.advance(1_300);
    await until(() => delivery.metrics.get(arn)?.FailedInvocations === 2, 'the first retry');
    assert.equal([...f.ctx.state.all('eventDeadLetter')].length, 0);
    f.advance(3_000);
    const [letter] = await until(() => [...f.ctx.state.all('eventDeadLetter')].length === 1 && [...f.ctx.state.all('eventDeadLetter')], 'the dead letter');
    assert.equal(delivery.metrics.get(arn)!.FailedInvocations, 3);
    assert.equal(letter!.queueArn, DLQ);
    assert.equal(JSON.parse(letter!.body).source, 'my.app');
    assert.deepEqual({ ...letter!.attributes, ERROR_MESSAGE: undefined }, { RULE_ARN: arn, TARGET_ARN: world.clusterArn, ERROR_CODE: 'SDK_CLIENT_ERROR', ERROR_MESSAGE: undefined, EXHAUSTED_RETRY_CONDITION: 'MaximumRetryAttempts', RETRY_ATTEMPTS: 2 });
    assert.equal(delivery.metrics.get(arn)!.DeadLetterInvocations, 1);
  });

  test('a role whose policies do not allow ecs:RunTask, or that does not trust EventBridge, runs nothing', async () => {
    const weak = await role('events-weak', allow('ecs:DescribeTasks'));
    const { Role } = await createRole(f.ctx, { RoleName: 'ecs-only', AssumeRolePolicyDocument: trust.replace('events.amazonaws.com', 'ecs-tasks.amazonaws.com') });
    await putRule(f.ctx, { Name: 'weak', EventPattern: JSON.stringify({ source: ['my.app'] }) }, f.call);
    await putTargets(f.ctx, {
      Rule: 'weak',
      Targets: [
        ecsTarget({ Id: 'weak', RoleArn: weak, RetryPolicy: { MaximumRetryAttempts: 0 }, DeadLetterConfig: { Arn: DLQ } }),
        ecsTarget({ Id: 'untrusted', RoleArn: Role!.Arn!, RetryPolicy: { MaximumRetryAttempts: 0 }, DeadLetterConfig: { Arn: DLQ } }),
      ],
    });
    putEvents(f.ctx, { Entries: [{ Source: 'my.app', DetailType: 'x', Detail: '{}' }] });
    const letters = await until(() => [...f.ctx.state.all('eventDeadLetter')].length === 2 && [...f.ctx.state.all('eventDeadLetter')], 'two dead letters');
    for (const letter of letters) assert.equal(letter.attributes.ERROR_CODE, 'NO_PERMISSIONS');
    assert.ok(letters.some((l) => /not authorized to perform: ecs:RunTask/.test(l.attributes.ERROR_MESSAGE)));
    assert.equal(tasksStartedBy('events-rule/weak').length, 0);
  });

  test("a task with its own role needs the target's role to pass it", async () => {
    const { Role: taskRole } = await createRole(f.ctx, { RoleName: 'app-task', AssumeRolePolicyDocument: trust.replace('events.amazonaws.com', 'ecs-tasks.amazonaws.com') });
    const withRole = await putTaskDefinition(f.ctx, 'with-role', [{ name: 'web', image: IMAGE, memory: 64 }], { taskRoleArn: taskRole!.Arn! });
    await putRule(f.ctx, { Name: 'pass', EventPattern: JSON.stringify({ source: ['my.app'] }) }, f.call);
    await putTargets(f.ctx, { Rule: 'pass', Targets: [ecsTarget({ RetryPolicy: { MaximumRetryAttempts: 0 }, DeadLetterConfig: { Arn: DLQ } }, withRole.taskDefinitionArn)] });
    putEvents(f.ctx, { Entries: [{ Source: 'my.app', DetailType: 'x', Detail: '{}' }] });
    const [letter] = await until(() => [...f.ctx.state.all('eventDeadLetter')].length === 1 && [...f.ctx.state.all('eventDeadLetter')], 'the refusal');
    assert.match(letter!.attributes.ERROR_MESSAGE, /not authorized to perform: iam:PassRole on resource: arn:aws:iam::123456789012:role\/app-task/);
    await putRolePolicy(f.ctx, { RoleName: 'events-run-task', PolicyName: 'pass', PolicyDocument: allow('iam:PassRole') });
    putEvents(f.ctx, { Entries: [{ Source: 'my.app', DetailType: 'x', Detail: '{}' }] });
    await until(() => tasksStartedBy('events-rule/pass').length === 1, 'the task, once the role may pass the task role');
  });
});
