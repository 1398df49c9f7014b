// The seed's two flows end to end, written as a user does them with the unchanged AWS CLI, against a real
// `wharf up` and real containers.
// "Upload Object to S3": a bucket with EventBridge notifications on, a DynamoDB table, a task role allowed
// s3:GetObject and dynamodb:PutItem, a task definition whose container (the AWS CLI image) reads the object
// and saves a result item, and an EventBridge rule on `Object Created` for the bucket whose ECS target's
// InputTransformer passes the key as an environment override; `aws s3 cp` of a file then runs the task,
// which reads the object with its task role and writes the item `aws dynamodb get-item` finds.
// "Amazon EventBridge": a schedule runs a Fargate batch task in the default VPC; one real run through
// EventBridge Scheduler (an at() schedule a few seconds ahead) here, the `rate(1 minute)` rule's minutes are
// driven by a manual clock in src/control/events/delivery.test.ts.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { eventually, startWharf, type WharfProcess } from './wharf-process.js';

const AWSCLI = 'wharf-test/awscli:latest';
const BUSYBOX = 'wharf-test/busybox:latest';
const BUCKET = 'seed-uploads';
const TABLE = 'upload-results';

let wharf: WharfProcess;
let account: string;
let work: string;

const aws = (...args: string[]) => JSON.parse(execFileSync('aws', [...args, '--output', 'json'], { env: wharf.env }).toString() || '{}');
const doc = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement });
const trust = (service: string) => doc({ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' });

/** The tasks a rule or schedule started, described. */
function tasksStartedBy(startedBy: string): Array<{ lastStatus: string; containers: { exitCode?: number; reason?: string }[]; stoppedReason?: string }> {
  const arns = [
    ...aws('ecs', 'list-tasks', '--started-by', startedBy).taskArns,
    ...aws('ecs', 'list-tasks', '--started-by', startedBy, '--desired-status', 'STOPPED').taskArns,
  ];
  return arns.length ? aws('ecs', 'describe-tasks', '--tasks', ...arns).tasks : [];
}

/** A role for `service` with one inline policy. */
function role(name: string, service: string, ...statements: object[]): string {
  const { Role } = aws('iam', 'create-role', '--role-name', name, '--assume-role-policy-document', trust(service));
  aws('iam', 'put-role-policy', '--role-name', name, '--policy-name', 'p', '--policy-document', doc(...statements));
  return Role.Arn;
}

before(async () => {
  wharf = await startWharf();
  account = aws('sts', 'get-caller-identity').Account;
  work = mkdtempSync(join(tmpdir(), 'wharf-seed-'));
});

after(async () => {
  await wharf?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the seed flows', () => {
  test('Upload Object to S3: upload -> S3 event -> EventBridge rule -> RunTask -> the task reads the object with its task role and saves a result in DynamoDB', async () => {
    aws('s3api', 'create-bucket', '--bucket', BUCKET);
    aws('s3api', 'put-bucket-notification-configuration', '--bucket', BUCKET, '--notification-configuration', '{"EventBridgeConfiguration": {}}');
    aws('dynamodb', 'create-table', '--table-name', TABLE, '--attribute-definitions', 'AttributeName=key,AttributeType=S', '--key-schema', 'AttributeName=key,KeyType=HASH', '--billing-mode', 'PAY_PER_REQUEST');

    const taskRole = role(
      'upload-processor',
      'ecs-tasks.amazonaws.com',
      { Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/*` },
      { Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: `arn:aws:dynamodb:us-east-1:${account}:table/${TABLE}` },
    );
    const eventsRole = role('events-run-processor', 'events.amazonaws.com', { Effect: 'Allow', Action: ['ecs:RunTask', 'iam:PassRole'], Resource: '*' });
    // The task's code: the AWS CLI as its task role (credentials endpoint, AWS_ENDPOINT_URL set by Wharf).
    const script = [
      'set -e',
      `aws s3 cp "s3://${BUCKET}/$KEY" /tmp/object`,
      'LINES=$(wc -l < /tmp/object | tr -d " ")',
      'FIRST=$(head -n 1 /tmp/object)',
      `aws dynamodb put-item --table-name ${TABLE} --item "{\\"key\\": {\\"S\\": \\"$KEY\\"}, \\"lines\\": {\\"N\\": \\"$LINES\\"}, \\"first\\": {\\"S\\": \\"$FIRST\\"}}"`,
      'echo processed $KEY',
    ].join('\n');
    const { taskDefinition } = aws(
      'ecs', 'register-task-definition',
      '--family', 'upload-processor',
      '--task-role-arn', taskRole,
      '--container-definitions', JSON.stringify([{ name: 'app', image: AWSCLI, memory: 256, essential: true, command: ['bash', '-c', script] }]),
    );

    const pattern = { source: ['aws.s3'], 'detail-type': ['Object Created'], detail: { bucket: { name: [BUCKET] } } };
    aws('events', 'put-rule', '--name', 'on-upload', '--event-pattern', JSON.stringify(pattern));
    const target = {
      Id: 'processor',
      Arn: `arn:aws:ecs:us-east-1:${account}:cluster/default`,
      RoleArn: eventsRole,
      EcsParameters: { TaskDefinitionArn: taskDefinition.taskDefinitionArn, TaskCount: 1, LaunchType: 'EC2' },
      InputTransformer: {
        InputPathsMap: { key: '$.detail.object.key' },
        InputTemplate: '{"containerOverrides": [{"name": "app", "environment": [{"name": "KEY", "value": <key>}]}]}',
      },
    };
    assert.equal(aws('events', 'put-targets', '--rule', 'on-upload', '--targets', JSON.stringify([target])).FailedEntryCount, 0);

    const file = join(work, 'report.csv');
    writeFileSync(file, 'region,total\neu,42\nus,58\n');
    execFileSync('aws', ['s3', 'cp', file, `s3://${BUCKET}/incoming/report.csv`], { env: wharf.env });

    const item = await eventually(async () => {
      const { Item } = aws('dynamodb', 'get-item', '--table-name', TABLE, '--key', '{"key": {"S": "incoming/report.csv"}}');
      return Item;
    }, 'the result item the triggered task saved', 120_000);
    assert.deepEqual(item, { key: { S: 'incoming/report.csv' }, lines: { N: '3' }, first: { S: 'region,total' } });
    const [task, ...others] = tasksStartedBy('events-rule/on-upload');
    assert.equal(others.length, 0, 'one upload, one task');
    await eventually(async () => (tasksStartedBy('events-rule/on-upload')[0]!.lastStatus === 'STOPPED' ? true : undefined), 'the task done');
    assert.equal(tasksStartedBy('events-rule/on-upload')[0]!.containers[0]!.exitCode, 0, JSON.stringify(task));
  });

  test('Amazon EventBridge: a schedule runs a Fargate batch task in the default VPC', async () => {
    const schedulerRole = role('scheduler-run-batch', 'scheduler.amazonaws.com', { Effect: 'Allow', Action: 'ecs:RunTask', Resource: '*' });
    const { taskDefinition } = aws(
      'ecs', 'register-task-definition',
      '--family', 'hourly-batch',
      '--requires-compatibilities', 'FARGATE',
      '--network-mode', 'awsvpc',
      '--cpu', '256',
      '--memory', '512',
      '--container-definitions', JSON.stringify([{ name: 'batch', image: BUSYBOX, essential: true, command: ['sh', '-c', 'echo batch done'] }]),
    );
    const subnets: string[] = aws('ec2', 'describe-subnets', '--filters', 'Name=default-for-az,Values=true').Subnets.map((s: { SubnetId: string }) => s.SubnetId);
    assert.ok(subnets.length > 0, 'the default VPC has subnets');
    // Far enough ahead that the CLI call has made the schedule before its time comes.
    const at = new Date(Date.now() + 20_000).toISOString().slice(0, 19);
    aws(
      'scheduler', 'create-schedule',
      '--name', 'batch-now',
      '--schedule-expression', `at(${at})`,
      '--flexible-time-window', '{"Mode": "OFF"}',
      '--target', JSON.stringify({
        Arn: `arn:aws:ecs:us-east-1:${account}:cluster/default`,
        RoleArn: schedulerRole,
        EcsParameters: { TaskDefinitionArn: taskDefinition.taskDefinitionArn, LaunchType: 'FARGATE', NetworkConfiguration: { awsvpcConfiguration: { Subnets: [subnets[0]], AssignPublicIp: 'ENABLED' } } },
      }),
    );
    const task = await eventually(async () => tasksStartedBy('scheduler/default/batch-now').find((t) => t.lastStatus === 'STOPPED'), 'the Fargate batch task run', 120_000);
    assert.equal(task.containers[0]!.exitCode, 0, JSON.stringify(task));
    aws('scheduler', 'delete-schedule', '--name', 'batch-now');
  });
});
