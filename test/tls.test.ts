// TLS (issue 9 part 6), against a real `wharf up --tls`: the self-signed pair is made once into the data
// dir (0600) and kept; the API answers the SDK and the aws CLI over HTTPS only when they trust that pair;
// `wharf env` prints what the CLI needs; aws:SecureTransport is true; and a second agent joins over WSS
// with --ca-cert, with its instance profile, and runs a task.
import {
  CreateClusterCommand,
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListClustersCommand,
  ListContainerInstancesCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
} from '@aws-sdk/client-ecs';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { Agent as HttpsAgent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { WHARF_BIN, eventually, startWharf, type WharfProcess } from './wharf-process.js';

const REGION = 'us-east-1';
const run = promisify(execFile);

let wharf: WharfProcess;
let agent: ChildProcess | undefined;
let agentLog = '';

const trusting = (ca: string | undefined) => ({ requestHandler: { httpsAgent: new HttpsAgent({ ca }) } });

before(async () => {
  wharf = await startWharf({ tls: true });
});

after(async () => {
  await wharf?.drain().catch(() => undefined);
  agent?.kill('SIGTERM');
  await wharf?.stop();
});

test('the self-signed pair is made into the data dir, readable by its owner only, and names the loopback addresses', () => {
  for (const file of ['cert.pem', 'key.pem']) assert.equal(statSync(join(wharf.dataDir, 'tls', file)).mode & 0o777, 0o600, file);
  const cert = new X509Certificate(wharf.ca!);
  assert.ok(cert.checkIP('127.0.0.1'));
  assert.ok(cert.checkHost('localhost'));
});

test('the SDK calls over HTTPS when it trusts the pair, and refuses the server otherwise', async () => {
  const { clusterArns = [] } = await wharf.ecs().send(new ListClustersCommand({}));
  assert.ok(clusterArns.some((arn) => arn.endsWith(':cluster/default')));
  const untrusting = new ECSClient({ endpoint: wharf.endpoint, region: REGION, credentials: wharf.credentials, ...trusting(undefined), maxAttempts: 1 });
  await assert.rejects(untrusting.send(new ListClustersCommand({})), /self[- ]signed certificate/);
  // Plain HTTP on the TLS port gets no API answer.
  const plain = await fetch(wharf.endpoint.replace('https:', 'http:') + '/_wharf/health').then((r) => r.status, () => 'refused');
  assert.notEqual(plain, 200);
});

test('`wharf env` prints the HTTPS endpoint and the bundle, and the aws CLI works with them', async () => {
  const { stdout } = await run(process.execPath, [WHARF_BIN, 'env', '--data-dir', wharf.dataDir]);
  const exported = Object.fromEntries([...stdout.matchAll(/^export (\w+)='([^']*)'$/gm)].map((m) => [m[1]!, m[2]!]));
  assert.equal(exported.AWS_ENDPOINT_URL, wharf.endpoint);
  assert.equal(exported.AWS_CA_BUNDLE, join(wharf.dataDir, 'tls', 'cert.pem'));
  assert.equal(exported.NODE_EXTRA_CA_CERTS, exported.AWS_CA_BUNDLE);
  const env = { ...process.env, ...exported, AWS_PAGER: '' };
  const { stdout: clusters } = await run('aws', ['ecs', 'list-clusters', '--output', 'json'], { env });
  assert.match(clusters, /cluster\/default/);
  // Without the bundle the CLI refuses the server's certificate.
  const untrusting: NodeJS.ProcessEnv = { ...env };
  delete untrusting.AWS_CA_BUNDLE;
  await assert.rejects(run('aws', ['ecs', 'list-clusters'], { env: untrusting }), /SSL|certificate/i);
});

test('aws:SecureTransport is true over TLS', async () => {
  const iam = new IAMClient({ endpoint: wharf.endpoint, region: REGION, credentials: wharf.credentials, ...trusting(wharf.ca) });
  await iam.send(new CreateUserCommand({ UserName: 'tls-only' }));
  const policy = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 'ecs:ListClusters', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'true' } } }],
  };
  await iam.send(new PutUserPolicyCommand({ UserName: 'tls-only', PolicyName: 'tls', PolicyDocument: JSON.stringify(policy) }));
  const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'tls-only' }));
  const credentials = { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! };
  const ecs = new ECSClient({ endpoint: wharf.endpoint, region: REGION, credentials, ...trusting(wharf.ca) });
  const { clusterArns = [] } = await ecs.send(new ListClustersCommand({}));
  assert.ok(clusterArns.length > 0);
});

test('an agent joins over WSS with --ca-cert and runs a task', async () => {
  const ecs = wharf.ecs();
  await ecs.send(new CreateClusterCommand({ clusterName: 'tls' }));
  const agentDir = mkdtempSync(join(tmpdir(), 'wharf-agent-'));
  // The operator's keys for the join step only; nothing but --ca-cert tells the agent to trust the pair.
  const env: NodeJS.ProcessEnv = { ...process.env, ...wharf.env };
  delete env.AWS_CA_BUNDLE;
  delete env.NODE_EXTRA_CA_CERTS;
  agent = spawn(
    process.execPath,
    [WHARF_BIN, 'agent', '--endpoint', wharf.endpoint, '--cluster', 'tls', '--data-dir', agentDir, '--ca-cert', join(wharf.dataDir, 'tls', 'cert.pem'), '--instance-profile', 'ecsInstanceRole'],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  agent.stdout!.on('data', (d) => (agentLog += d));
  agent.stderr!.on('data', (d) => (agentLog += d));
  const instance = await eventually(async () => {
    const { containerInstanceArns = [] } = await ecs.send(new ListContainerInstancesCommand({ cluster: 'tls' }));
    if (containerInstanceArns.length === 0) return undefined;
    const { containerInstances = [] } = await ecs.send(new DescribeContainerInstancesCommand({ cluster: 'tls', containerInstances: containerInstanceArns }));
    return containerInstances.find((i) => i.agentConnected);
  }, `the agent to connect over WSS:\n${agentLog}`);
  assert.equal(instance.status, 'ACTIVE');
  assert.match(agentLog, /agent channel connected.*wss:|"endpoint":"https:/);

  await ecs.send(new RegisterTaskDefinitionCommand({
    family: 'tls-hello',
    containerDefinitions: [{ name: 'app', image: 'wharf-test/busybox', memory: 32, command: ['sh', '-c', "trap 'exit 0' TERM; sleep 3600 & wait"] }],
  }));
  const { tasks = [] } = await ecs.send(new RunTaskCommand({ cluster: 'tls', taskDefinition: 'tls-hello' }));
  const taskArn = tasks[0]!.taskArn!;
  await eventually(async () => {
    const { tasks: [task] = [] } = await ecs.send(new DescribeTasksCommand({ cluster: 'tls', tasks: [taskArn] }));
    return task?.lastStatus === 'RUNNING' ? task : undefined;
  }, 'the task to run on the WSS agent');
});

test('the pair is kept across restarts', async () => {
  const before = readFileSync(join(wharf.dataDir, 'tls', 'cert.pem'), 'utf8');
  await wharf.restart();
  assert.equal(readFileSync(join(wharf.dataDir, 'tls', 'cert.pem'), 'utf8'), before);
  const { clusterArns = [] } = await wharf.ecs().send(new ListClustersCommand({}));
  assert.ok(clusterArns.length > 0);
});
