// IAM end to end: the real @aws-sdk/client-iam and the aws CLI against a real `wharf up`, as root. Each
// resource's lifecycle, pagination, IAM's errors and messages, AWS's managed policies, the simulator.
import {
  AddRoleToInstanceProfileCommand,
  AddUserToGroupCommand,
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreateInstanceProfileCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  CreateServiceLinkedRoleCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  DeleteGroupCommand,
  DeleteInstanceProfileCommand,
  DeletePolicyCommand,
  DeletePolicyVersionCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DeleteServiceLinkedRoleCommand,
  DeleteUserCommand,
  DetachRolePolicyCommand,
  DetachUserPolicyCommand,
  GetGroupCommand,
  GetInstanceProfileCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  GetServiceLinkedRoleDeletionStatusCommand,
  GetUserCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListAttachedRolePoliciesCommand,
  ListEntitiesForPolicyCommand,
  ListGroupsForUserCommand,
  ListInstanceProfilesForRoleCommand,
  ListPoliciesCommand,
  ListPolicyVersionsCommand,
  ListRolePoliciesCommand,
  ListRoleTagsCommand,
  ListUsersCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
  RemoveRoleFromInstanceProfileCommand,
  RemoveUserFromGroupCommand,
  SetDefaultPolicyVersionCommand,
  SimulateCustomPolicyCommand,
  SimulatePrincipalPolicyCommand,
  TagRoleCommand,
  UntagRoleCommand,
  UpdateAccessKeyCommand,
  UpdateRoleCommand,
} from '@aws-sdk/client-iam';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { startWharf, type WharfProcess } from './wharf-process.js';

let wharf: WharfProcess;
let iam: IAMClient;

before(async () => {
  wharf = await startWharf();
  iam = new IAMClient({ endpoint: wharf.endpoint, region: 'us-east-1', credentials: wharf.credentials });
});
after(async () => {
  iam?.destroy();
  await wharf?.stop();
});

const aws = (...args: string[]) => JSON.parse(execFileSync('aws', [...args, '--output', 'json'], { env: wharf.env }).toString() || '{}');

