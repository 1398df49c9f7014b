// Agents with their own identity (issue 8 part 5), against a real `wharf up`: the local agent runs on the
// ecsInstanceRole session, never root; a second agent joins with an instance profile, its operator's keys
// used once, and runs a task; instance credentials cannot claim another instance's channel, register over
// it, or report for its tasks; and the role losing its policy stops the agent.
import {
  CreateClusterCommand,
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListContainerInstancesCommand,
  RegisterContainerInstanceCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  SubmitTaskStateChangeCommand,
  type ContainerInstance,
} from '@aws-sdk/client-ecs';
import {
  AddRoleToInstanceProfileCommand,
  AttachRolePolicyCommand,
  CreateAccessKeyCommand,
  CreateInstanceProfileCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DetachRolePolicyCommand,
  IAMClient,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import WebSocket from 'ws';
import { signedChannelRequest } from '../src/agent/channel.js';
import { joinInstance, readJoinedInstance, type JoinedInstance } from '../src/agent/instance-credentials.js';
import { WHARF_BIN, eventually, startWharf, type WharfProcess } from './wharf-process.js';

const REGION = 'us-east-1';
const EC2_ROLE_POLICY = 'arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role';
const EC2_TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

let wharf: WharfProcess;
let ecs: ECSClient;
let iam: IAMClient;
/** An operator allowed to launch instances with the `agents` profile, and nothing else. */
let operator: { accessKeyId: string; secretAccessKey: string };
let agent: ChildProcess | undefined;
let agentLog = '';
const agentDir = mkdtempSync(join(tmpdir(), 'wharf-agent-'));

async function userWithPolicy(name: string, statements: object[]) {
  await iam.send(new CreateUserCommand({ UserName: name }));
  await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'p', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: statements }) }));
  const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: name }));
  return { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! };
}

async function instancesOf(cluster: string): Promise<ContainerInstance[]> {
  const { containerInstanceArns = [] } = await ecs.send(new ListContainerInstancesCommand({ cluster }));
  if (containerInstanceArns.length === 0) return [];
  const { containerInstances = [] } = await ecs.send(new DescribeContainerInstancesCommand({ cluster, containerInstances: containerInstanceArns }));
  return containerInstances;
}

before(async () => {
  wharf = await startWharf();
  ecs = wharf.ecs();
  iam = new IAMClient({ endpoint: wharf.endpoint, region: REGION, credentials: wharf.credentials });
  await iam.send(new CreateRoleCommand({ RoleName: 'agents', AssumeRolePolicyDocument: EC2_TRUST }));
  await iam.send(new AttachRolePolicyCommand({ RoleName: 'agents', PolicyArn: EC2_ROLE_POLICY }));
  await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'agents' }));
  await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'agents', RoleName: 'agents' }));
  operator = await userWithPolicy('operator', [
    { Effect: 'Allow', Action: 'ec2:RunInstances', Resource: '*' },
    { Effect: 'Allow', Action: 'iam:PassRole', Resource: 'arn:aws:iam::*:role/agents', Condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } } },
  ]);
  await ecs.send(new CreateClusterCommand({ clusterName: 'joined' }));
  await ecs.send(new RegisterTaskDefinitionCommand({
    family: 'sleeper',
    containerDefinitions: [{ name: 'app', image: 'wharf-test/busybox:latest', memory: 32, command: ['sh', '-c', "trap 'exit 143' TERM; sleep 300 & wait"] }],
  }));
});

after(async () => {
  try {
    await wharf?.drain();
  } finally {
    agent?.kill('SIGTERM');
    await wharf?.stop();
  }
});

test('the local agent runs on its ecsInstanceRole session, kept 0600, never on root', async () => {
  const kept = await readJoinedInstance(join(wharf.dataDir, 'agent'));
  assert.ok(kept, 'the local agent keeps its instance session');
  assert.match(kept.instanceId, /^i-[0-9a-f]{17}$/);
  assert.match(kept.instanceProfileArn, /:instance-profile\/ecsInstanceRole$/);
  assert.notEqual(kept.credentials.accessKeyId, wharf.credentials.accessKeyId);
  assert.equal(statSync(join(wharf.dataDir, 'agent', 'instance-credentials.json')).mode & 0o777, 0o600);
  const [local] = await instancesOf('default');
  assert.equal(local?.ec2InstanceId, kept.instanceId, 'the container instance is the session\'s instance');
  assert.equal(local?.agentConnected, true);
});

test('joining needs iam:PassRole on the profile\'s role', async () => {
  const stranger = await userWithPolicy('stranger', [{ Effect: 'Allow', Action: 'ec2:RunInstances', Resource: '*' }]);
  await assert.rejects(joinInstance(wharf.endpoint, REGION, stranger, 'agents'), { code: 'AccessDeniedException', message: /iam:PassRole/ });
  await assert.rejects(joinInstance(wharf.endpoint, REGION, operator, 'nope'), { code: 'InvalidParameterValue' });
});

