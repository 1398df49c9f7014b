// Task scale-in protection end to end, through the real `wharf up` and real containers: a service's task
// protects itself from inside its container at `$ECS_AGENT_URI/task-protection/v1/state` (GET with busybox
// wget; PUT, which busybox wget cannot send, written with nc), the agent calling UpdateTaskProtection with
// the task role; GetTaskProtection then reads it. Scaling the service in stops only the unprotected task;
// the protected one runs until its protection is removed.
import {
  CreateServiceCommand,
  DescribeTasksCommand,
  GetTaskProtectionCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  UpdateServiceCommand,
  UpdateTaskProtectionCommand,
  type ECSClient,
  type Task,
} from '@aws-sdk/client-ecs';
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { eventually, startWharf, type WharfProcess } from './wharf-process.js';

const BUSYBOX = 'wharf-test/busybox:latest';
const doc = (statement: object) => JSON.stringify({ Version: '2012-10-17', Statement: [statement] });

/** Reads its protection, protects itself for an hour, reads it again, then waits to be stopped. */
const PROTECT_SELF = [
  "trap 'exit 0' TERM",
  'state="$ECS_AGENT_URI/task-protection/v1/state"',
  'echo "== before"; wget -qO- "$state"; echo',
  'hp="${ECS_AGENT_URI#http://}"; host="${hp%%:*}"; rest="${hp#*:}"; port="${rest%%/*}"; path="/${rest#*/}/task-protection/v1/state"',
  `body='{"ProtectionEnabled":true,"ExpiresInMinutes":60}'`,
  `echo "== put"; { printf 'PUT %s HTTP/1.0\\r\\nHost: %s\\r\\nContent-Type: application/json\\r\\nContent-Length: %s\\r\\n\\r\\n%s' "$path" "$host" "\${#body}" "$body"; sleep 2; } | nc "$host" "$port" | sed -n '/^\\r*$/,$p' | tail -n 1; echo`,
  'echo "== after"; wget -qO- "$state"; echo',
  'echo "== done"',
  'sleep 3600 & wait',
].join('; ');

let wharf: WharfProcess;
let ecs: ECSClient;

before(async () => {
  wharf = await startWharf();
  ecs = wharf.ecs();
  const iam = new IAMClient({ endpoint: wharf.endpoint, region: 'us-east-1', credentials: wharf.credentials });
  const { Role } = await iam.send(new CreateRoleCommand({
    RoleName: 'protected-worker',
    AssumeRolePolicyDocument: doc({ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }),
  }));
  // What the developer guide asks of the task role for the endpoint.
  await iam.send(new PutRolePolicyCommand({
    RoleName: 'protected-worker',
    PolicyName: 'task-protection',
    PolicyDocument: doc({ Effect: 'Allow', Action: ['ecs:GetTaskProtection', 'ecs:UpdateTaskProtection'], Resource: '*' }),
  }));
  iam.destroy();
  await ecs.send(new RegisterTaskDefinitionCommand({
    family: 'worker',
    taskRoleArn: Role!.Arn!,
    containerDefinitions: [{ name: 'app', image: BUSYBOX, memory: 64, command: ['sh', '-c', PROTECT_SELF] }],
  }));
});

after(async () => {
  await wharf?.stop();
});

async function describe(taskArns: string[]): Promise<Task[]> {
  return (await ecs.send(new DescribeTasksCommand({ tasks: taskArns }))).tasks ?? [];
}

function logs(task: Task): string {
  const out = spawnSync('docker', ['logs', task.containers![0]!.runtimeId!]);
  return `${out.stdout}${out.stderr}`;
}

const section = (output: string, name: string) => output.split(`== ${name}\n`)[1]?.split('\n== ')[0]?.trim() ?? '';

/** The JSON a section holds; the whole output in the failure otherwise. */
function json(output: string, name: string) {
  try {
    return JSON.parse(section(output, name));
  } catch {
    assert.fail(`no JSON under "== ${name}" in:\n${output}`);
  }
}

test('a task protects itself through the agent endpoint; scale-in passes over it until the protection is removed', async () => {
  await ecs.send(new CreateServiceCommand({ serviceName: 'workers', taskDefinition: 'worker', desiredCount: 2 }));
  const arns = await eventually(async () => {
    const { taskArns = [] } = await ecs.send(new ListTasksCommand({ serviceName: 'workers' }));
    return taskArns.length === 2 ? taskArns : undefined;
  }, 'two tasks of the service', 60_000);
  const outputs = await eventually(async () => {
    const tasks = await describe(arns);
    const printed = tasks.map((t) => (t.lastStatus === 'RUNNING' ? logs(t) : ''));
    return printed.every((o) => o.includes('== done')) ? printed : undefined;
  }, 'both tasks protected themselves', 90_000);

  for (const [i, output] of outputs.entries()) {
    assert.deepEqual(json(output, 'before'), { protection: { ExpirationDate: null, ProtectionEnabled: false, TaskArn: arns[i] } }, output);
    const put = json(output, 'put');
    assert.equal(put.protection.ProtectionEnabled, true, output);
    assert.equal(put.protection.TaskArn, arns[i]);
    const expiresIn = Date.parse(put.protection.ExpirationDate) - Date.now();
    assert.ok(expiresIn > 50 * 60_000 && expiresIn <= 60 * 60_000, `an hour's protection: ${put.protection.ExpirationDate}`);
    assert.deepEqual(json(output, 'after'), put, output);
  }
  const { protectedTasks } = await ecs.send(new GetTaskProtectionCommand({ cluster: 'default', tasks: arns }));
  assert.deepEqual(protectedTasks!.map((t) => t.protectionEnabled), [true, true]);

  // One task gives up its protection; scaling in to none stops it, and the same plan keeps the other.
  const [released, kept] = arns as [string, string];
  await ecs.send(new UpdateTaskProtectionCommand({ cluster: 'default', tasks: [released], protectionEnabled: false }));
  await ecs.send(new UpdateServiceCommand({ service: 'workers', desiredCount: 0 }));
  await eventually(async () => ((await describe([released]))[0]!.desiredStatus === 'STOPPED' ? true : undefined), 'the unprotected task stopped', 60_000);
  const [stillRunning] = await describe([kept]);
  assert.deepEqual([stillRunning!.desiredStatus, stillRunning!.lastStatus], ['RUNNING', 'RUNNING']);

  // Without protection, the scale-in reaches it too.
  await ecs.send(new UpdateTaskProtectionCommand({ cluster: 'default', tasks: [kept], protectionEnabled: false }));
  await eventually(async () => ((await describe([kept]))[0]!.desiredStatus === 'STOPPED' ? true : undefined), 'the released task stopped', 60_000);
});

test('the endpoint answers a standalone task with ECS\'s TASK_NOT_VALID failure', async () => {
  const { tasks: [task] = [] } = await ecs.send(new RunTaskCommand({ taskDefinition: 'worker' }));
  const output = await eventually(async () => {
    const [t] = await describe([task!.taskArn!]);
    const printed = t?.lastStatus === 'RUNNING' ? logs(t) : '';
    return printed.includes('== done') ? printed : undefined;
  }, 'the standalone task asked', 90_000);
  assert.deepEqual(json(output, 'before'), { failure: { Arn: task!.taskArn, Reason: 'TASK_NOT_VALID', Detail: null } }, output);
  assert.deepEqual(json(output, 'put'), { failure: { Arn: task!.taskArn, Reason: 'TASK_NOT_VALID', Detail: null } }, output);
});