/** The error a call fails with: its code (the SDK's name) and message. */
async function failure(promise: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  try {
    await promise;
  } catch (err) {
    const e = err as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('the call succeeded');
}

const doc = (statement: object) => JSON.stringify({ Version: '2012-10-17', Statement: [statement] });
const TRUST_ECS_TASKS = doc({ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' });
const ALLOW_ECS = doc({ Effect: 'Allow', Action: 'ecs:*', Resource: '*' });

describe('users, groups and access keys', () => {
  test('a user lives from creation to deletion; names are unique whatever their case', async () => {
    const { User } = await iam.send(new CreateUserCommand({ UserName: 'Alice', Path: '/team/', Tags: [{ Key: 'team', Value: 'a' }] }));
    assert.match(User!.UserId!, /^AIDA[A-Z2-7]{17}$/);
    assert.equal(User!.Arn, `arn:aws:iam::${User!.Arn!.split(':')[4]}:user/team/Alice`);
    assert.deepEqual(User!.Tags, [{ Key: 'team', Value: 'a' }]);

    const again = await failure(iam.send(new CreateUserCommand({ UserName: 'alice' })));
    assert.deepEqual([again.name, again.message, again.status], ['EntityAlreadyExistsException', 'User with name alice already exists.', 409]);
    assert.equal((await iam.send(new GetUserCommand({ UserName: 'ALICE' }))).User!.UserName, 'Alice');

    const missing = await failure(iam.send(new GetUserCommand({ UserName: 'nobody' })));
    assert.deepEqual([missing.name, missing.message, missing.status], ['NoSuchEntityException', 'The user with name nobody cannot be found.', 404]);

    await iam.send(new PutUserPolicyCommand({ UserName: 'Alice', PolicyName: 'ecs', PolicyDocument: ALLOW_ECS }));
    const conflict = await failure(iam.send(new DeleteUserCommand({ UserName: 'Alice' })));
    assert.deepEqual([conflict.name, conflict.message], ['DeleteConflictException', 'Cannot delete entity, must delete policies first.']);
  });

  test('ListUsers pages with MaxItems and Marker', async () => {
    for (const n of [1, 2, 3, 4, 5]) await iam.send(new CreateUserCommand({ UserName: `pager-${n}`, Path: '/pager/' }));
    const names: string[] = [];
    let Marker: string | undefined;
    let pages = 0;
    do {
      const page = await iam.send(new ListUsersCommand({ PathPrefix: '/pager/', MaxItems: 2, Marker }));
      names.push(...page.Users!.map((u) => u.UserName!));
      assert.equal(page.IsTruncated, page.Marker !== undefined);
      Marker = page.Marker;
      pages++;
    } while (Marker);
    assert.deepEqual(names, ['pager-1', 'pager-2', 'pager-3', 'pager-4', 'pager-5']);
    assert.equal(pages, 3);
    const cli = aws('iam', 'list-users', '--path-prefix', '/pager/', '--page-size', '2');
    assert.equal(cli.Users.length, 5);
  });

  test('groups hold members; a group with members cannot be deleted', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'bob' }));
    await iam.send(new CreateGroupCommand({ GroupName: 'devs' }));
    await iam.send(new AddUserToGroupCommand({ GroupName: 'devs', UserName: 'bob' }));
    await iam.send(new AddUserToGroupCommand({ GroupName: 'devs', UserName: 'bob' }));
    const { Group, Users } = await iam.send(new GetGroupCommand({ GroupName: 'devs' }));
    assert.match(Group!.GroupId!, /^AGPA/);
    assert.deepEqual(Users!.map((u) => u.UserName), ['bob']);
    assert.deepEqual((await iam.send(new ListGroupsForUserCommand({ UserName: 'bob' }))).Groups!.map((g) => g.GroupName), ['devs']);

    const busy = await failure(iam.send(new DeleteGroupCommand({ GroupName: 'devs' })));
    assert.deepEqual([busy.name, busy.message], ['DeleteConflictException', 'Cannot delete entity, must remove users from group first.']);
    const member = await failure(iam.send(new DeleteUserCommand({ UserName: 'bob' })));
    assert.equal(member.name, 'DeleteConflictException');

    await iam.send(new RemoveUserFromGroupCommand({ GroupName: 'devs', UserName: 'bob' }));
    await iam.send(new DeleteGroupCommand({ GroupName: 'devs' }));
    await iam.send(new DeleteUserCommand({ UserName: 'bob' }));
  });

  test('a user has at most two access keys, each Active or Inactive', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'keys' }));
    const first = (await iam.send(new CreateAccessKeyCommand({ UserName: 'keys' }))).AccessKey!;
    assert.match(first.AccessKeyId!, /^AKIA[A-Z2-7]{16}$/);
    assert.equal(first.SecretAccessKey!.length, 40);
    assert.equal(first.Status, 'Active');
    await iam.send(new CreateAccessKeyCommand({ UserName: 'keys' }));
    const third = await failure(iam.send(new CreateAccessKeyCommand({ UserName: 'keys' })));
    assert.deepEqual([third.name, third.message], ['LimitExceededException', 'Cannot exceed quota for AccessKeysPerUser: 2']);

    await iam.send(new UpdateAccessKeyCommand({ UserName: 'keys', AccessKeyId: first.AccessKeyId, Status: 'Inactive' }));
    const listed = (await iam.send(new ListAccessKeysCommand({ UserName: 'keys' }))).AccessKeyMetadata!;
    assert.equal(listed.length, 2);
    assert.equal(listed.find((k) => k.AccessKeyId === first.AccessKeyId)!.Status, 'Inactive');
    assert.ok(listed.every((k) => !('SecretAccessKey' in k)));

    const withKeys = await failure(iam.send(new DeleteUserCommand({ UserName: 'keys' })));
    assert.deepEqual([withKeys.name, withKeys.message], ['DeleteConflictException', 'Cannot delete entity, must delete access keys first.']);
    for (const key of listed) await iam.send(new DeleteAccessKeyCommand({ UserName: 'keys', AccessKeyId: key.AccessKeyId }));
    const gone = await failure(iam.send(new DeleteAccessKeyCommand({ UserName: 'keys', AccessKeyId: first.AccessKeyId })));
    assert.deepEqual([gone.name, gone.message], ['NoSuchEntityException', `The Access Key with id ${first.AccessKeyId} cannot be found.`]);
    await iam.send(new DeleteUserCommand({ UserName: 'keys' }));
  });
});

