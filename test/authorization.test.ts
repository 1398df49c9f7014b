// Authorisation end to end against a real `wharf up`: users made with the real IAM client call ECS, ELBv2
// and EC2 with the real SDKs and the aws CLI, and are allowed or refused as AWS would: by their policies,
// with iam:PassRole for the roles they name, conditional denies, boundaries; root passes; `--auth
// permissive` skips policies.
import { DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateClusterCommand, DescribeClustersCommand, ECSClient, ListTasksCommand, RegisterTaskDefinitionCommand, RunTaskCommand, DeleteClusterCommand } from '@aws-sdk/client-ecs';
import { DescribeLoadBalancersCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  IAMClient,
  PutUserPermissionsBoundaryCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { startWharf, type WharfProcess } from './wharf-process.js';

type Keys = { accessKeyId: string; secretAccessKey: string };
const doc = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement });
const CONTAINERS = [{ name: 'app', image: 'wharf-test/busybox:latest', memory: 16, command: ['true'] }];

/** The error a call fails with. */
async function failure(promise: Promise<unknown>): Promise<Error & { $metadata: { httpStatusCode?: number }; Code?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as never;
  }
  throw new Error('the call succeeded');
}

/** A user with `policies` (inline documents) and `managed` (attached ARNs); its access key. */
async function makeUser(wharf: WharfProcess, name: string, options: { policies?: string[]; managed?: string[]; boundary?: string } = {}): Promise<Keys> {
  const iam = new IAMClient({ endpoint: wharf.endpoint, region: 'us-east-1', credentials: wharf.credentials, maxAttempts: 1 });
  await iam.send(new CreateUserCommand({ UserName: name }));
  for (const [i, document] of (options.policies ?? []).entries()) await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: `p${i}`, PolicyDocument: document }));
  for (const arn of options.managed ?? []) await iam.send(new AttachUserPolicyCommand({ UserName: name, PolicyArn: arn }));
  if (options.boundary) await iam.send(new PutUserPermissionsBoundaryCommand({ UserName: name, PermissionsBoundary: options.boundary }));
  const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: name }));
  return { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! };
}

const client = <T>(Client: new (config: object) => T, wharf: WharfProcess, credentials: Keys): T =>
  new Client({ endpoint: wharf.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });

