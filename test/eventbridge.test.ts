// EventBridge end to end with the real server, the SDK, the AWS CLI and real containers: an event put with
// PutEvents matches a rule whose ECS target runs a real task with the command the InputTransformer made
// from the event; a task's own state change reaches a rule; EventBridge's refusals reach the clients with
// AWS's codes. Schedules (rate(1 minute) each minute), retries and dead letters are driven by a manual
// clock in src/control/events/delivery.test.ts.
import { DescribeTasksCommand, ListTasksCommand, RegisterTaskDefinitionCommand, RunTaskCommand, StopTaskCommand, type ECSClient, type Task } from '@aws-sdk/client-ecs';
import {
  DeleteRuleCommand,
  DescribeRuleCommand,
  EventBridgeClient,
  ListTargetsByRuleCommand,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  TestEventPatternCommand,
} from '@aws-sdk/client-eventbridge';
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { eventually, startWharf, type WharfProcess } from './wharf-process.js';

const IMAGE = 'wharf-test/busybox:latest';
let wharf: WharfProcess;
let ecs: ECSClient;
let events: EventBridgeClient;
let roleArn: string;
let clusterArn: string;

const aws = (...args: string[]) => execFileSync('aws', [...args, '--output', 'json'], { env: wharf.env }).toString();

async function tasksStartedBy(startedBy: string): Promise<Task[]> {
  const { taskArns = [] } = await ecs.send(new ListTasksCommand({ startedBy }));
  if (taskArns.length === 0) return [];
  const { tasks = [] } = await ecs.send(new DescribeTasksCommand({ tasks: taskArns }));
  return tasks;
}

async function refused(promise: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  await assert.rejects(promise, (e: Error & { name: string }) => {
    assert.equal(e.name, code);
    if (message) assert.match(e.message, message);
    return true;
  });
}

