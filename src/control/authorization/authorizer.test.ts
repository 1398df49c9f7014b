// The authorizer over records put straight into state: whose policies are gathered (a user's inline,
// attached and groups', its boundary; a role session's role and session policies), root's pass, the
// denial of each protocol with AWS's message, and decisions that follow IAM changes.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { AuthorizationCall } from '../../core/authorization.js';
import type { Caller, CallContext } from '../../core/caller.js';
import type { IamRoleRecord, IamUserRecord } from '../../core/iam.js';
import { fixture, putCluster, putTaskDefinition, type Fixture } from '../ecs/fixtures.js';
import { bindServices } from '../../api/services.js';
import { authorization, type Authorization } from './authorizer.js';

const ACCOUNT = '123456789012';
const doc = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement });
const allow = (Action: string | string[], Resource: string | string[] = '*', Condition?: object) => ({ Effect: 'Allow', Action, Resource, ...(Condition && { Condition }) });
const deny = (Action: string | string[], Resource: string | string[] = '*', Condition?: object) => ({ Effect: 'Deny', Action, Resource, ...(Condition && { Condition }) });

let world: Fixture;
let authorize: Authorization['authorize'];

const user = (name: string, extra: Partial<IamUserRecord> = {}): IamUserRecord => ({
  UserName: name, UserId: `AIDA${name.toUpperCase()}`, Arn: `arn:aws:iam::${ACCOUNT}:user/${name}`, Path: '/', CreateDate: new Date(0),
  Tags: [], inlinePolicies: {}, attachedPolicies: [], ...extra,
});
const userCaller = (name: string): Caller => ({
  accessKeyId: `AKIA${name}`, accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/${name}`, type: 'user', userId: `AIDA${name.toUpperCase()}`,
  identityArn: `arn:aws:iam::${ACCOUNT}:user/${name}`,
});
const context = (caller: Caller, sourceIp = '127.0.0.1'): CallContext => ({ requestId: 'r', region: 'us-east-1', caller, sourceIp, secureTransport: false });
const ecsCall = (caller: Caller, operation: string, input: unknown = {}, sourceIp?: string): AuthorizationCall => ({
  service: 'ecs', protocol: 'json', operation, input, call: context(caller, sourceIp),
});

/** The error `authorize` refuses with, or undefined when it allows. */
function refusal(request: AuthorizationCall): (Error & { code: string; status: number }) | undefined {
  try {
    authorize(request);
    return undefined;
  } catch (error) {
    return error as never;
  }
}

before(async () => {
  world = await fixture();
  authorize = authorization(world.ctx, bindServices(world.ctx).rules).authorize;
  await putCluster(world.ctx, 'default');
  await putCluster(world.ctx, 'prod');
  await putTaskDefinition(world.ctx, 'web');
  await putTaskDefinition(world.ctx, 'with-role', undefined, { taskRoleArn: `arn:aws:iam::${ACCOUNT}:role/app` });
  const reader = doc(allow(['ecs:Describe*', 'ecs:List*']));
  await world.ctx.state.mutate((tx) => {
    tx.put('iamUser', 'reader', user('reader', { inlinePolicies: { read: reader } }));
    tx.put('iamUser', 'runner', user('runner', { inlinePolicies: { run: doc(allow('ecs:RunTask')) } }));
    tx.put('iamUser', 'passer', user('passer', { inlinePolicies: { run: doc(allow(['ecs:RunTask', 'iam:PassRole'])) } }));
    tx.put('iamUser', 'grouped', user('grouped'));
    tx.put('iamGroup', 'readers', {
      GroupName: 'readers', GroupId: 'AGPAREADERS', Arn: `arn:aws:iam::${ACCOUNT}:group/readers`, Path: '/', CreateDate: new Date(0),
      inlinePolicies: { read: reader }, attachedPolicies: [], members: ['grouped'],
    });
    tx.put('iamUser', 'fenced', user('fenced', {
      inlinePolicies: { all: doc(allow('*')) },
      PermissionsBoundary: `arn:aws:iam::${ACCOUNT}:policy/describe-only`,
    }));
    tx.put('iamPolicy', `arn:aws:iam::${ACCOUNT}:policy/describe-only`, {
      PolicyName: 'describe-only', PolicyId: 'ANPADESCRIBE', Arn: `arn:aws:iam::${ACCOUNT}:policy/describe-only`, Path: '/', CreateDate: new Date(0), UpdateDate: new Date(0),
      DefaultVersionId: 'v1', versions: [{ VersionId: 'v1', Document: doc(allow('ecs:Describe*')), CreateDate: new Date(0) }], nextVersion: 2, Tags: [],
    });
    tx.put('iamUser', 'office', user('office', {
      inlinePolicies: {
        all: doc(allow('ecs:*')),
        fence: doc(deny('*', '*', { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }), deny('ecs:*', '*', { ArnEquals: { 'ecs:cluster': `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/prod` } })),
      },
    }));
    tx.put('iamUser', 'admin', user('admin', { attachedPolicies: ['arn:aws:iam::aws:policy/AdministratorAccess'] }));
    const role: IamRoleRecord = {
      RoleName: 'app', RoleId: 'AROAAPP', Arn: `arn:aws:iam::${ACCOUNT}:role/app`, Path: '/', CreateDate: new Date(0),
      AssumeRolePolicyDocument: doc({ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }),
      MaxSessionDuration: 3600, Tags: [], inlinePolicies: { ecs: doc(allow('ecs:*')) }, attachedPolicies: [],
    };
    tx.put('iamRole', 'app', role);
  });
});

describe('gathering a caller\'s policies', () => {
  test('a user\'s inline policy: allowed what it allows, denied the rest with AWS\'s message', () => {
    assert.equal(refusal(ecsCall(userCaller('reader'), 'DescribeClusters', { clusters: ['default'] })), undefined);
    const denied = refusal(ecsCall(userCaller('reader'), 'RunTask', { taskDefinition: 'web' }));
    assert.equal(denied?.code, 'AccessDeniedException');
    assert.equal(denied?.status, 400);
    assert.equal(
      denied?.message,
      `User: arn:aws:iam::${ACCOUNT}:user/reader is not authorized to perform: ecs:RunTask on resource: arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/web:1 because no identity-based policy allows the ecs:RunTask action`,
    );
  });

  test('a group\'s policies apply to its members', () => {
    assert.equal(refusal(ecsCall(userCaller('grouped'), 'ListClusters')), undefined);
    assert.equal(refusal(ecsCall(userCaller('grouped'), 'DeleteCluster', { cluster: 'prod' }))?.code, 'AccessDeniedException');
  });

  test('AWS managed policies attached by ARN', () => {
    assert.equal(refusal(ecsCall(userCaller('admin'), 'DeleteCluster', { cluster: 'prod' })), undefined);
  });

  test('naming a role needs iam:PassRole on it', () => {
    assert.equal(refusal(ecsCall(userCaller('runner'), 'RunTask', { taskDefinition: 'web' })), undefined);
    const denied = refusal(ecsCall(userCaller('runner'), 'RunTask', { taskDefinition: 'with-role' }));
    assert.match(denied?.message ?? '', /is not authorized to perform: iam:PassRole on resource: arn:aws:iam::123456789012:role\/app/);
    assert.equal(refusal(ecsCall(userCaller('passer'), 'RunTask', { taskDefinition: 'with-role' })), undefined);
  });

  test('a permissions boundary limits what the identity policies allow', () => {
    assert.equal(refusal(ecsCall(userCaller('fenced'), 'DescribeClusters')), undefined);
    assert.equal(refusal(ecsCall(userCaller('fenced'), 'ListClusters'))?.code, 'AccessDeniedException');
  });

  test('a Deny with a condition wins over an Allow: aws:SourceIp, ecs:cluster', () => {
    assert.equal(refusal(ecsCall(userCaller('office'), 'ListClusters', {}, '10.1.2.3')), undefined);
    assert.match(refusal(ecsCall(userCaller('office'), 'ListClusters', {}, '192.0.2.1'))?.message ?? '', /with an explicit deny/);
    // ecs:cluster is a key of the actions the reference lists it for (ListTasks, RunTask...), not of DescribeClusters.
    assert.equal(refusal(ecsCall(userCaller('office'), 'ListTasks', { cluster: 'default' }, '10.1.2.3')), undefined);
    assert.match(refusal(ecsCall(userCaller('office'), 'ListTasks', { cluster: 'prod' }, '10.1.2.3'))?.message ?? '', /with an explicit deny/);
  });

  test('a role session: the role\'s policies, narrowed by its session policy', () => {
    const session: Caller = {
      accessKeyId: 'ASIAAPP', accountId: ACCOUNT, arn: `arn:aws:sts::${ACCOUNT}:assumed-role/app/s1`, type: 'assumed-role', userId: 'AROAAPP:s1',
      identityArn: `arn:aws:iam::${ACCOUNT}:role/app`, session: { expiration: new Date(Date.parse('2030-01-01T00:00:00Z')) },
    };
    assert.equal(refusal(ecsCall(session, 'DeleteCluster', { cluster: 'prod' })), undefined);
    const narrowed: Caller = { ...session, session: { ...session.session!, policy: doc(allow('ecs:List*')) } };
    assert.equal(refusal(ecsCall(narrowed, 'ListClusters')), undefined);
    const denied = refusal(ecsCall(narrowed, 'DeleteCluster', { cluster: 'prod' }));
    assert.match(denied?.message ?? '', new RegExp(`^User: arn:aws:sts::${ACCOUNT}:assumed-role/app/s1 is not authorized to perform: ecs:DeleteCluster`));
  });

  test('decisions kept for a role are not those of its other sessions: the session tags a policy variable reads', async () => {
    await world.ctx.state.mutate((tx) => tx.put('iamRole', 'teams', {
      RoleName: 'teams', RoleId: 'AROATEAMS', Arn: `arn:aws:iam::${ACCOUNT}:role/teams`, Path: '/', CreateDate: new Date(0),
      AssumeRolePolicyDocument: doc({ Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 'sts:AssumeRole' }),
      MaxSessionDuration: 3600, Tags: [], attachedPolicies: [],
      inlinePolicies: { own: doc(allow('ecs:DescribeClusters', 'arn:aws:ecs:*:*:cluster/${aws:PrincipalTag/team}')) },
    }));
    const session = (team: string): Caller => ({
      accessKeyId: `ASIA${team}`, accountId: ACCOUNT, arn: `arn:aws:sts::${ACCOUNT}:assumed-role/teams/${team}`, type: 'assumed-role', userId: `AROATEAMS:${team}`,
      identityArn: `arn:aws:iam::${ACCOUNT}:role/teams`, session: { expiration: new Date(Date.parse('2030-01-01T00:00:00Z')), tags: { team } },
    });
    for (let i = 0; i < 2; i++) {
      assert.equal(refusal(ecsCall(session('prod'), 'DescribeClusters', { clusters: ['prod'] })), undefined);
      assert.equal(refusal(ecsCall(session('default'), 'DescribeClusters', { clusters: ['prod'] }))?.code, 'AccessDeniedException');
    }
  });
  test('decisions follow the resources\' state: a tag added to a cluster', async () => {
    await world.ctx.state.mutate((tx) => tx.put('iamUser', 'red', user('red', { inlinePolicies: { red: doc(allow('ecs:DescribeClusters', '*', { StringEquals: { 'aws:ResourceTag/team': 'red' } })) } })));
    const describe = () => refusal(ecsCall(userCaller('red'), 'DescribeClusters', { clusters: ['tagged'] }));
    const cluster = await putCluster(world.ctx, 'tagged');
    assert.equal(describe()?.code, 'AccessDeniedException');
    await world.ctx.state.mutate((tx) => tx.put('cluster', cluster.clusterArn, { ...cluster, tags: [{ key: 'team', value: 'red' }] }));
    assert.equal(describe(), undefined);
  });
  test('an identity that no longer exists is allowed nothing', () => {
    assert.equal(refusal(ecsCall(userCaller('ghost'), 'ListClusters'))?.code, 'AccessDeniedException');
  });

  test('decisions follow IAM changes', async () => {
    assert.equal(refusal(ecsCall(userCaller('reader'), 'ListClusters')), undefined);
    await world.ctx.state.mutate((tx) => tx.put('iamUser', 'reader', user('reader')));
    assert.equal(refusal(ecsCall(userCaller('reader'), 'ListClusters'))?.code, 'AccessDeniedException');
  });
});

describe('callers and protocols', () => {
  test('root is allowed everything without evaluation', () => {
    const root: Caller = { accessKeyId: 'AKIAROOT', accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root` };
    assert.equal(refusal(ecsCall(root, 'DeleteCluster', { cluster: 'prod' })), undefined);
    assert.equal(refusal(ecsCall({ ...root, type: 'root' }, 'DeleteCluster', { cluster: 'prod' })), undefined);
  });

  test('query services answer AccessDenied 403, EC2 UnauthorizedOperation', () => {
    const call = context(userCaller('ghost'));
    const elb = refusal({ service: 'elasticloadbalancing', protocol: 'query', operation: 'DescribeLoadBalancers', input: {}, call });
    assert.equal(elb?.code, 'AccessDenied');
    assert.equal(elb?.status, 403);
    const ec2 = refusal({ service: 'ec2', protocol: 'ec2', operation: 'DescribeVpcs', input: {}, call });
    assert.equal(ec2?.code, 'UnauthorizedOperation');
    assert.equal(ec2?.status, 403);
    assert.match(ec2?.message ?? '', /^You are not authorized to perform this operation\. User: arn:aws:iam::123456789012:user\/ghost is not authorized to perform: ec2:DescribeVpcs on resource: \*/);
  });

  test('STS: GetCallerIdentity needs no permission', () => {
    const call = context(userCaller('ghost'));
    assert.equal(refusal({ service: 'sts', protocol: 'query', operation: 'GetCallerIdentity', input: {}, call }), undefined);
  });
});
