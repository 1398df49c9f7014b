// Task roles end to end, through the real `wharf up` (listening on loopback, its default) and real
// containers: the unchanged AWS CLI inside a task gets its task role's credentials from the ECS credentials
// endpoint and reaches Wharf at AWS_ENDPOINT_URL; it is what the role's policy allows and is denied the
// rest. A task reads only its own credentials, which die with it; bridge, host and awsvpc tasks all get
// theirs; a role ECS may not assume is refused at RunTask.
import {
  DescribeTasksCommand,
  ListClustersCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  type ContainerDefinition,
  type RegisterTaskDefinitionCommandInput,
  type Task,
} from '@aws-sdk/client-ecs';
import { DescribeSubnetsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { eventually, startWharf, type WharfProcess } from './wharf-process.js';

const BUSYBOX = 'wharf-test/busybox:latest';
const AWSCLI = 'wharf-test/awscli:latest';
const doc = (statement: object) => JSON.stringify({ Version: '2012-10-17', Statement: [statement] });
/**
 * A shell function asking the credentials endpoint for a path as the SDKs do, trying 3 times a second apart
 * (botocore's container provider): a bridge container asking the moment it starts is refused until the
 * agent has routed its address.
 */
const CREDENTIALS = `credentials() { for i in 1 2 3; do wget -qO- "http://169.254.170.2$1" 2>/dev/null && return; sleep 1; done; echo GAVE UP; return 1; }`;
/** Prints the task's own credentials, then waits to be stopped. */
const READ_OWN = `trap 'exit 0' TERM; ${CREDENTIALS}; credentials "$AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"; echo; sleep 600 & wait`;

let wharf: WharfProcess;
let ecs: ECSClient;
let account: string;
let roleArn: string;
let untrustedRoleArn: string;

const taskId = (taskArn: string) => taskArn.split('/').at(-1)!;

async function describeTask(taskArn: string): Promise<Task> {
  const { tasks: [task] = [] } = await ecs.send(new DescribeTasksCommand({ tasks: [taskArn] }));
  return task!;
}

async function taskWhen(taskArn: string, status: string): Promise<Task> {
  return eventually(async () => {
    const task = await describeTask(taskArn);
    if (status !== 'STOPPED' && task.lastStatus === 'STOPPED') throw new Error(`task stopped: ${task.stoppedReason}`);
    return task.lastStatus === status ? task : undefined;
  }, `task ${taskArn} ${status}`, 90_000);
}

/** Registers a one-container family with the task role and runs one task of it. */
async function run(family: string, container: ContainerDefinition, options: Partial<RegisterTaskDefinitionCommandInput> = {}, network?: object): Promise<string> {
  await ecs.send(new RegisterTaskDefinitionCommand({ family, taskRoleArn: roleArn, containerDefinitions: [{ name: 'app', memory: 256, ...container }], ...options }));
  const { tasks: [task] = [], failures } = await ecs.send(new RunTaskCommand({ taskDefinition: family, ...network }));
  assert.deepEqual(failures, []);
  return task!.taskArn!;
}

/** Everything a task's container printed so far (stdout and stderr). */
function logs(task: Task): string {
  const out = spawnSync('docker', ['logs', task.containers![0]!.runtimeId!]);
  return `${out.stdout}${out.stderr}`;
}

/** What a task printed, once it has exited. */
async function outputOf(taskArn: string): Promise<string> {
  return logs(await taskWhen(taskArn, 'STOPPED'));
}

/** The credentials a READ_OWN task printed, once it has. */
async function printedCredentials(taskArn: string): Promise<{ AccessKeyId: string; SecretAccessKey: string; Token: string; RoleArn: string; Expiration: string }> {
  const task = await taskWhen(taskArn, 'RUNNING');
  // The script retries as the SDKs do (a bridge container may ask before its route is in place): only a
  // task that gave up was refused.
  const line = await eventually(async () => {
    const output = logs(task);
    const printed = output.split('\n').find((l) => l.startsWith('{'));
    if (!printed && /GAVE UP/.test(output)) assert.fail(`${taskArn} was refused its credentials:\n${output}`);
    return printed;
  }, `credentials printed by ${taskArn}`);
  return JSON.parse(line);
}

/** The section of a script's output that follows `== name`. */
const section = (output: string, name: string) => output.split(`== ${name}\n`)[1]?.split('\n== ')[0] ?? '';

/** The JSON a section holds; the whole output in the failure otherwise. */
function json(output: string, name: string) {
  try {
    return JSON.parse(section(output, name));
  } catch {
    assert.fail(`no JSON under "== ${name}" in:\n${output}`);
  }
}

/** The AWS CLI calls the task-role tests make, each under a heading. */
const CLI_SCRIPT = [
  'echo "== endpoint"; echo "$AWS_ENDPOINT_URL"',
  'echo "== get-caller-identity"; aws sts get-caller-identity --output json 2>&1',
  'echo "== list-clusters"; aws ecs list-clusters --output json 2>&1',
  'echo "== list-task-definitions"; aws ecs list-task-definitions --output json 2>&1; echo "exit $?"',
].join('; ');

before(async () => {
  wharf = await startWharf({ env: { WHARF_TASK_CLEANUP_WAIT: '15s' } });
  ecs = wharf.ecs();
  const iam = new IAMClient({ endpoint: wharf.endpoint, region: 'us-east-1', credentials: wharf.credentials });
  const { Role } = await iam.send(new CreateRoleCommand({
    RoleName: 'app',
    AssumeRolePolicyDocument: doc({ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }),
  }));
  await iam.send(new PutRolePolicyCommand({ RoleName: 'app', PolicyName: 'list-clusters', PolicyDocument: doc({ Effect: 'Allow', Action: 'ecs:ListClusters', Resource: '*' }) }));
  roleArn = Role!.Arn!;
  account = roleArn.split(':')[4]!;
  const { Role: untrusted } = await iam.send(new CreateRoleCommand({
    RoleName: 'ec2-only',
    AssumeRolePolicyDocument: doc({ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }),
  }));
  untrustedRoleArn = untrusted!.Arn!;
  iam.destroy();
});

after(async () => {
  await wharf?.stop();
});

describe('task roles', () => {
  test('the AWS CLI in a bridge task is its task role, reaches a loopback Wharf, and is denied what the role does not allow', async () => {
    const taskArn = await run('cli', { image: AWSCLI, command: ['bash', '-c', CLI_SCRIPT] });
    const output = await outputOf(taskArn);
    const endpoint = section(output, 'endpoint').trim();
    assert.doesNotMatch(endpoint, /127\.0\.0\.1|localhost/, 'the task is given an address it reaches');
    assert.equal(json(output, 'get-caller-identity').Arn, `arn:aws:sts::${account}:assumed-role/app/${taskId(taskArn)}`, output);
    assert.ok(json(output, 'list-clusters').clusterArns.includes(`arn:aws:ecs:us-east-1:${account}:cluster/default`), output);
    const denied = section(output, 'list-task-definitions');
    assert.match(denied, /AccessDeniedException/);
    assert.match(denied, new RegExp(`assumed-role/app/${taskId(taskArn)} is not authorized to perform: ecs:ListTaskDefinitions`));
    assert.match(denied, /exit 254/);
  });

  test("a task reads its own credentials at 169.254.170.2; Wharf refuses them once the task has stopped", async () => {
    const taskArn = await run('own', { image: BUSYBOX, command: ['sh', '-c', READ_OWN] });
    const printed = await printedCredentials(taskArn);
    assert.equal(printed.RoleArn, roleArn);
    assert.match(printed.AccessKeyId, /^ASIA/);
    const credentials = { accessKeyId: printed.AccessKeyId, secretAccessKey: printed.SecretAccessKey, sessionToken: printed.Token };
    const sts = new STSClient({ endpoint: wharf.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
    const asTask = new ECSClient({ endpoint: wharf.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
    assert.equal((await sts.send(new GetCallerIdentityCommand({}))).Arn, `arn:aws:sts::${account}:assumed-role/app/${taskId(taskArn)}`);
    await asTask.send(new ListClustersCommand({}));

    await ecs.send(new StopTaskCommand({ task: taskArn }));
    await taskWhen(taskArn, 'STOPPED');
    await assert.rejects(asTask.send(new ListClustersCommand({})), { name: 'UnrecognizedClientException' });
    await assert.rejects(sts.send(new GetCallerIdentityCommand({})), { name: 'InvalidClientTokenId' });
  });

  test("one task cannot read another task's credentials", async () => {
    const holder = await run('holder', { image: BUSYBOX, command: ['sh', '-c', READ_OWN] });
    await printedCredentials(holder);
    const env: string[] = JSON.parse(execFileSync('docker', ['inspect', '-f', '{{json .Config.Env}}', (await describeTask(holder)).containers![0]!.runtimeId!]).toString());
    const uri = env.find((e) => e.startsWith('AWS_CONTAINER_CREDENTIALS_RELATIVE_URI='))!.split('=')[1]!;
    // Its own first: then its requests are routed, and the other's is refused by the agent, not the network.
    const other = `${CREDENTIALS}; echo "== own"; credentials "$AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"; echo; echo "== other"; wget -qO- "http://169.254.170.2${uri}" 2>&1 || echo REFUSED`;
    const output = await outputOf(await run('thief', { image: BUSYBOX, command: ['sh', '-c', other] }));
    assert.equal(json(output, 'own').RoleArn, roleArn, 'its own it reads');
    assert.match(section(output, 'other'), /400 Bad Request/);
    assert.match(section(output, 'other'), /REFUSED/);
    assert.doesNotMatch(section(output, 'other'), /AccessKeyId/);
    await ecs.send(new StopTaskCommand({ task: holder }));
  });

  test('a host-network task gets its credentials, and Wharf at its own loopback endpoint', async () => {
    const script = `${CREDENTIALS}; echo "== endpoint"; echo "$AWS_ENDPOINT_URL"; echo "== credentials"; credentials "$AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"`;
    const output = await outputOf(await run('on-host', { image: BUSYBOX, command: ['sh', '-c', script] }, { networkMode: 'host' }));
    assert.equal(section(output, 'endpoint').trim(), wharf.endpoint);
    assert.equal(json(output, 'credentials').RoleArn, roleArn, output);
  });

  test('the AWS CLI in an awsvpc (Fargate) task is its task role, through its own network', async () => {
    const ec2 = new EC2Client({ endpoint: wharf.endpoint, region: 'us-east-1', credentials: wharf.credentials });
    const { Subnets = [] } = await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'availability-zone', Values: ['us-east-1a'] }] }));
    ec2.destroy();
    const taskArn = await run(
      'fargate-cli',
      { image: AWSCLI, command: ['bash', '-c', CLI_SCRIPT] },
      { requiresCompatibilities: ['FARGATE'], networkMode: 'awsvpc', cpu: '256', memory: '512' },
      { launchType: 'FARGATE', networkConfiguration: { awsvpcConfiguration: { subnets: [Subnets[0]!.SubnetId!] } } },
    );
    const output = await outputOf(taskArn);
    assert.equal(json(output, 'get-caller-identity').Arn, `arn:aws:sts::${account}:assumed-role/app/${taskId(taskArn)}`, output);
    assert.match(section(output, 'list-task-definitions'), /AccessDeniedException/);
  });

  test("RunTask of a role ECS may not assume is refused with ECS's message", async () => {
    await ecs.send(new RegisterTaskDefinitionCommand({ family: 'untrusted', taskRoleArn: untrustedRoleArn, containerDefinitions: [{ name: 'app', image: BUSYBOX, memory: 64 }] }));
    await assert.rejects(ecs.send(new RunTaskCommand({ taskDefinition: 'untrusted' })), {
      name: 'InvalidParameterException',
      message: `ECS was unable to assume the role '${untrustedRoleArn}' that was provided for this task. Please verify that the role being passed has the proper trust relationship and permissions and that your IAM user has permissions to pass this role.`,
    });
  });
});