describe('roles', () => {
  test('a role keeps its trust policy, returned URL-encoded as IAM does', async () => {
    const { Role } = await iam.send(new CreateRoleCommand({ RoleName: 'task-role', AssumeRolePolicyDocument: TRUST_ECS_TASKS, Description: 'for tasks' }));
    assert.match(Role!.RoleId!, /^AROA/);
    assert.equal(Role!.MaxSessionDuration, 3600);
    const got = (await iam.send(new GetRoleCommand({ RoleName: 'task-role' }))).Role!;
    assert.notEqual(got.AssumeRolePolicyDocument, TRUST_ECS_TASKS);
    assert.equal(decodeURIComponent(got.AssumeRolePolicyDocument!), TRUST_ECS_TASKS);
    // The CLI decodes the document into JSON, as against AWS.
    assert.deepEqual(aws('iam', 'get-role', '--role-name', 'task-role').Role.AssumeRolePolicyDocument, JSON.parse(TRUST_ECS_TASKS));

    await iam.send(new UpdateRoleCommand({ RoleName: 'task-role', MaxSessionDuration: 7200 }));
    assert.equal((await iam.send(new GetRoleCommand({ RoleName: 'task-role' }))).Role!.MaxSessionDuration, 7200);
    const tooLong = await failure(iam.send(new UpdateRoleCommand({ RoleName: 'task-role', MaxSessionDuration: 50000 })));
    assert.equal(tooLong.name, 'ValidationError');
  });

  test('malformed trust and identity policies are refused with MalformedPolicyDocument', async () => {
    const noPrincipal = await failure(iam.send(new CreateRoleCommand({ RoleName: 'bad', AssumeRolePolicyDocument: doc({ Effect: 'Allow', Action: 'sts:AssumeRole' }) })));
    assert.equal(noPrincipal.name, 'MalformedPolicyDocumentException');
    const notJson = await failure(iam.send(new CreateRoleCommand({ RoleName: 'bad', AssumeRolePolicyDocument: '{"Version":' })));
    assert.equal(notJson.name, 'MalformedPolicyDocumentException');
    assert.equal((await failure(iam.send(new GetRoleCommand({ RoleName: 'bad' })))).name, 'NoSuchEntityException');
  });

  test('inline policies: put, get, list, size quota, delete', async () => {
    await iam.send(new CreateRoleCommand({ RoleName: 'inline', AssumeRolePolicyDocument: TRUST_ECS_TASKS }));
    await iam.send(new PutRolePolicyCommand({ RoleName: 'inline', PolicyName: 'ecs', PolicyDocument: ALLOW_ECS }));
    const got = await iam.send(new GetRolePolicyCommand({ RoleName: 'inline', PolicyName: 'ecs' }));
    assert.equal(got.RoleName, 'inline');
    assert.equal(decodeURIComponent(got.PolicyDocument!), ALLOW_ECS);
    assert.deepEqual((await iam.send(new ListRolePoliciesCommand({ RoleName: 'inline' }))).PolicyNames, ['ecs']);

    const huge = doc({ Effect: 'Allow', Action: 'ecs:*', Resource: Array.from({ length: 300 }, (_, i) => `arn:aws:ecs:us-east-1:000000000000:cluster/c${i}`) });
    const tooBig = await failure(iam.send(new PutRolePolicyCommand({ RoleName: 'inline', PolicyName: 'huge', PolicyDocument: huge })));
    assert.deepEqual([tooBig.name, tooBig.message], ['LimitExceededException', 'Maximum policy size of 10240 bytes exceeded for role inline']);

    const conflict = await failure(iam.send(new DeleteRoleCommand({ RoleName: 'inline' })));
    assert.deepEqual([conflict.name, conflict.message], ['DeleteConflictException', 'Cannot delete entity, must delete policies first.']);
    await iam.send(new DeleteRolePolicyCommand({ RoleName: 'inline', PolicyName: 'ecs' }));
    const gone = await failure(iam.send(new GetRolePolicyCommand({ RoleName: 'inline', PolicyName: 'ecs' })));
    assert.deepEqual([gone.name, gone.message], ['NoSuchEntityException', 'The role policy with name ecs cannot be found.']);
    await iam.send(new DeleteRoleCommand({ RoleName: 'inline' }));
  });

  test('tags on a role', async () => {
    await iam.send(new CreateRoleCommand({ RoleName: 'tagged', AssumeRolePolicyDocument: TRUST_ECS_TASKS }));
    await iam.send(new TagRoleCommand({ RoleName: 'tagged', Tags: [{ Key: 'env', Value: 'dev' }, { Key: 'team', Value: 'a' }] }));
    await iam.send(new TagRoleCommand({ RoleName: 'tagged', Tags: [{ Key: 'Env', Value: 'prod' }] }));
    await iam.send(new UntagRoleCommand({ RoleName: 'tagged', TagKeys: ['team'] }));
    assert.deepEqual((await iam.send(new ListRoleTagsCommand({ RoleName: 'tagged' }))).Tags, [{ Key: 'Env', Value: 'prod' }]);
    const many = Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    const tooMany = await failure(iam.send(new TagRoleCommand({ RoleName: 'tagged', Tags: many })));
    assert.equal(tooMany.name, 'LimitExceededException');
  });
});