describe('policies enforced', () => {
  let wharf: WharfProcess;
  let account: string;
  before(async () => {
    wharf = await startWharf();
    const root = wharf.ecs();
    await root.send(new CreateClusterCommand({ clusterName: 'prod' }));
    await root.send(new RegisterTaskDefinitionCommand({ family: 'plain', containerDefinitions: CONTAINERS }));
    const iam = new IAMClient({ endpoint: wharf.endpoint, region: 'us-east-1', credentials: wharf.credentials, maxAttempts: 1 });
    const { Role } = await iam.send(
      new CreateRoleCommand({ RoleName: 'app', AssumeRolePolicyDocument: doc({ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }) }),
    );
    account = Role!.Arn!.split(':')[4]!;
    await root.send(new RegisterTaskDefinitionCommand({ family: 'with-role', taskRoleArn: Role!.Arn!, containerDefinitions: CONTAINERS }));
  });
  after(async () => {
    await wharf?.stop();
  });

  test('a read-only user can DescribeClusters but not RunTask, with AWS\'s message (SDK and CLI)', async () => {
    const keys = await makeUser(wharf, 'reader', { managed: ['arn:aws:iam::aws:policy/ReadOnlyAccess'] });
    const ecs = client(ECSClient, wharf, keys);
    const { clusters } = await ecs.send(new DescribeClustersCommand({ clusters: ['prod'] }));
    assert.equal(clusters?.[0]?.clusterName, 'prod');
    const denied = await failure(ecs.send(new RunTaskCommand({ cluster: 'prod', taskDefinition: 'plain' })));
    assert.equal(denied.name, 'AccessDeniedException');
    assert.equal(denied.$metadata.httpStatusCode, 400);
    assert.equal(
      denied.message,
      `User: arn:aws:iam::${account}:user/reader is not authorized to perform: ecs:RunTask on resource: arn:aws:ecs:us-east-1:${account}:task-definition/plain:1 because no identity-based policy allows the ecs:RunTask action`,
    );
    const env = { ...process.env, ...wharf.env, AWS_ACCESS_KEY_ID: keys.accessKeyId, AWS_SECRET_ACCESS_KEY: keys.secretAccessKey };
    let stderr = '';
    try {
      execFileSync('aws', ['ecs', 'run-task', '--cluster', 'prod', '--task-definition', 'plain'], { env, stdio: 'pipe' });
    } catch (error) {
      stderr = String((error as { stderr: Buffer }).stderr);
    }
    assert.match(stderr, /AccessDeniedException/);
    assert.match(stderr, /is not authorized to perform: ecs:RunTask/);
  });

  test('RunTask of a task definition naming a role needs iam:PassRole on it', async () => {
    const keys = await makeUser(wharf, 'runner', { policies: [doc({ Effect: 'Allow', Action: ['ecs:RunTask', 'ecs:Describe*'], Resource: '*' })] });
    const ecs = client(ECSClient, wharf, keys);
    const denied = await failure(ecs.send(new RunTaskCommand({ cluster: 'prod', taskDefinition: 'with-role' })));
    assert.equal(denied.name, 'AccessDeniedException');
    assert.match(denied.message, new RegExp(`is not authorized to perform: iam:PassRole on resource: arn:aws:iam::${account}:role/app`));
  });

  test('a Deny with a condition wins over an Allow (aws:SourceIp, ecs:cluster)', async () => {
    const everything = doc({ Effect: 'Allow', Action: 'ecs:*', Resource: '*' });
    const farAway = await makeUser(wharf, 'far', { policies: [everything, doc({ Effect: 'Deny', Action: '*', Resource: '*', Condition: { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } })] });
    assert.equal((await failure(client(ECSClient, wharf, farAway).send(new ListTasksCommand({ cluster: 'prod' })))).name, 'AccessDeniedException');
    const notProd = await makeUser(wharf, 'notprod', {
      policies: [everything, doc({ Effect: 'Deny', Action: 'ecs:*', Resource: '*', Condition: { ArnEquals: { 'ecs:cluster': `arn:aws:ecs:us-east-1:${account}:cluster/prod` } } })],
    });
    const ecs = client(ECSClient, wharf, notProd);
    await ecs.send(new ListTasksCommand({ cluster: 'default' }));
    const denied = await failure(ecs.send(new ListTasksCommand({ cluster: 'prod' })));
    assert.match(denied.message, /with an explicit deny in an identity-based policy/);
  });

  test('a permissions boundary limits what the user\'s policies allow', async () => {
    const iam = new IAMClient({ endpoint: wharf.endpoint, region: 'us-east-1', credentials: wharf.credentials, maxAttempts: 1 });
    const { Policy } = await iam.send(new CreatePolicyCommand({ PolicyName: 'describe-only', PolicyDocument: doc({ Effect: 'Allow', Action: 'ecs:Describe*', Resource: '*' }) }));
    const keys = await makeUser(wharf, 'fenced', { managed: ['arn:aws:iam::aws:policy/AdministratorAccess'], boundary: Policy!.Arn! });
    const ecs = client(ECSClient, wharf, keys);
    await ecs.send(new DescribeClustersCommand({ clusters: ['prod'] }));
    const denied = await failure(ecs.send(new DeleteClusterCommand({ cluster: 'prod' })));
    assert.match(denied.message, /because no permissions boundary allows the ecs:DeleteCluster action/);
  });

  test('ELBv2 and EC2 refuse in their own protocol\'s shape', async () => {
    const keys = await makeUser(wharf, 'nobody');
    const elb = await failure(client(ElasticLoadBalancingV2Client, wharf, keys).send(new DescribeLoadBalancersCommand({})));
    assert.equal(elb.name, 'AccessDenied');
    assert.equal(elb.$metadata.httpStatusCode, 403);
    assert.match(elb.message, /is not authorized to perform: elasticloadbalancing:DescribeLoadBalancers/);
    const ec2 = await failure(client(EC2Client, wharf, keys).send(new DescribeVpcsCommand({})));
    assert.equal(ec2.name, 'UnauthorizedOperation');
    assert.equal(ec2.$metadata.httpStatusCode, 403);
    assert.match(ec2.message, /^You are not authorized to perform this operation\. User: .* is not authorized to perform: ec2:DescribeVpcs/);
  });

  test('root is all-powerful', async () => {
    const ecs = wharf.ecs();
    await ecs.send(new CreateClusterCommand({ clusterName: 'scratch' }));
    await ecs.send(new DeleteClusterCommand({ cluster: 'scratch' }));
  });
});

describe('--auth permissive', () => {
  let wharf: WharfProcess;
  before(async () => {
    wharf = await startWharf({ args: ['--auth', 'permissive'] });
  });
  after(async () => {
    await wharf?.stop();
  });

  test('skips policies: a user without any may do anything', async () => {
    const keys = await makeUser(wharf, 'nobody');
    const ecs = client(ECSClient, wharf, keys);
    await ecs.send(new CreateClusterCommand({ clusterName: 'anyone' }));
    await ecs.send(new DeleteClusterCommand({ cluster: 'anyone' }));
  });
});
