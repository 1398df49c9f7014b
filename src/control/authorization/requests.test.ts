// The catalogue from AWS's reference, and the requests a call becomes: actions, resources derived from the
// input, condition keys, and the iam:PassRole a role implies.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { CallContext } from '../../core/caller.js';
import { fixture, putCluster, putTaskDefinition, type Fixture } from '../ecs/fixtures.js';
import { compileTemplate, loadServiceCatalogue } from './catalogue.js';
import { requestsFor } from './requests.js';
import { bindServices } from '../../api/services.js';

const ACCOUNT = '123456789012';
const ecs = loadServiceCatalogue('ecs');
const elbv2 = loadServiceCatalogue('elasticloadbalancing');
const iam = loadServiceCatalogue('iam');

let world: Fixture;
let call: CallContext;
before(async () => {
  world = await fixture();
  call = {
    ...world.call,
    sourceIp: '10.0.0.7',
    secureTransport: false,
    caller: { accessKeyId: 'AKIAALICE', accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/alice`, type: 'user', userId: 'AIDAALICE', identityArn: `arn:aws:iam::${ACCOUNT}:user/alice` },
  };
  await putCluster(world.ctx, 'default');
  const cluster = await putCluster(world.ctx, 'prod');
  await world.ctx.state.mutate((tx) => tx.put('cluster', cluster.clusterArn, { ...cluster, tags: [{ key: 'team', value: 'blue' }] }));
  await putTaskDefinition(world.ctx, 'web', undefined, { taskRoleArn: `arn:aws:iam::${ACCOUNT}:role/web-task` });
  await world.ctx.state.mutate((tx) => tx.put('taskDefinitionFamily', 'web', { family: 'web', latestRevision: 1 }));
});

const requests = (catalogue: ReturnType<typeof loadServiceCatalogue>, operation: string, input: unknown, tags: Record<string, string> = {}) =>
  requestsFor(world.ctx, catalogue, bindServices(world.ctx).rules[catalogue.prefix] ?? {}, operation, input, call, tags);
const summary = (list: ReturnType<typeof requests>) => list.map((r) => `${r.action} ${r.resource}`);

describe('the catalogue', () => {
  test('actions, resource types and condition keys come from the reference', () => {
    const runTask = ecs.action('RunTask')!;
    assert.equal(runTask.action, 'ecs:RunTask');
    assert.deepEqual(runTask.resourceTypes.map((t) => [t.name, t.required, t.template]), [
      ['task-definition', true, 'arn:${Partition}:ecs:${Region}:${Account}:task-definition/${TaskDefinitionFamilyName}:${TaskDefinitionRevisionNumber}'],
    ]);
    assert.ok(runTask.conditionKeys.includes('ecs:cluster'));
    assert.equal(ecs.action('runtask'), runTask);
    assert.equal(ecs.action('NoSuchOperation'), undefined);
  });

  test('a template matches the ARNs of its type and captures its variables', () => {
    const { pattern, variables } = compileTemplate('arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}');
    assert.deepEqual(variables, ['RoleNameWithPath']);
    assert.deepEqual(pattern.exec(`arn:aws:iam::${ACCOUNT}:role/service/ecs/r1`)?.slice(1), ['service/ecs/r1']);
    assert.equal(pattern.test(`arn:aws:iam::${ACCOUNT}:user/r1`), false);
  });
});

describe('the generic rule', () => {
  test('names in the input fill the ARN templates; a list gives one request per element', () => {
    assert.deepEqual(summary(requests(ecs, 'DescribeClusters', { clusters: ['prod', `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/other`] })), [
      `ecs:DescribeClusters arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/other`,
      `ecs:DescribeClusters arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/prod`,
    ]);
  });

  test('an action without resource types, or whose names the input lacks, is on *', () => {
    assert.deepEqual(summary(requests(ecs, 'ListClusters', {})), ['ecs:ListClusters *']);
    assert.deepEqual(summary(requests(elbv2, 'DescribeLoadBalancers', {})), ['elasticloadbalancing:DescribeLoadBalancers *']);
  });

  test('an ARN in the input is the resource of its type', () => {
    const tg = `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:targetgroup/web/0123456789abcdef`;
    assert.deepEqual(summary(requests(elbv2, 'RegisterTargets', { TargetGroupArn: tg, Targets: [{ Id: 'i-1' }] })), [
      `elasticloadbalancing:RegisterTargets ${tg}`,
    ]);
  });

  test('global keys are in every request', () => {
    const [request] = requests(ecs, 'ListClusters', {}, { dept: 'eng' });
    assert.equal(request!.context['aws:SourceIp'], '10.0.0.7');
    assert.equal(request!.context['aws:SecureTransport'], 'false');
    assert.equal(request!.context['aws:PrincipalArn'], `arn:aws:iam::${ACCOUNT}:user/alice`);
    assert.equal(request!.context['aws:PrincipalType'], 'User');
    assert.equal(request!.context['aws:username'], 'alice');
    assert.equal(request!.context['aws:userid'], 'AIDAALICE');
    assert.equal(request!.context['aws:PrincipalAccount'], ACCOUNT);
    assert.equal(request!.context['aws:RequestedRegion'], 'us-east-1');
    assert.equal(request!.context['aws:PrincipalTag/dept'], 'eng');
    assert.equal(request!.context['aws:CurrentTime'], '2026-01-01T00:00:00.000Z');
    assert.equal(request!.context['aws:EpochTime'], String(Date.parse('2026-01-01T00:00:00Z') / 1000));
    assert.equal(request!.context['aws:MultiFactorAuthPresent'], undefined);
  });

  test('tags set by the call and tags on the resource', () => {
    const [create] = requests(ecs, 'CreateCluster', { clusterName: 'new', tags: [{ key: 'team', value: 'red' }] });
    assert.equal(create!.context['aws:RequestTag/team'], 'red');
    assert.deepEqual(create!.context['aws:TagKeys'], ['team']);
    const [describe] = requests(ecs, 'DescribeClusters', { clusters: ['prod'] });
    assert.equal(describe!.context['aws:ResourceTag/team'], 'blue');
    assert.equal(describe!.context['ecs:ResourceTag/team'], 'blue');
  });
});

describe('ECS', () => {
  test('RunTask is on the task definition revision, with ecs:cluster, and passes the task role', () => {
    const list = requests(ecs, 'RunTask', { cluster: 'prod', taskDefinition: 'web' });
    assert.deepEqual(summary(list), [
      `ecs:RunTask arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/web:1`,
      `iam:PassRole arn:aws:iam::${ACCOUNT}:role/web-task`,
    ]);
    assert.equal(list[0]!.context['ecs:cluster'], `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/prod`);
    assert.equal(list[1]!.context['iam:PassedToService'], 'ecs-tasks.amazonaws.com');
  });

  test('the cluster defaults to `default`; an override role is passed instead', () => {
    const list = requests(ecs, 'RunTask', { taskDefinition: 'web:1', overrides: { taskRoleArn: `arn:aws:iam::${ACCOUNT}:role/other` } });
    assert.equal(list[0]!.context['ecs:cluster'], `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/default`);
    assert.deepEqual(summary(list).slice(1), [`iam:PassRole arn:aws:iam::${ACCOUNT}:role/other`]);
  });

  test('RegisterTaskDefinition is on the revision it creates', () => {
    assert.deepEqual(summary(requests(ecs, 'RegisterTaskDefinition', { family: 'web', containerDefinitions: [], executionRoleArn: 'exec' })), [
      `ecs:RegisterTaskDefinition arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/web:2`,
      `iam:PassRole arn:aws:iam::${ACCOUNT}:role/exec`,
    ]);
  });

  test('CreateService is on the service, with a service role passed to ecs.amazonaws.com', () => {
    const list = requests(ecs, 'CreateService', { cluster: 'prod', serviceName: 'api', taskDefinition: 'web', role: 'ecsServiceRole' });
    assert.deepEqual(summary(list), [
      `ecs:CreateService arn:aws:ecs:us-east-1:${ACCOUNT}:service/prod/api`,
      `iam:PassRole arn:aws:iam::${ACCOUNT}:role/web-task`,
      `iam:PassRole arn:aws:iam::${ACCOUNT}:role/ecsServiceRole`,
    ]);
    assert.equal(list[0]!.context['ecs:cluster'], `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/prod`);
    assert.equal(list[0]!.context['ecs:task-definition'], `arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/web:1`);
    assert.equal(list[2]!.context['iam:PassedToService'], 'ecs.amazonaws.com');
  });

  test('tasks and container instances are on their ARNs, with their cluster', () => {
    const task = `arn:aws:ecs:us-east-1:${ACCOUNT}:task/prod/0123`;
    const [stop] = requests(ecs, 'StopTask', { task });
    assert.equal(stop!.resource, task);
    assert.equal(stop!.context['ecs:cluster'], `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/prod`);
    const [byId] = requests(ecs, 'StopTask', { cluster: 'prod', task: '0123' });
    assert.equal(byId!.resource, task);
    const [poll] = requests(ecs, 'Poll', { cluster: 'prod', containerInstance: 'abc' });
    assert.equal(poll!.resource, `arn:aws:ecs:us-east-1:${ACCOUNT}:container-instance/prod/abc`);
    assert.equal(poll!.context['ecs:cluster'], `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/prod`);
  });

  test('an agent\'s calls: RegisterContainerInstance and SubmitTaskStateChange on the cluster', () => {
    assert.deepEqual(summary(requests(ecs, 'RegisterContainerInstance', { cluster: 'prod' })), [`ecs:RegisterContainerInstance arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/prod`]);
    assert.deepEqual(summary(requests(ecs, 'SubmitTaskStateChange', {})), [`ecs:SubmitTaskStateChange arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/default`]);
    assert.deepEqual(summary(requests(ecs, 'DiscoverPollEndpoint', {})), ['ecs:DiscoverPollEndpoint *']);
  });
});

describe('IAM', () => {
  test('an entity is on its ARN with its path', async () => {
    await world.ctx.state.mutate((tx) =>
      tx.put('iamUser', 'bob', {
        UserName: 'bob', UserId: 'AIDABOB', Arn: `arn:aws:iam::${ACCOUNT}:user/ops/bob`, Path: '/ops/', CreateDate: new Date(0),
        Tags: [{ Key: 'team', Value: 'ops' }], inlinePolicies: {}, attachedPolicies: [],
      }),
    );
    const [get] = requests(iam, 'GetUser', { UserName: 'bob' });
    assert.equal(get!.resource, `arn:aws:iam::${ACCOUNT}:user/ops/bob`);
    assert.equal(get!.context['aws:ResourceTag/team'], 'ops');
    assert.equal(requests(iam, 'CreateUser', { UserName: 'carol', Path: '/dev/' })[0]!.resource, `arn:aws:iam::${ACCOUNT}:user/dev/carol`);
    const attach = requests(iam, 'AttachUserPolicy', { UserName: 'bob', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' });
    assert.deepEqual(summary(attach), [`iam:AttachUserPolicy arn:aws:iam::${ACCOUNT}:user/ops/bob`]);
    assert.equal(attach[0]!.context['iam:PolicyARN'], 'arn:aws:iam::aws:policy/ReadOnlyAccess');
  });
});
