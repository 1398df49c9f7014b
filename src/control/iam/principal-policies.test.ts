// The policies in force for a user or role, as the authorizer reads them, made through IAM's operations.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixture } from '../ecs/fixtures.js';
import { addUserToGroup } from './add-user-to-group.js';
import { attachGroupPolicy, attachRolePolicy, attachUserPolicy } from './attached-policies.js';
import { createGroup } from './create-group.js';
import { createPolicy } from './create-policy.js';
import { createPolicyVersion } from './create-policy-version.js';
import { createRole } from './create-role.js';
import { createUser } from './create-user.js';
import { putGroupPolicy, putUserPolicy } from './inline-policies.js';
import { AWS_MANAGED_POLICIES } from './managed-policies.js';
import { policiesOf } from './principal-policies.js';
import { encodeDocument } from './policy-documents.js';

const doc = (action: string, effect = 'Allow') => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: effect, Action: action, Resource: '*' }] });
const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';

test("a user's policies: inline, attached (AWS's resolved), its groups', and its boundary", async () => {
  const { ctx } = await fixture();
  const boundary = (await createPolicy(ctx, { PolicyName: 'cap', PolicyDocument: doc('ecs:*') })).Policy!.Arn!;
  const user = (await createUser(ctx, { UserName: 'alice', Path: '/eng/', PermissionsBoundary: boundary })).User!;
  await putUserPolicy(ctx, { UserName: 'alice', PolicyName: 'own', PolicyDocument: doc('ecs:ListClusters') });
  await attachUserPolicy(ctx, { UserName: 'alice', PolicyArn: ADMIN });
  await createGroup(ctx, { GroupName: 'devs' });
  await putGroupPolicy(ctx, { GroupName: 'devs', PolicyName: 'group-inline', PolicyDocument: doc('s3:*') });
  await attachGroupPolicy(ctx, { GroupName: 'devs', PolicyArn: boundary });
  await addUserToGroup(ctx, { GroupName: 'DEVS', UserName: 'Alice' });

  const policies = policiesOf(ctx.state, user.Arn!)!;
  const adminDocument = AWS_MANAGED_POLICIES.get(ADMIN)!.versions[0]!.Document;
  assert.deepEqual(policies.identity, [doc('ecs:ListClusters'), adminDocument, doc('s3:*'), doc('ecs:*')]);
  assert.equal(policies.boundary, doc('ecs:*'));
  assert.deepEqual(JSON.parse(adminDocument), { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });

  // The ARN must name the user where it is: the path is part of it.
  assert.equal(policiesOf(ctx.state, user.Arn!.replace('/eng/', '/')), undefined);
  assert.equal(policiesOf(ctx.state, 'arn:aws:iam::123456789012:user/nobody'), undefined);
});

test("a role's policies follow its managed policies' default version", async () => {
  const { ctx } = await fixture();
  const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
  const role = (await createRole(ctx, { RoleName: 'task', AssumeRolePolicyDocument: trust })).Role!;
  const arn = (await createPolicy(ctx, { PolicyName: 'p', PolicyDocument: doc('ecs:RunTask') })).Policy!.Arn!;
  await attachRolePolicy(ctx, { RoleName: 'task', PolicyArn: arn });
  assert.deepEqual(policiesOf(ctx.state, role.Arn!), { identity: [doc('ecs:RunTask')] });
  await createPolicyVersion(ctx, { PolicyArn: arn, PolicyDocument: doc('ecs:StopTask'), SetAsDefault: false });
  assert.deepEqual(policiesOf(ctx.state, role.Arn!), { identity: [doc('ecs:RunTask')] });
  await createPolicyVersion(ctx, { PolicyArn: arn, PolicyDocument: doc('ecs:StopTask'), SetAsDefault: true });
  assert.deepEqual(policiesOf(ctx.state, role.Arn!), { identity: [doc('ecs:StopTask')] });
});

test("documents are URL-encoded as RFC 3986 has it, !'()* included", () => {
  assert.equal(encodeDocument(`{"Sid":"a b!'()*"}`), '%7B%22Sid%22%3A%22a%20b%21%27%28%29%2A%22%7D');
});