before(async () => {
  wharf = await startWharf();
  ecs = wharf.ecs();
  events = new EventBridgeClient({ endpoint: wharf.endpoint, region: 'us-east-1', credentials: wharf.credentials });
  const iam = new IAMClient({ endpoint: wharf.endpoint, region: 'us-east-1', credentials: wharf.credentials });
  const { Role } = await iam.send(
    new CreateRoleCommand({
      RoleName: 'events-run-task',
      AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sts:AssumeRole' }] }),
    }),
  );
  await iam.send(new PutRolePolicyCommand({ RoleName: 'events-run-task', PolicyName: 'run', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ecs:RunTask', Resource: '*' }] }) }));
  roleArn = Role!.Arn!;
  clusterArn = `arn:aws:ecs:us-east-1:${Role!.Arn!.split(':')[4]}:cluster/default`;
});
after(async () => {
  await wharf?.stop();
});

describe('EventBridge', () => {
  test('PutEvents -> rule -> a real task RUNNING with the InputTransformer override', async () => {
    const { taskDefinition } = await ecs.send(
      new RegisterTaskDefinitionCommand({ family: 'upload-handler', containerDefinitions: [{ name: 'app', image: IMAGE, memory: 32, command: ['sh', '-c', 'echo default'] }] }),
    );
    await events.send(new PutRuleCommand({ Name: 'uploads', EventPattern: JSON.stringify({ source: ['my.uploads'], 'detail-type': ['Object Uploaded'], detail: { key: [{ suffix: '.csv' }] } }) }));
    await events.send(
      new PutTargetsCommand({
        Rule: 'uploads',
        Targets: [
          {
            Id: 'handler',
            Arn: clusterArn,
            RoleArn: roleArn,
            EcsParameters: { TaskDefinitionArn: taskDefinition!.taskDefinitionArn!, TaskCount: 1, LaunchType: 'EC2' },
            InputTransformer: {
              InputPathsMap: { key: '$.detail.key' },
              InputTemplate: '{"containerOverrides": [{"name": "app", "command": ["sh", "-c", "trap \'exit 0\' TERM; echo handling <key>; sleep 300 & wait"]}]}',
            },
          },
        ],
      }),
    );
    const { Targets } = await events.send(new ListTargetsByRuleCommand({ Rule: 'uploads' }));
    assert.equal(Targets![0]!.EcsParameters!.TaskDefinitionArn, taskDefinition!.taskDefinitionArn);

    const put = await events.send(
      new PutEventsCommand({
        Entries: [
          { Source: 'my.uploads', DetailType: 'Object Uploaded', Detail: JSON.stringify({ key: 'photo.png' }) },
          { Source: 'my.uploads', DetailType: 'Object Uploaded', Detail: JSON.stringify({ key: 'reports/q1.csv' }) },
        ],
      }),
    );
    assert.equal(put.FailedEntryCount, 0);
    const task = await eventually(async () => {
      const [running] = (await tasksStartedBy('events-rule/uploads')).filter((t) => t.lastStatus === 'RUNNING');
      return running;
    }, 'the triggered task RUNNING', 60_000);
    assert.equal(task.overrides!.containerOverrides![0]!.command!.at(-1), "trap 'exit 0' TERM; echo handling reports/q1.csv; sleep 300 & wait");
    await eventually(async () => {
      const out = spawnSync('docker', ['logs', task.containers![0]!.runtimeId!]).stdout.toString();
      return out.includes('handling reports/q1.csv') ? true : undefined;
    }, 'the container printing the key it was given');
    assert.equal((await tasksStartedBy('events-rule/uploads')).length, 1, 'photo.png matched no rule');
    await ecs.send(new StopTaskCommand({ task: task.taskArn!, reason: 'test over' }));
    await events.send(new RemoveTargetsCommand({ Rule: 'uploads', Ids: ['handler'] }));
    await events.send(new DeleteRuleCommand({ Name: 'uploads' }));
  });

  test("an ECS Task State Change event of a task reaches a rule (the AWS CLI's put-targets)", async () => {
    await ecs.send(new RegisterTaskDefinitionCommand({ family: 'short', containerDefinitions: [{ name: 'app', image: IMAGE, memory: 32, command: ['true'] }] }));
    const pattern = { source: ['aws.ecs'], 'detail-type': ['ECS Task State Change'], detail: { group: ['family:short'], lastStatus: ['STOPPED'] } };
    aws('events', 'put-rule', '--name', 'on-stopped', '--event-pattern', JSON.stringify(pattern));
    const target = { Id: 'follow-up', Arn: clusterArn, RoleArn: roleArn, EcsParameters: { TaskDefinitionArn: 'upload-handler', LaunchType: 'EC2' }, Input: JSON.stringify({ containerOverrides: [{ name: 'app', command: ['true'] }] }) };
    aws('events', 'put-targets', '--rule', 'on-stopped', '--targets', JSON.stringify([target]));
    const { tasks: [short] = [] } = await ecs.send(new RunTaskCommand({ taskDefinition: 'short' }));
    assert.ok(short);
    const [followUp] = await eventually(async () => {
      const found = await tasksStartedBy('events-rule/on-stopped');
      return found.length > 0 ? found : undefined;
    }, 'the task the STOPPED event started', 60_000);
    assert.deepEqual(followUp!.overrides!.containerOverrides, [{ name: 'app', command: ['true'] }]);
  });

  test("refusals with EventBridge's codes", async () => {
    await refused(events.send(new PutRuleCommand({ Name: 'bad', EventPattern: '{"source": "aws.ec2"}' })), 'InvalidEventPatternException', /^Event pattern is not valid\. Reason: "source" must be an object or an array/);
    await refused(events.send(new PutRuleCommand({ Name: 'bad', ScheduleExpression: 'rate(1 minutes)' })), 'ValidationException', /ScheduleExpression is not valid/);
    await refused(events.send(new PutRuleCommand({ Name: 'bad', ScheduleExpression: 'cron(0 10 * * * *)' })), 'ValidationException');
    await refused(events.send(new PutRuleCommand({ Name: 'bad' })), 'ValidationException');
    await refused(events.send(new DescribeRuleCommand({ Name: 'nope' })), 'ResourceNotFoundException', /Rule nope does not exist on EventBus default/);
    await events.send(new PutRuleCommand({ Name: 'hourly', ScheduleExpression: 'cron(0 * * * ? *)' }));
    await refused(events.send(new PutTargetsCommand({ Rule: 'hourly', Targets: [{ Id: 't', Arn: clusterArn, EcsParameters: { TaskDefinitionArn: 'short' } }] })), 'ValidationException', /RoleArn/);
    const six = Array.from({ length: 6 }, (_, i) => ({ Id: `t${i}`, Arn: clusterArn, RoleArn: roleArn, EcsParameters: { TaskDefinitionArn: 'short' } }));
    await refused(events.send(new PutTargetsCommand({ Rule: 'hourly', Targets: six })), 'LimitExceededException');
    await events.send(new PutTargetsCommand({ Rule: 'hourly', Targets: six.slice(0, 1) }));
    await refused(events.send(new DeleteRuleCommand({ Name: 'hourly' })), 'ValidationException', /has targets/);
    const put = await events.send(
      new PutEventsCommand({ Entries: [{ Source: 'aws.s3', DetailType: 'x', Detail: '{}' }, { Source: 'a', DetailType: 'x', Detail: 'not json' }, { Source: 'a', Detail: '{}' }] }),
    );
    assert.equal(put.FailedEntryCount, 3);
    assert.deepEqual(put.Entries!.map((e) => e.ErrorCode), ['NotAuthorizedForSourceException', 'MalformedDetail', 'InvalidArgument']);
    await refused(events.send(new PutEventsCommand({ Entries: [{ Source: 'a', DetailType: 'x', Detail: JSON.stringify({ big: 'x'.repeat(256 * 1024) }) }] })), 'ValidationException');
    const event = JSON.stringify({ id: '1', account: '123456789012', source: 'my.app', time: '2026-01-01T00:00:00Z', region: 'us-east-1', 'detail-type': 'x', resources: [], detail: { n: 5 } });
    assert.equal((await events.send(new TestEventPatternCommand({ EventPattern: '{"detail": {"n": [{"numeric": [">", 4]}]}}', Event: event }))).Result, true);
    await refused(events.send(new TestEventPatternCommand({ EventPattern: '{"detail": {"n": [{"numeric": [">", 4]}]}}', Event: '{}' })), 'ValidationException');
  });
});