describe('managed policies', () => {
  test("AWS's managed policies exist at their real ARNs with their real documents, read-only", async () => {
    const arn = 'arn:aws:iam::aws:policy/AdministratorAccess';
    const { Policy } = await iam.send(new GetPolicyCommand({ PolicyArn: arn }));
    assert.equal(Policy!.DefaultVersionId, 'v1');
    const version = (await iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v1' }))).PolicyVersion!;
    assert.deepEqual(JSON.parse(decodeURIComponent(version.Document!)), { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });

    const executionRole = 'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy';
    const execution = (await iam.send(new GetPolicyCommand({ PolicyArn: executionRole }))).Policy!;
    const executionDoc = JSON.parse(
      decodeURIComponent((await iam.send(new GetPolicyVersionCommand({ PolicyArn: executionRole, VersionId: execution.DefaultVersionId }))).PolicyVersion!.Document!),
    );
    assert.ok(executionDoc.Statement[0].Action.includes('ecr:GetAuthorizationToken'));
    assert.ok(executionDoc.Statement[0].Action.includes('logs:PutLogEvents'));

    const names = aws('iam', 'list-policies', '--scope', 'AWS', '--page-size', '7').Policies.map((p: { PolicyName: string }) => p.PolicyName);
    for (const name of ['AdministratorAccess', 'ReadOnlyAccess', 'PowerUserAccess', 'AmazonECS_FullAccess', 'AmazonEC2ContainerServiceforEC2Role', 'IAMReadOnlyAccess'])
      assert.ok(names.includes(name), name);

    const readOnly = await failure(iam.send(new DeletePolicyCommand({ PolicyArn: arn })));
    assert.equal(readOnly.name, 'UnmodifiableEntityException');
  });

  test('versions: at most five, one default, which cannot be deleted', async () => {
    const { Policy } = await iam.send(new CreatePolicyCommand({ PolicyName: 'versioned', PolicyDocument: ALLOW_ECS }));
    const arn = Policy!.Arn!;
    assert.match(Policy!.PolicyId!, /^ANPA/);
    for (let i = 2; i <= 5; i++) await iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: ALLOW_ECS, SetAsDefault: i === 3 }));
    const sixth = await failure(iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: ALLOW_ECS })));
    assert.equal(sixth.name, 'LimitExceededException');
    const versions = (await iam.send(new ListPolicyVersionsCommand({ PolicyArn: arn }))).Versions!;
    assert.deepEqual(versions.map((v) => [v.VersionId, v.IsDefaultVersion]), [['v5', false], ['v4', false], ['v3', true], ['v2', false], ['v1', false]]);

    const defaultVersion = await failure(iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: 'v3' })));
    assert.deepEqual([defaultVersion.name, defaultVersion.message], ['DeleteConflictException', 'Cannot delete the default version of a policy.']);
    const withVersions = await failure(iam.send(new DeletePolicyCommand({ PolicyArn: arn })));
    assert.equal(withVersions.name, 'DeleteConflictException');

    await iam.send(new SetDefaultPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v5' }));
    for (const v of ['v1', 'v2', 'v3', 'v4']) await iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: v }));
    await iam.send(new DeletePolicyCommand({ PolicyArn: arn }));
    const gone = await failure(iam.send(new GetPolicyCommand({ PolicyArn: arn })));
    assert.deepEqual([gone.name, gone.message], ['NoSuchEntityException', `Policy ${arn} was not found.`]);
  });

  test('attach and detach; counts, entities, scopes; attached policies block deletion', async () => {
    const arn = (await iam.send(new CreatePolicyCommand({ PolicyName: 'attachable', Path: '/app/', PolicyDocument: ALLOW_ECS }))).Policy!.Arn!;
    await iam.send(new CreateRoleCommand({ RoleName: 'attached', AssumeRolePolicyDocument: TRUST_ECS_TASKS }));
    await iam.send(new CreateUserCommand({ UserName: 'attached-user' }));
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'attached', PolicyArn: arn }));
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'attached', PolicyArn: 'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy' }));
    await iam.send(new AttachUserPolicyCommand({ UserName: 'attached-user', PolicyArn: arn }));

    assert.equal((await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy!.AttachmentCount, 2);
    const attached = (await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'attached' }))).AttachedPolicies!;
    assert.deepEqual(attached.map((p) => p.PolicyName).sort(), ['AmazonECSTaskExecutionRolePolicy', 'attachable']);
    const entities = await iam.send(new ListEntitiesForPolicyCommand({ PolicyArn: arn }));
    assert.deepEqual(entities.PolicyRoles!.map((r) => r.RoleName), ['attached']);
    assert.deepEqual(entities.PolicyUsers!.map((u) => u.UserName), ['attached-user']);
    const local = (await iam.send(new ListPoliciesCommand({ Scope: 'Local', OnlyAttached: true }))).Policies!;
    assert.deepEqual(local.map((p) => p.PolicyName), ['attachable']);
    const awsAttached = (await iam.send(new ListPoliciesCommand({ Scope: 'AWS', OnlyAttached: true }))).Policies!;
    assert.ok(awsAttached.some((p) => p.PolicyName === 'AmazonECSTaskExecutionRolePolicy'));

    const serviceRole = await failure(
      iam.send(new AttachRolePolicyCommand({ RoleName: 'attached', PolicyArn: 'arn:aws:iam::aws:policy/aws-service-role/AmazonECSServiceRolePolicy' })),
    );
    assert.equal(serviceRole.name, 'PolicyNotAttachableException');
    const missing = await failure(iam.send(new AttachRolePolicyCommand({ RoleName: 'attached', PolicyArn: `${arn}-nope` })));
    assert.deepEqual([missing.name, missing.message], ['NoSuchEntityException', `Policy ${arn}-nope does not exist or is not attachable.`]);

    const inUse = await failure(iam.send(new DeletePolicyCommand({ PolicyArn: arn })));
    assert.deepEqual([inUse.name, inUse.message], ['DeleteConflictException', 'Cannot delete a policy attached to entities.']);
    const roleInUse = await failure(iam.send(new DeleteRoleCommand({ RoleName: 'attached' })));
    assert.deepEqual([roleInUse.name, roleInUse.message], ['DeleteConflictException', 'Cannot delete entity, must detach all policies first.']);

    await iam.send(new DetachUserPolicyCommand({ UserName: 'attached-user', PolicyArn: arn }));
    await iam.send(new DetachRolePolicyCommand({ RoleName: 'attached', PolicyArn: arn }));
    const notAttached = await failure(iam.send(new DetachRolePolicyCommand({ RoleName: 'attached', PolicyArn: arn })));
    assert.deepEqual([notAttached.name, notAttached.message], ['NoSuchEntityException', `Policy ${arn} was not found.`]);
    await iam.send(new DeletePolicyCommand({ PolicyArn: arn }));
  });
});

