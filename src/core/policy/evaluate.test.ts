// Evaluation, one case a line, from the examples of "Policy evaluation logic", "Action", "NotAction",
// "Resource", "NotResource", "Principal", "Permissions boundaries" and "Session policies" in the IAM User Guide.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compilePolicy, type PolicyKind } from './compile.js';
import { denialMessage, evaluate, type DenialReason, type EvaluationInput, type PrincipalFacts } from './evaluate.js';
import type { Decision } from './types.js';

type Statement = Record<string, unknown>;
const policy = (kind: PolicyKind, ...Statement: Statement[]) => compilePolicy(JSON.stringify({ Version: '2012-10-17', Statement }), kind);
const allow = (Action: unknown, Resource: unknown = '*', more: Statement = {}): Statement => ({ Effect: 'Allow', Action, Resource, ...more });
const deny = (Action: unknown, Resource: unknown = '*', more: Statement = {}): Statement => ({ Effect: 'Deny', Action, Resource, ...more });

const A = '111111111111';
const B = '222222222222';
const bob: PrincipalFacts = { arn: `arn:aws:iam::${A}:user/bob`, identityArn: `arn:aws:iam::${A}:user/bob`, accountId: A };
const session: PrincipalFacts = { arn: `arn:aws:sts::${A}:assumed-role/app/s1`, identityArn: `arn:aws:iam::${A}:role/app`, accountId: A };
const carol: PrincipalFacts = { arn: `arn:aws:iam::${B}:user/carol`, identityArn: `arn:aws:iam::${B}:user/carol`, accountId: B };
const ecsTasks: PrincipalFacts = { arn: 'ecs-tasks.amazonaws.com', accountId: A, service: 'ecs-tasks.amazonaws.com' };

const TD = `arn:aws:ecs:us-east-1:${A}:task-definition/web:3`;
const CLUSTER = `arn:aws:ecs:us-east-1:${A}:cluster/default`;
const BUCKET = 'arn:aws:s3:::reports';

interface Case {
  identity?: Statement[];
  resource?: Statement[];
  boundary?: Statement[];
  session?: Statement[];
  principal?: PrincipalFacts;
  resourceAccount?: string;
  context?: Record<string, string | string[]>;
}
type Row = [name: string, setup: Case, action: string, resource: string, expected: Decision, reason?: DenialReason];

function run(setup: Case, action: string, resource: string) {
  const input: EvaluationInput = {
    principal: setup.principal ?? bob,
    identityPolicies: setup.identity ? setup.identity.map((s) => policy('identity', s)) : [],
    resourcePolicy: setup.resource ? policy('resource', ...setup.resource) : undefined,
    permissionsBoundary: setup.boundary ? policy('boundary', ...setup.boundary) : undefined,
    sessionPolicies: setup.session ? [policy('session', ...setup.session)] : undefined,
    resourceAccountId: setup.resourceAccount,
  };
  return evaluate(input, { action, resource, context: setup.context ?? {} });
}