test('a second agent joins with an instance profile, its operator\'s keys used once, and runs a task', async () => {
  const env: NodeJS.ProcessEnv = { ...wharf.env, AWS_ACCESS_KEY_ID: operator.accessKeyId, AWS_SECRET_ACCESS_KEY: operator.secretAccessKey };
  agent = spawn(process.execPath, [WHARF_BIN, 'agent', '--endpoint', wharf.endpoint, '--cluster', 'joined', '--instance-profile', 'agents', '--data-dir', agentDir], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  agent.stdout!.on('data', (d) => (agentLog += d));
  agent.stderr!.on('data', (d) => (agentLog += d));
  const instance = await eventually(async () => (await instancesOf('joined')).find((i) => i.agentConnected), 'the joined agent connected');
  const kept = (await readJoinedInstance(agentDir))!;
  assert.equal(instance.ec2InstanceId, kept.instanceId);
  assert.match(kept.instanceProfileArn, /:instance-profile\/agents$/);
  assert.ok(!JSON.stringify(kept).includes(operator.accessKeyId), 'the operator\'s keys are not kept');

  const { tasks: [task] = [], failures } = await ecs.send(new RunTaskCommand({ cluster: 'joined', taskDefinition: 'sleeper' }));
  assert.deepEqual(failures, []);
  await eventually(async () => {
    const { tasks: [t] = [] } = await ecs.send(new DescribeTasksCommand({ cluster: 'joined', tasks: [task!.taskArn!] }));
    return t?.lastStatus === 'RUNNING' ? t : undefined;
  }, 'the task RUNNING on the joined instance');
});

test('instance credentials cannot claim another instance\'s channel, register over it, or report for its tasks', async () => {
  const kept: JoinedInstance = (await readJoinedInstance(agentDir))!;
  const asInstance = new ECSClient({ endpoint: wharf.endpoint, region: REGION, credentials: kept.credentials });
  const [local] = await instancesOf('default');
  const localArn = local!.containerInstanceArn!;

  const { url, headers } = await signedChannelRequest(wharf.endpoint, {
    clusterArn: localArn.replace(/:container-instance\/([^/]+)\/.*$/, ':cluster/$1'),
    containerInstanceArn: localArn,
    region: REGION,
    credentials: kept.credentials,
  });
  const refused = await new Promise<{ status?: number; body: string }>((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on('open', () => reject(new Error('the channel opened')));
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
  });
  assert.equal(refused.status, 400);
  const body = JSON.parse(refused.body) as { __type: string; message: string };
  assert.match(body.__type, /AccessDeniedException/);
  assert.match(body.message, /ecs:Poll/);

  await assert.rejects(asInstance.send(new RegisterContainerInstanceCommand({ containerInstanceArn: localArn })), { name: 'AccessDeniedException' });

  const { tasks: [task] = [] } = await ecs.send(new RunTaskCommand({ taskDefinition: 'sleeper' }));
  assert.equal(task!.containerInstanceArn, localArn);
  await assert.rejects(asInstance.send(new SubmitTaskStateChangeCommand({ task: task!.taskArn!, status: 'STOPPED' })), {
    name: 'AccessDeniedException',
    message: /ecs:SubmitTaskStateChange/,
  });
  const { tasks: [after] = [] } = await ecs.send(new DescribeTasksCommand({ tasks: [task!.taskArn!] }));
  assert.notEqual(after?.lastStatus, 'STOPPED');
  asInstance.destroy();
});

test('detaching the policy from the role stops the agent: its channel closes and reconnecting is refused', async () => {
  const since = agentLog.length;
  await iam.send(new DetachRolePolicyCommand({ RoleName: 'agents', PolicyArn: EC2_ROLE_POLICY }));
  try {
    await eventually(async () => ((await instancesOf('joined'))[0]?.agentConnected === false ? true : undefined), 'the joined agent disconnected');
    // Its next attempts are refused, and its log says so (DiscoverPollEndpoint and the channel both need the role's rights).
    const refused = (line: string) => line.includes('agent channel failed') && line.includes('AccessDeniedException');
    await eventually(async () => (agentLog.slice(since).split('\n').some(refused) ? true : undefined), 'the refusal in its log');
    // The local agent, on another role, is untouched.
    assert.equal((await instancesOf('default'))[0]?.agentConnected, true);
  } finally {
    // Its rights back, it reconnects (within its backoff) and can clean up after the suite.
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'agents', PolicyArn: EC2_ROLE_POLICY }));
  }
});

test('restarted with no operator keys, the agent renews the session it kept and comes back as the same instance', async () => {
  const [before] = await instancesOf('joined');
  const kept = (await readJoinedInstance(agentDir))!;
  const exited = new Promise((resolve) => agent!.once('exit', resolve));
  agent!.kill('SIGTERM');
  await exited;
  const { AWS_ACCESS_KEY_ID: _id, AWS_SECRET_ACCESS_KEY: _secret, ...env } = wharf.env;
  agent = spawn(process.execPath, [WHARF_BIN, 'agent', '--endpoint', wharf.endpoint, '--cluster', 'joined', '--data-dir', agentDir], { env, stdio: 'ignore' });
  // Its going away, re-registration and reconnection each make a new version.
  const again = await eventually(async () => {
    const [now] = await instancesOf('joined');
    return now?.agentConnected && now.version! > before!.version! ? now : undefined;
  }, 'the restarted agent connected');
  assert.equal(again?.containerInstanceArn, before?.containerInstanceArn);
  const renewed = (await readJoinedInstance(agentDir))!;
  assert.equal(renewed.instanceId, kept.instanceId);
  assert.notEqual(renewed.credentials.accessKeyId, kept.credentials.accessKeyId, 'renewed at start');
});