describe('instance profiles and service-linked roles', () => {
  test('an instance profile holds one role', async () => {
    await iam.send(new CreateRoleCommand({ RoleName: 'ec2-role', AssumeRolePolicyDocument: doc({ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }) }));
    await iam.send(new CreateRoleCommand({ RoleName: 'other-role', AssumeRolePolicyDocument: TRUST_ECS_TASKS }));
    const { InstanceProfile } = await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'agents' }));
    assert.match(InstanceProfile!.InstanceProfileId!, /^AIPA/);
    await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'agents', RoleName: 'ec2-role' }));
    const second = await failure(iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'agents', RoleName: 'other-role' })));
    assert.deepEqual([second.name, second.message], ['LimitExceededException', 'Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1']);
    const got = (await iam.send(new GetInstanceProfileCommand({ InstanceProfileName: 'agents' }))).InstanceProfile!;
    assert.deepEqual(got.Roles!.map((r) => r.RoleName), ['ec2-role']);
    assert.deepEqual((await iam.send(new ListInstanceProfilesForRoleCommand({ RoleName: 'ec2-role' }))).InstanceProfiles!.map((p) => p.InstanceProfileName), ['agents']);

    const roleInProfile = await failure(iam.send(new DeleteRoleCommand({ RoleName: 'ec2-role' })));
    assert.deepEqual([roleInProfile.name, roleInProfile.message], ['DeleteConflictException', 'Cannot delete entity, must remove roles from instance profile first.']);
    const profileWithRole = await failure(iam.send(new DeleteInstanceProfileCommand({ InstanceProfileName: 'agents' })));
    assert.equal(profileWithRole.name, 'DeleteConflictException');
    await iam.send(new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: 'agents', RoleName: 'ec2-role' }));
    await iam.send(new DeleteInstanceProfileCommand({ InstanceProfileName: 'agents' }));
    await iam.send(new DeleteRoleCommand({ RoleName: 'ec2-role' }));
    const gone = await failure(iam.send(new GetInstanceProfileCommand({ InstanceProfileName: 'agents' })));
    assert.deepEqual([gone.name, gone.message], ['NoSuchEntityException', 'Instance Profile agents cannot be found.']);
  });

  test("ECS's service-linked role is AWS's, and only the service-linked calls change it", async () => {
    const { Role } = await iam.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: 'ecs.amazonaws.com' }));
    assert.equal(Role!.RoleName, 'AWSServiceRoleForECS');
    assert.equal(Role!.Path, '/aws-service-role/ecs.amazonaws.com/');
    assert.deepEqual(JSON.parse(decodeURIComponent(Role!.AssumeRolePolicyDocument!)).Statement[0].Principal, { Service: 'ecs.amazonaws.com' });
    const policies = (await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'AWSServiceRoleForECS' }))).AttachedPolicies!;
    assert.deepEqual(policies, [{ PolicyName: 'AmazonECSServiceRolePolicy', PolicyArn: 'arn:aws:iam::aws:policy/aws-service-role/AmazonECSServiceRolePolicy' }]);

    assert.equal((await failure(iam.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: 'ecs.amazonaws.com' })))).name, 'InvalidInputException');
    assert.equal((await failure(iam.send(new DeleteRoleCommand({ RoleName: 'AWSServiceRoleForECS' })))).name, 'UnmodifiableEntityException');

    const { DeletionTaskId } = await iam.send(new DeleteServiceLinkedRoleCommand({ RoleName: 'AWSServiceRoleForECS' }));
    assert.match(DeletionTaskId!, /^task\/aws-service-role\/ecs\.amazonaws\.com\/AWSServiceRoleForECS\//);
    assert.equal((await iam.send(new GetServiceLinkedRoleDeletionStatusCommand({ DeletionTaskId }))).Status, 'SUCCEEDED');
    assert.equal((await failure(iam.send(new GetRoleCommand({ RoleName: 'AWSServiceRoleForECS' })))).name, 'NoSuchEntityException');
  });
});