const rows: Row[] = [
  // Default deny, and an allow.
  ['nothing attached', {}, 'ecs:RunTask', TD, 'ImplicitDeny', 'no-identity-allow'],
  ['exact action', { identity: [allow('ecs:RunTask')] }, 'ecs:RunTask', TD, 'Allow'],
  ['other action', { identity: [allow('ecs:StopTask')] }, 'ecs:RunTask', TD, 'ImplicitDeny', 'no-identity-allow'],
  // Action: case-insensitive, * and ? wildcards.
  ['action case-insensitive', { identity: [allow('ECS:runtask')] }, 'ecs:RunTask', TD, 'Allow'],
  ['request action case-insensitive', { identity: [allow('ecs:RunTask')] }, 'ECS:RUNTASK', TD, 'Allow'],
  ['service wildcard', { identity: [allow('ecs:*')] }, 'ecs:RunTask', TD, 'Allow'],
  ['all actions', { identity: [allow('*')] }, 'iam:CreateUser', '*', 'Allow'],
  ['prefix wildcard', { identity: [allow('ecs:Describe*')] }, 'ecs:DescribeClusters', '*', 'Allow'],
  ['prefix wildcard, other action', { identity: [allow('ecs:Describe*')] }, 'ecs:ListClusters', '*', 'ImplicitDeny'],
  ['infix wildcard', { identity: [allow('ecs:*Task*')] }, 'ecs:StopTask', '*', 'Allow'],
  ['question mark', { identity: [allow('ecs:?topTask')] }, 'ecs:StopTask', '*', 'Allow'],
  ['question mark is one character', { identity: [allow('ecs:?opTask')] }, 'ecs:StopTask', '*', 'ImplicitDeny'],
  ['wildcard service prefix', { identity: [allow('*:Describe*')] }, 'ec2:DescribeInstances', '*', 'Allow'],
  ['wildcard in service', { identity: [allow('e?s:RunTask')] }, 'ecs:RunTask', TD, 'Allow'],
  ['action list', { identity: [allow(['iam:GetUser', 'ecs:RunTask'])] }, 'ecs:RunTask', TD, 'Allow'],
  ['other service', { identity: [allow('ec2:*')] }, 'ecs:RunTask', TD, 'ImplicitDeny'],
  ['regex metacharacters are literal', { identity: [allow('ecs:Run.ask')] }, 'ecs:RunTask', TD, 'ImplicitDeny'],
  // NotAction.
  ['NotAction allows the rest', { identity: [{ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }] }, 'ecs:RunTask', TD, 'Allow'],
  ['NotAction excludes its list', { identity: [{ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }] }, 'iam:CreateUser', '*', 'ImplicitDeny'],
  ['NotAction list', { identity: [{ Effect: 'Allow', NotAction: ['iam:*', 'ecs:Delete*'], Resource: '*' }] }, 'ecs:DeleteCluster', CLUSTER, 'ImplicitDeny'],
  ['Deny NotAction denies the rest', { identity: [allow('*'), { Effect: 'Deny', NotAction: 'ecs:*', Resource: '*' }] }, 'iam:GetUser', '*', 'ExplicitDeny', 'explicit-deny-identity'],
  ['Deny NotAction spares its list', { identity: [allow('*'), { Effect: 'Deny', NotAction: 'ecs:*', Resource: '*' }] }, 'ecs:RunTask', TD, 'Allow'],
  ['Deny NotAction with MFA condition', { identity: [allow('*'), { Effect: 'Deny', NotAction: 'iam:*', Resource: '*', Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } }] }, 'ecs:RunTask', TD, 'ExplicitDeny'],
  ['Deny NotAction with MFA present', { identity: [allow('*'), { Effect: 'Deny', NotAction: 'iam:*', Resource: '*', Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } }], context: { 'aws:MultiFactorAuthPresent': 'true' } }, 'ecs:RunTask', TD, 'Allow'],
  // Resource: case-sensitive, wildcards per ARN segment.
  ['exact resource', { identity: [allow('ecs:RunTask', TD)] }, 'ecs:RunTask', TD, 'Allow'],
  ['resource is case-sensitive', { identity: [allow('ecs:RunTask', TD.replace('web', 'WEB'))] }, 'ecs:RunTask', TD, 'ImplicitDeny'],
  ['resource wildcard', { identity: [allow('ecs:RunTask', `arn:aws:ecs:us-east-1:${A}:task-definition/web:*`)] }, 'ecs:RunTask', TD, 'Allow'],
  ['resource wildcard, other family', { identity: [allow('ecs:RunTask', `arn:aws:ecs:us-east-1:${A}:task-definition/api:*`)] }, 'ecs:RunTask', TD, 'ImplicitDeny'],
  ['wildcard region and account', { identity: [allow('ecs:RunTask', 'arn:aws:ecs:*:*:task-definition/*')] }, 'ecs:RunTask', TD, 'Allow'],
  ['wildcard resource part spans colons', { identity: [allow('ecs:RunTask', 'arn:aws:ecs:*:*:*')] }, 'ecs:RunTask', TD, 'Allow'],
  ['wildcard region stays in its segment', { identity: [allow('ecs:RunTask', `arn:aws:ecs:*:task-definition/web:3`)] }, 'ecs:RunTask', TD, 'ImplicitDeny'],
  ['trailing wildcard of a short pattern runs to the end', { identity: [allow('ecs:RunTask', 'arn:aws:ecs:*')] }, 'ecs:RunTask', TD, 'Allow'],
  ['question mark in resource', { identity: [allow('ecs:RunTask', `arn:aws:ecs:us-east-1:${A}:task-definition/web:?`)] }, 'ecs:RunTask', TD, 'Allow'],
  ['other service in resource', { identity: [allow('ecs:RunTask', 'arn:aws:ec2:*:*:*')] }, 'ecs:RunTask', TD, 'ImplicitDeny'],
  ['resource list', { identity: [allow('s3:GetObject', [BUCKET, `${BUCKET}/*`])] }, 's3:GetObject', `${BUCKET}/a/b.txt`, 'Allow'],
  ['bucket vs objects', { identity: [allow('s3:GetObject', BUCKET)] }, 's3:GetObject', `${BUCKET}/a.txt`, 'ImplicitDeny'],
  ['request resource * against an ARN', { identity: [allow('ecs:ListClusters', CLUSTER)] }, 'ecs:ListClusters', '*', 'ImplicitDeny'],
  // NotResource.
  ['NotResource allows the rest', { identity: [{ Effect: 'Allow', Action: 's3:*', NotResource: BUCKET }] }, 's3:GetObject', 'arn:aws:s3:::other', 'Allow'],
  ['NotResource excludes its list', { identity: [{ Effect: 'Allow', Action: 's3:*', NotResource: [BUCKET, `${BUCKET}/*`] }] }, 's3:GetObject', `${BUCKET}/x`, 'ImplicitDeny'],
  ['Deny NotResource outside the bucket', { identity: [allow('s3:*'), { Effect: 'Deny', Action: 's3:*', NotResource: [BUCKET, `${BUCKET}/*`] }] }, 's3:GetObject', 'arn:aws:s3:::other/x', 'ExplicitDeny'],
  ['Deny NotResource inside the bucket', { identity: [allow('s3:*'), { Effect: 'Deny', Action: 's3:*', NotResource: [BUCKET, `${BUCKET}/*`] }] }, 's3:GetObject', `${BUCKET}/x`, 'Allow'],
  // Explicit deny wins wherever it is.
  ['deny over allow in one policy', { identity: [allow('ecs:*'), deny('ecs:RunTask')] }, 'ecs:RunTask', TD, 'ExplicitDeny', 'explicit-deny-identity'],
  ['deny before allow', { identity: [deny('ecs:RunTask'), allow('ecs:*')] }, 'ecs:RunTask', TD, 'ExplicitDeny', 'explicit-deny-identity'],
  ['deny of another action', { identity: [allow('ecs:*'), deny('ecs:StopTask')] }, 'ecs:RunTask', TD, 'Allow'],
  ['deny without allow', { identity: [deny('ecs:RunTask')] }, 'ecs:RunTask', TD, 'ExplicitDeny'],
  ['deny on another resource', { identity: [allow('ecs:*'), deny('ecs:RunTask', 'arn:aws:ecs:*:*:task-definition/secret:*')] }, 'ecs:RunTask', TD, 'Allow'],
  ['deny with an unmet condition', { identity: [allow('ecs:*'), deny('ecs:RunTask', '*', { Condition: { StringEquals: { 'ecs:cluster': 'prod' } } })], context: { 'ecs:cluster': 'dev' } }, 'ecs:RunTask', TD, 'Allow'],
  ['deny with a met condition', { identity: [allow('ecs:*'), deny('ecs:RunTask', '*', { Condition: { StringEquals: { 'ecs:cluster': 'prod' } } })], context: { 'ecs:cluster': 'prod' } }, 'ecs:RunTask', TD, 'ExplicitDeny'],
  ['deny in resource policy over identity allow', { identity: [allow('s3:*')], resource: [deny('s3:GetObject', `${BUCKET}/*`, { Principal: '*' })] }, 's3:GetObject', `${BUCKET}/x`, 'ExplicitDeny', 'explicit-deny-resource'],
  ['deny in resource policy naming the account', { identity: [allow('s3:*')], resource: [deny('s3:GetObject', `${BUCKET}/*`, { Principal: { AWS: A } })] }, 's3:GetObject', `${BUCKET}/x`, 'ExplicitDeny', 'explicit-deny-resource'],
  ['deny in resource policy naming someone else', { identity: [allow('s3:*')], resource: [deny('s3:GetObject', `${BUCKET}/*`, { Principal: { AWS: `arn:aws:iam::${A}:user/eve` } })] }, 's3:GetObject', `${BUCKET}/x`, 'Allow'],
  ['deny in boundary over identity allow', { identity: [allow('ecs:*')], boundary: [allow('*'), deny('ecs:RunTask')] }, 'ecs:RunTask', TD, 'ExplicitDeny', 'explicit-deny-boundary'],
  ['deny in session policy over identity allow', { principal: session, identity: [allow('ecs:*')], session: [allow('*'), deny('ecs:RunTask')] }, 'ecs:RunTask', TD, 'ExplicitDeny', 'explicit-deny-session'],
  ['deny in session policy over a resource policy naming the session', { principal: session, resource: [allow('s3:*', '*', { Principal: { AWS: session.arn } })], session: [deny('s3:*')] }, 's3:GetObject', `${BUCKET}/x`, 'ExplicitDeny', 'explicit-deny-session'],
  // Several policies: the allow of any one is enough.
  ['allow in the second policy', { identity: [allow('iam:*'), allow('ecs:RunTask')] }, 'ecs:RunTask', TD, 'Allow'],
  // Permissions boundaries: the intersection with identity policies.
  ['boundary allows too', { identity: [allow('ecs:*')], boundary: [allow('ecs:*')] }, 'ecs:RunTask', TD, 'Allow'],
  ['boundary does not allow', { identity: [allow('ecs:*')], boundary: [allow('s3:*')] }, 'ecs:RunTask', TD, 'ImplicitDeny', 'no-boundary-allow'],
  ['boundary alone grants nothing', { boundary: [allow('*')] }, 'ecs:RunTask', TD, 'ImplicitDeny', 'no-identity-allow'],
  ['boundary on another resource', { identity: [allow('ecs:*')], boundary: [allow('ecs:*', 'arn:aws:ecs:*:*:task-definition/api:*')] }, 'ecs:RunTask', TD, 'ImplicitDeny', 'no-boundary-allow'],
  ['boundary with condition met', { identity: [allow('ecs:*')], boundary: [allow('ecs:*', '*', { Condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } } })], context: { 'aws:RequestedRegion': 'us-east-1' } }, 'ecs:RunTask', TD, 'Allow'],
  ['boundary with condition unmet', { identity: [allow('ecs:*')], boundary: [allow('ecs:*', '*', { Condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } } })], context: { 'aws:RequestedRegion': 'eu-west-1' } }, 'ecs:RunTask', TD, 'ImplicitDeny', 'no-boundary-allow'],
  // Same account: a resource policy naming the user directly is not limited by the boundary.
  ['resource policy naming the user, no identity allow', { resource: [allow('s3:GetObject', `${BUCKET}/*`, { Principal: { AWS: bob.arn } })] }, 's3:GetObject', `${BUCKET}/x`, 'Allow'],
  ['resource policy naming the user beats an implicit boundary deny', { resource: [allow('s3:GetObject', `${BUCKET}/*`, { Principal: { AWS: bob.arn } })], boundary: [allow('ecs:*')] }, 's3:GetObject', `${BUCKET}/x`, 'Allow'],
  ['resource policy naming the user, explicit boundary deny', { resource: [allow('s3:GetObject', `${BUCKET}/*`, { Principal: { AWS: bob.arn } })], boundary: [deny('s3:*')] }, 's3:GetObject', `${BUCKET}/x`, 'ExplicitDeny', 'explicit-deny-boundary'],
  ['resource policy with Principal *', { resource: [allow('s3:GetObject', `${BUCKET}/*`, { Principal: '*' })] }, 's3:GetObject', `${BUCKET}/x`, 'Allow'],
  ['resource policy with AWS *', { resource: [allow('s3:GetObject', `${BUCKET}/*`, { Principal: { AWS: '*' } })] }, 's3:GetObject', `${BUCKET}/x`, 'Allow'],
  ['resource policy naming the account delegates to identity policies', { resource: [allow('s3:GetObject', `${BUCKET}/*`, { Principal: { AWS: `arn:aws:iam::${A}:root` } })] }, 's3:GetObject', `${BUCKET}/x`, 'ImplicitDeny', 'no-identity-allow'],
  ['resource policy naming the account, identity allows', { identity: [allow('s3:GetObject')], resource: [allow('s3:GetObject', `${BUCKET}/*`, { Principal: { AWS: A } })] }, 's3:GetObject', `${BUCKET}/x`, 'Allow'],
  ['resource policy naming another user', { resource: [allow('s3:GetObject', `${BUCKET}/*`, { Principal: { AWS: `arn:aws:iam::${A}:user/eve` } })] }, 's3:GetObject', `${BUCKET}/x`, 'ImplicitDeny'],
  ['resource policy allows another action', { resource: [allow('s3:PutObject', `${BUCKET}/*`, { Principal: '*' })] }, 's3:GetObject', `${BUCKET}/x`, 'ImplicitDeny'],
  ['resource policy with condition unmet', { resource: [allow('s3:GetObject', `${BUCKET}/*`, { Principal: '*', Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } })], context: { 'aws:SourceIp': '192.0.2.1' } }, 's3:GetObject', `${BUCKET}/x`, 'ImplicitDeny'],
  ['resource policy NotPrincipal deny spares the named user', { identity: [allow('s3:*')], resource: [deny('s3:*', '*', { NotPrincipal: { AWS: bob.arn } })] }, 's3:GetObject', `${BUCKET}/x`, 'Allow'],
  ['resource policy NotPrincipal deny hits others', { principal: { ...bob, arn: `arn:aws:iam::${A}:user/eve`, identityArn: `arn:aws:iam::${A}:user/eve` }, identity: [allow('s3:*')], resource: [deny('s3:*', '*', { NotPrincipal: { AWS: bob.arn } })] }, 's3:GetObject', `${BUCKET}/x`, 'ExplicitDeny'],
  // Role sessions: naming the session is not limited by session policies or the boundary; naming the role is.
  ['session: identity allows, no session policy', { principal: session, identity: [allow('ecs:*')] }, 'ecs:RunTask', TD, 'Allow'],
  ['session policy allows too', { principal: session, identity: [allow('ecs:*')], session: [allow('ecs:RunTask')] }, 'ecs:RunTask', TD, 'Allow'],
  ['session policy does not allow', { principal: session, identity: [allow('ecs:*')], session: [allow('ecs:Describe*')] }, 'ecs:RunTask', TD, 'ImplicitDeny', 'no-session-allow'],
  ['session policy alone grants nothing', { principal: session, session: [allow('*')] }, 'ecs:RunTask', TD, 'ImplicitDeny', 'no-identity-allow'],
  ['resource policy naming the session ignores the session policy', { principal: session, resource: [allow('s3:GetObject', '*', { Principal: { AWS: session.arn } })], session: [allow('ecs:*')] }, 's3:GetObject', `${BUCKET}/x`, 'Allow'],
  ['resource policy naming the session ignores the boundary', { principal: session, resource: [allow('s3:GetObject', '*', { Principal: { AWS: session.arn } })], boundary: [allow('ecs:*')] }, 's3:GetObject', `${BUCKET}/x`, 'Allow'],
  ['resource policy naming the role, no identity allow', { principal: session, resource: [allow('s3:GetObject', '*', { Principal: { AWS: session.identityArn } })] }, 's3:GetObject', `${BUCKET}/x`, 'Allow'],
  ['resource policy naming the role is limited by the session policy', { principal: session, resource: [allow('s3:GetObject', '*', { Principal: { AWS: session.identityArn } })], session: [allow('ecs:*')] }, 's3:GetObject', `${BUCKET}/x`, 'ImplicitDeny', 'no-session-allow'],
  ['resource policy naming the role is limited by the boundary', { principal: session, resource: [allow('s3:GetObject', '*', { Principal: { AWS: session.identityArn } })], boundary: [allow('ecs:*')] }, 's3:GetObject', `${BUCKET}/x`, 'ImplicitDeny', 'no-boundary-allow'],
  ['resource policy naming another session of the role', { principal: session, resource: [allow('s3:GetObject', '*', { Principal: { AWS: `arn:aws:sts::${A}:assumed-role/app/other` } })] }, 's3:GetObject', `${BUCKET}/x`, 'ImplicitDeny'],
  // Cross-account: the identity policy and the resource policy must both allow.
  ['cross-account, both allow', { principal: carol, resourceAccount: A, identity: [allow('s3:GetObject')], resource: [allow('s3:GetObject', '*', { Principal: { AWS: carol.arn } })] }, 's3:GetObject', `${BUCKET}/x`, 'Allow'],
  ['cross-account, resource policy names the account', { principal: carol, resourceAccount: A, identity: [allow('s3:GetObject')], resource: [allow('s3:GetObject', '*', { Principal: { AWS: B } })] }, 's3:GetObject', `${BUCKET}/x`, 'Allow'],
  ['cross-account, only the resource policy allows', { principal: carol, resourceAccount: A, resource: [allow('s3:GetObject', '*', { Principal: { AWS: carol.arn } })] }, 's3:GetObject', `${BUCKET}/x`, 'ImplicitDeny', 'no-identity-allow'],
  ['cross-account, only the identity policy allows', { principal: carol, resourceAccount: A, identity: [allow('s3:GetObject')] }, 's3:GetObject', `${BUCKET}/x`, 'ImplicitDeny', 'no-resource-allow'],
  ['cross-account, resource policy names another account', { principal: carol, resourceAccount: A, identity: [allow('s3:GetObject')], resource: [allow('s3:GetObject', '*', { Principal: { AWS: A } })] }, 's3:GetObject', `${BUCKET}/x`, 'ImplicitDeny', 'no-resource-allow'],
  ['cross-account, boundary limits the identity side', { principal: carol, resourceAccount: A, identity: [allow('s3:GetObject')], boundary: [allow('ecs:*')], resource: [allow('s3:GetObject', '*', { Principal: { AWS: carol.arn } })] }, 's3:GetObject', `${BUCKET}/x`, 'ImplicitDeny', 'no-boundary-allow'],
  ['cross-account, Principal *', { principal: carol, resourceAccount: A, identity: [allow('s3:*')], resource: [allow('s3:GetObject', '*', { Principal: '*' })] }, 's3:GetObject', `${BUCKET}/x`, 'Allow'],
  // Trust policies (sts:AssumeRole on the role, the trust policy as the resource policy).
  ['trust names the user', { resource: [{ Effect: 'Allow', Action: 's3:*', Resource: '*', Principal: { AWS: bob.arn } }] }, 's3:x', '*', 'Allow'],
  ['service principal trusted', { principal: ecsTasks, resource: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*', Principal: { Service: 'ecs-tasks.amazonaws.com' } }] }, 'sts:AssumeRole', `arn:aws:iam::${A}:role/app`, 'Allow'],
  ['service principal not trusted', { principal: ecsTasks, resource: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*', Principal: { Service: 'ec2.amazonaws.com' } }] }, 'sts:AssumeRole', `arn:aws:iam::${A}:role/app`, 'ImplicitDeny'],
  ['service principal, service list', { principal: ecsTasks, resource: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*', Principal: { Service: ['ec2.amazonaws.com', 'ecs-tasks.amazonaws.com'] } }] }, 'sts:AssumeRole', `arn:aws:iam::${A}:role/app`, 'Allow'],
  ['account principal does not match a service', { principal: ecsTasks, resource: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*', Principal: { AWS: A } }] }, 'sts:AssumeRole', `arn:aws:iam::${A}:role/app`, 'ImplicitDeny'],
  // Policy variables in Resource; a variable with no value makes the resource not match.
  ['${aws:username} in resource', { identity: [allow('s3:*', `${BUCKET}/home/\${aws:username}/*`)], context: { 'aws:username': 'bob' } }, 's3:GetObject', `${BUCKET}/home/bob/a`, 'Allow'],
  ['${aws:username} for another user', { identity: [allow('s3:*', `${BUCKET}/home/\${aws:username}/*`)], context: { 'aws:username': 'bob' } }, 's3:GetObject', `${BUCKET}/home/alice/a`, 'ImplicitDeny'],
  ['${aws:username} absent', { identity: [allow('s3:*', `${BUCKET}/home/\${aws:username}/*`)] }, 's3:GetObject', `${BUCKET}/home/bob/a`, 'ImplicitDeny'],
  ['a substituted * is literal', { identity: [allow('s3:*', `${BUCKET}/home/\${aws:username}/*`)], context: { 'aws:username': '*' } }, 's3:GetObject', `${BUCKET}/home/bob/a`, 'ImplicitDeny'],
  ['${aws:userid} in resource', { identity: [allow('s3:*', `${BUCKET}/\${aws:userid}/*`)], context: { 'aws:userid': 'AIDAEXAMPLE' } }, 's3:GetObject', `${BUCKET}/AIDAEXAMPLE/x`, 'Allow'],
  ['${aws:PrincipalTag/team} in resource', { identity: [allow('ecs:*', `arn:aws:ecs:*:*:cluster/\${aws:PrincipalTag/team}`)], context: { 'aws:PrincipalTag/team': 'blue' } }, 'ecs:DeleteCluster', `arn:aws:ecs:us-east-1:${A}:cluster/blue`, 'Allow'],
  ['default value', { identity: [allow('s3:*', `${BUCKET}/\${aws:PrincipalTag/team, 'shared'}/*`)] }, 's3:GetObject', `${BUCKET}/shared/x`, 'Allow'],
  ['${*} is a literal asterisk', { identity: [allow('s3:*', `${BUCKET}/\${*}`)] }, 's3:GetObject', `${BUCKET}/x`, 'ImplicitDeny'],
  ['${*} matches an asterisk', { identity: [allow('s3:*', `${BUCKET}/\${*}`)] }, 's3:GetObject', `${BUCKET}/*`, 'Allow'],
  ['variable in NotResource, absent: the statement does not match', { identity: [{ Effect: 'Allow', Action: 's3:*', NotResource: `${BUCKET}/\${aws:username}/*` }] }, 's3:GetObject', 'arn:aws:s3:::other/x', 'ImplicitDeny'],
  ['an unresolved pattern does not stop another from matching', { identity: [allow('s3:*', [`${BUCKET}/\${aws:username}/*`, `${BUCKET}/public/*`])] }, 's3:GetObject', `${BUCKET}/public/x`, 'Allow'],
  ['variable in a Deny resource, absent: the deny does not apply', { identity: [allow('s3:*'), deny('s3:*', `${BUCKET}/\${aws:username}`)] }, 's3:GetObject', `${BUCKET}/bob`, 'Allow'],
  // Global condition keys on the usual patterns.
  ['region restriction', { identity: [allow('*', '*', { Condition: { StringEquals: { 'aws:RequestedRegion': ['us-east-1', 'us-west-2'] } } })], context: { 'aws:RequestedRegion': 'us-west-2' } }, 'ecs:RunTask', TD, 'Allow'],
  ['ecs:cluster restriction met', { identity: [allow('ecs:RunTask', '*', { Condition: { ArnEquals: { 'ecs:cluster': CLUSTER } } })], context: { 'ecs:cluster': CLUSTER } }, 'ecs:RunTask', TD, 'Allow'],
  ['ecs:cluster restriction unmet', { identity: [allow('ecs:RunTask', '*', { Condition: { ArnEquals: { 'ecs:cluster': CLUSTER } } })], context: { 'ecs:cluster': `${CLUSTER}2` } }, 'ecs:RunTask', TD, 'ImplicitDeny'],
  ['time window', { identity: [allow('*', '*', { Condition: { DateGreaterThan: { 'aws:CurrentTime': '2020-04-01T00:00:00Z' }, DateLessThan: { 'aws:CurrentTime': '2020-06-30T23:59:59Z' } } })], context: { 'aws:CurrentTime': '2020-05-01T00:00:00Z' } }, 'ecs:RunTask', TD, 'Allow'],
  ['outside the time window', { identity: [allow('*', '*', { Condition: { DateGreaterThan: { 'aws:CurrentTime': '2020-04-01T00:00:00Z' }, DateLessThan: { 'aws:CurrentTime': '2020-06-30T23:59:59Z' } } })], context: { 'aws:CurrentTime': '2021-05-01T00:00:00Z' } }, 'ecs:RunTask', TD, 'ImplicitDeny'],
  ['ABAC: resource tag matches principal tag', { identity: [allow('ecs:*', '*', { Condition: { StringEquals: { 'aws:ResourceTag/team': '${aws:PrincipalTag/team}' } } })], context: { 'aws:ResourceTag/team': 'blue', 'aws:PrincipalTag/team': 'blue' } }, 'ecs:StopTask', '*', 'Allow'],
  ['ABAC: tags differ', { identity: [allow('ecs:*', '*', { Condition: { StringEquals: { 'aws:ResourceTag/team': '${aws:PrincipalTag/team}' } } })], context: { 'aws:ResourceTag/team': 'red', 'aws:PrincipalTag/team': 'blue' } }, 'ecs:StopTask', '*', 'ImplicitDeny'],
  ['iam:PassRole to ECS only', { identity: [allow('iam:PassRole', `arn:aws:iam::${A}:role/*`, { Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } } })], context: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } }, 'iam:PassRole', `arn:aws:iam::${A}:role/app`, 'Allow'],
  ['iam:PassRole to another service', { identity: [allow('iam:PassRole', `arn:aws:iam::${A}:role/*`, { Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } } })], context: { 'iam:PassedToService': 'lambda.amazonaws.com' } }, 'iam:PassRole', `arn:aws:iam::${A}:role/app`, 'ImplicitDeny'],
  ['deny unless TLS', { identity: [allow('*'), deny('*', '*', { Condition: { Bool: { 'aws:SecureTransport': 'false' } } })], context: { 'aws:SecureTransport': 'false' } }, 'ecs:RunTask', TD, 'ExplicitDeny'],
  ['deny by source IP', { identity: [allow('*'), deny('*', '*', { Condition: { NotIpAddress: { 'aws:SourceIp': ['192.0.2.0/24', '203.0.113.0/24'] } } })], context: { 'aws:SourceIp': '198.51.100.1' } }, 'ecs:RunTask', TD, 'ExplicitDeny'],
  ['source IP inside the range', { identity: [allow('*'), deny('*', '*', { Condition: { NotIpAddress: { 'aws:SourceIp': ['192.0.2.0/24', '203.0.113.0/24'] } } })], context: { 'aws:SourceIp': '203.0.113.9' } }, 'ecs:RunTask', TD, 'Allow'],
  ['require tags on create', { identity: [allow('ecs:CreateCluster', '*', { Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['env', 'team'] }, Null: { 'aws:RequestTag/env': 'false' } } })], context: { 'aws:TagKeys': ['env'], 'aws:RequestTag/env': 'prod' } }, 'ecs:CreateCluster', '*', 'Allow'],
  ['require tags on create, missing', { identity: [allow('ecs:CreateCluster', '*', { Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['env', 'team'] }, Null: { 'aws:RequestTag/env': 'false' } } })], context: { 'aws:TagKeys': [] } }, 'ecs:CreateCluster', '*', 'ImplicitDeny'],
];

for (const [name, setup, action, resource, expected, reason] of rows) {
  test(`${name}: ${action} -> ${expected}${reason ? ` (${reason})` : ''}`, () => {
    const result = run(setup, action, resource);
    assert.equal(result.decision, expected);
    if (reason) assert.equal(result.reason, reason);
    if (expected === 'Allow') assert.equal(result.reason, undefined);
  });
}

const request = { action: 'ecs:RunTask', resource: TD, context: {} };
const caller = 'arn:aws:iam::123456789012:user/bob';
const messages: [DenialReason, string][] = [
  ['no-identity-allow', `User: ${caller} is not authorized to perform: ecs:RunTask on resource: ${TD} because no identity-based policy allows the ecs:RunTask action`],
  ['no-boundary-allow', `User: ${caller} is not authorized to perform: ecs:RunTask on resource: ${TD} because no permissions boundary allows the ecs:RunTask action`],
  ['no-session-allow', `User: ${caller} is not authorized to perform: ecs:RunTask on resource: ${TD} because no session policy allows the ecs:RunTask action`],
  ['no-resource-allow', `User: ${caller} is not authorized to perform: ecs:RunTask on resource: ${TD} because no resource-based policy allows the ecs:RunTask action`],
  ['explicit-deny-identity', `User: ${caller} is not authorized to perform: ecs:RunTask on resource: ${TD} with an explicit deny in an identity-based policy`],
  ['explicit-deny-resource', `User: ${caller} is not authorized to perform: ecs:RunTask on resource: ${TD} with an explicit deny in a resource-based policy`],
  ['explicit-deny-boundary', `User: ${caller} is not authorized to perform: ecs:RunTask on resource: ${TD} with an explicit deny in a permissions boundary`],
  ['explicit-deny-session', `User: ${caller} is not authorized to perform: ecs:RunTask on resource: ${TD} with an explicit deny in a session policy`],
];
for (const [reason, text] of messages) {
  test(`denial message for ${reason}`, () => {
    const decision = reason.startsWith('explicit') ? 'ExplicitDeny' : 'ImplicitDeny';
    assert.equal(denialMessage(caller, request, { decision, reason }), text);
  });
}

test('a compiled policy is reused across requests without re-parsing', () => {
  const p = policy('identity', allow('ecs:*', 'arn:aws:ecs:*:*:cluster/${aws:username}'));
  for (const user of ['a', 'b', 'a', 'c']) {
    const result = evaluate({ principal: bob, identityPolicies: [p] }, { action: 'ecs:DeleteCluster', resource: `arn:aws:ecs:us-east-1:${A}:cluster/${user}`, context: { 'aws:username': user } });
    assert.equal(result.decision, 'Allow');
  }
});