describe('the policy simulator', () => {
  test("SimulatePrincipalPolicy evaluates a user's own, group and managed policies", async () => {
    await iam.send(new CreateUserCommand({ UserName: 'simulated' }));
    await iam.send(new CreateGroupCommand({ GroupName: 'readers' }));
    await iam.send(new AddUserToGroupCommand({ GroupName: 'readers', UserName: 'simulated' }));
    await iam.send(new AttachUserPolicyCommand({ UserName: 'simulated', PolicyArn: 'arn:aws:iam::aws:policy/AmazonECS_FullAccess' }));
    await iam.send(new PutUserPolicyCommand({ UserName: 'simulated', PolicyName: 'no-delete', PolicyDocument: doc({ Effect: 'Deny', Action: 'ecs:DeleteCluster', Resource: '*' }) }));
    const arn = (await iam.send(new GetUserCommand({ UserName: 'simulated' }))).User!.Arn!;

    const { EvaluationResults } = await iam.send(
      new SimulatePrincipalPolicyCommand({ PolicySourceArn: arn, ActionNames: ['ecs:RunTask', 'ecs:DeleteCluster', 'dynamodb:PutItem'] }),
    );
    assert.deepEqual(EvaluationResults!.map((r) => [r.EvalActionName, r.EvalDecision]), [
      ['ecs:RunTask', 'allowed'],
      ['ecs:DeleteCluster', 'explicitDeny'],
      ['dynamodb:PutItem', 'implicitDeny'],
    ]);
    assert.deepEqual(EvaluationResults![0]!.MatchedStatements, [{ SourcePolicyId: 'AmazonECS_FullAccess', SourcePolicyType: 'aws-managed' }]);
    assert.deepEqual(EvaluationResults![1]!.MatchedStatements, [{ SourcePolicyId: 'no-delete', SourcePolicyType: 'user' }]);
  });

  test('SimulateCustomPolicy takes context entries and resource ARNs, and refuses malformed policies', async () => {
    const policy = doc({ Effect: 'Allow', Action: 'ecs:RunTask', Resource: '*', Condition: { StringEquals: { 'ecs:cluster': 'arn:aws:ecs:us-east-1:000000000000:cluster/prod' } } });
    const run = (cluster: string) =>
      iam.send(
        new SimulateCustomPolicyCommand({
          PolicyInputList: [policy],
          ActionNames: ['ecs:RunTask'],
          ResourceArns: ['arn:aws:ecs:us-east-1:000000000000:task-definition/web:1'],
          ContextEntries: [{ ContextKeyName: 'ecs:cluster', ContextKeyType: 'string', ContextKeyValues: [cluster] }],
        }),
      );
    const prod = (await run('arn:aws:ecs:us-east-1:000000000000:cluster/prod')).EvaluationResults![0]!;
    assert.equal(prod.EvalDecision, 'allowed');
    assert.equal(prod.EvalResourceName, 'arn:aws:ecs:us-east-1:000000000000:task-definition/web:1');
    assert.equal((await run('arn:aws:ecs:us-east-1:000000000000:cluster/dev')).EvaluationResults![0]!.EvalDecision, 'implicitDeny');

    const malformed = await failure(iam.send(new SimulateCustomPolicyCommand({ PolicyInputList: ['{"Statement":[{"Effect":"Maybe"}]}'], ActionNames: ['ecs:RunTask'] })));
    assert.equal(malformed.name, 'MalformedPolicyDocumentException');
  });
});
