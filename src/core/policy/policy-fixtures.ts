// Policies and requests for the authorisation benchmark and the differential test against
// @cloud-copilot/iam-simulate: a realistic set of 50 attached policies (shapes of AWS managed policies and
// customer policies with conditions), and policies/requests generated from a seeded random source.
import type { AuthorizationRequest, PolicyDocument, PolicyStatement } from './types.js';

export const ACCOUNT = '111111111111';
export const OTHER_ACCOUNT = '222222222222';
const REGION = 'us-east-1';
const ecs = (resource: string) => `arn:aws:ecs:${REGION}:${ACCOUNT}:${resource}`;
const doc = (...Statement: PolicyStatement[]): PolicyDocument => ({ Version: '2012-10-17', Statement });

const READ_SERVICES = ['ecs', 'ec2', 'iam', 'elasticloadbalancing', 'acm', 'logs', 'cloudwatch', 's3', 'sts', 'autoscaling', 'ecr', 'dynamodb', 'sqs', 'sns', 'kms', 'lambda'];

/** Shapes of AWS managed policies ECS users attach: broad read-only, ECS full access, the instance and execution roles. */
function managedPolicies(): PolicyDocument[] {
  return [
    // ReadOnlyAccess: hundreds of read verbs across services.
    doc({ Effect: 'Allow', Action: READ_SERVICES.flatMap((s) => [`${s}:Describe*`, `${s}:List*`, `${s}:Get*`, `${s}:BatchGet*`]), Resource: '*' }),
    // AmazonECS_FullAccess.
    doc(
      { Sid: 'ECSIntegrationsManagementPolicy', Effect: 'Allow', Action: ['application-autoscaling:*', 'autoscaling:CreateAutoScalingGroup', 'cloudformation:CreateStack', 'ec2:CreateLaunchTemplate', 'ecs:*', 'elasticloadbalancing:*', 'iam:ListRoles', 'logs:CreateLogGroup', 'servicediscovery:*', 'sns:ListTopics'], Resource: '*' },
      { Sid: 'ELBManagementPolicy', Effect: 'Allow', Action: ['elasticloadbalancing:CreateRule', 'elasticloadbalancing:DeleteRule'], Resource: '*' },
      { Sid: 'PassRoleForECS', Effect: 'Allow', Action: 'iam:PassRole', Resource: '*', Condition: { StringLike: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } } },
      { Sid: 'ServiceLinkedRoleCreation', Effect: 'Allow', Action: 'iam:CreateServiceLinkedRole', Resource: '*', Condition: { StringLike: { 'iam:AWSServiceName': ['ecs.amazonaws.com', 'autoscaling.amazonaws.com'] } } },
    ),
    // AmazonEC2ContainerServiceforEC2Role.
    doc({ Effect: 'Allow', Action: ['ec2:DescribeTags', 'ecs:CreateCluster', 'ecs:DeregisterContainerInstance', 'ecs:DiscoverPollEndpoint', 'ecs:Poll', 'ecs:RegisterContainerInstance', 'ecs:StartTelemetrySession', 'ecs:UpdateContainerInstancesState', 'ecs:Submit*', 'ecr:GetAuthorizationToken', 'ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage', 'logs:CreateLogStream', 'logs:PutLogEvents'], Resource: '*' }, { Effect: 'Allow', Action: 'ecs:TagResource', Resource: '*', Condition: { StringEquals: { 'ecs:CreateAction': ['CreateCluster', 'RegisterContainerInstance'] } } }),
    // AmazonECSTaskExecutionRolePolicy.
    doc({ Effect: 'Allow', Action: ['ecr:GetAuthorizationToken', 'ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage', 'logs:CreateLogStream', 'logs:PutLogEvents'], Resource: '*' }),
    // A guardrail: deny outside approved regions, except global services.
    doc({ Sid: 'DenyOutsideRegions', Effect: 'Deny', NotAction: ['iam:*', 'sts:*', 'organizations:*', 'support:*'], Resource: '*', Condition: { StringNotEquals: { 'aws:RequestedRegion': ['us-east-1', 'us-west-2', 'eu-west-1'] } } }),
  ];
}

const TEAMS = ['blue', 'green', 'red', 'yellow', 'purple', 'orange', 'teal', 'pink', 'grey'];

/** Customer policies: per-team clusters and task families, tag-based access, time, network and TLS conditions. */
function customerPolicies(count: number): PolicyDocument[] {
  const out: PolicyDocument[] = [];
  for (let i = 0; out.length < count; i++) {
    const team = TEAMS[i % TEAMS.length]!;
    switch (i % 5) {
      case 0:
        out.push(doc(
          { Sid: `RunTeamTasks${i}`, Effect: 'Allow', Action: ['ecs:RunTask', 'ecs:StartTask'], Resource: ecs(`task-definition/${team}-*:*`), Condition: { ArnEquals: { 'ecs:cluster': ecs(`cluster/${team}`) } } },
          { Sid: `ManageTeamServices${i}`, Effect: 'Allow', Action: ['ecs:UpdateService', 'ecs:CreateService', 'ecs:DeleteService'], Resource: ecs(`service/${team}/*`) },
        ));
        break;
      case 1:
        out.push(doc({ Sid: `TagBased${i}`, Effect: 'Allow', Action: ['ecs:StopTask', 'ecs:UpdateService', 'ecs:TagResource'], Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/team': '${aws:PrincipalTag/team}' }, 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team', 'env', 'owner'] } } }));
        break;
      case 2:
        out.push(doc(
          { Sid: `Office${i}`, Effect: 'Allow', Action: ['ecs:Describe*', 'ecs:List*', 'logs:GetLogEvents'], Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': [`10.${i}.0.0/16`, '192.0.2.0/24', '2001:db8::/32'] }, Bool: { 'aws:SecureTransport': 'true' } } },
          { Sid: `DenyInsecure${i}`, Effect: 'Deny', Action: '*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
        ));
        break;
      case 3:
        out.push(doc({ Sid: `Window${i}`, Effect: 'Allow', Action: ['ecs:UpdateService', 'ecs:RegisterTaskDefinition'], Resource: '*', Condition: { DateGreaterThan: { 'aws:CurrentTime': '2026-01-01T00:00:00Z' }, DateLessThan: { 'aws:CurrentTime': `2027-0${(i % 9) + 1}-01T00:00:00Z` }, NumericLessThanIfExists: { 'aws:MultiFactorAuthAge': '3600' } } }));
        break;
      case 4:
        out.push(doc(
          { Sid: `Home${i}`, Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: `arn:aws:s3:::${team}-data/home/\${aws:username}/*` },
          { Sid: `PassTeamRoles${i}`, Effect: 'Allow', Action: 'iam:PassRole', Resource: `arn:aws:iam::${ACCOUNT}:role/${team}-*`, Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } } },
          { Sid: `DenySecrets${i}`, Effect: 'Deny', Action: 's3:*', Resource: `arn:aws:s3:::${team}-data/secret/*`, Condition: { StringNotEqualsIfExists: { 'aws:PrincipalTag/clearance': 'high' } } },
        ));
        break;
    }
  }
  return out;
}

/** 50 identity policies attached to one principal, as the benchmark's goal states. */
export function benchPolicies(): PolicyDocument[] {
  const managed = managedPolicies();
  return [...managed, ...customerPolicies(50 - managed.length)];
}

const baseContext = {
  'aws:username': 'bob',
  'aws:userid': 'AIDAEXAMPLEBOB',
  'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:user/bob`,
  'aws:PrincipalAccount': ACCOUNT,
  'aws:PrincipalTag/team': 'blue',
  'aws:SourceIp': '192.0.2.10',
  'aws:SecureTransport': 'true',
  'aws:CurrentTime': '2026-12-05T10:00:00Z',
  'aws:EpochTime': '1796464800',
  'aws:RequestedRegion': REGION,
};

/** The requests an ECS user's day is made of; some allowed, some denied, some explicitly. */
export function benchRequests(): AuthorizationRequest[] {
  const r = (action: string, resource: string, extra: Record<string, string | string[]> = {}): AuthorizationRequest => ({ action, resource, context: { ...baseContext, ...extra } });
  return [
    r('ecs:RunTask', ecs('task-definition/blue-web:7'), { 'ecs:cluster': ecs('cluster/blue') }),
    r('ecs:RunTask', ecs('task-definition/red-web:7'), { 'ecs:cluster': ecs('cluster/blue') }),
    r('ecs:DescribeServices', ecs('service/blue/web'), { 'ecs:cluster': ecs('cluster/blue') }),
    r('ecs:ListClusters', '*'),
    r('ecs:UpdateService', ecs('service/green/api'), { 'ecs:cluster': ecs('cluster/green'), 'aws:ResourceTag/team': 'blue' }),
    r('ecs:StopTask', ecs('task/blue/0123456789abcdef'), { 'aws:ResourceTag/team': 'red' }),
    r('ecs:TagResource', ecs('cluster/blue'), { 'aws:ResourceTag/team': 'blue', 'aws:TagKeys': ['team', 'env'] }),
    r('iam:PassRole', `arn:aws:iam::${ACCOUNT}:role/blue-task`, { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' }),
    r('iam:PassRole', `arn:aws:iam::${ACCOUNT}:role/admin`, { 'iam:PassedToService': 'ec2.amazonaws.com' }),
    r('iam:CreateUser', `arn:aws:iam::${ACCOUNT}:user/eve`),
    r('ec2:DescribeInstances', '*'),
    r('ec2:RunInstances', `arn:aws:ec2:eu-central-1:${ACCOUNT}:instance/*`, { 'aws:RequestedRegion': 'eu-central-1' }),
    r('s3:GetObject', 'arn:aws:s3:::blue-data/home/bob/notes.txt'),
    r('s3:GetObject', 'arn:aws:s3:::blue-data/secret/keys.txt'),
    r('logs:PutLogEvents', `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/ecs/web:log-stream:x`),
    r('ecs:RegisterTaskDefinition', '*', { 'aws:MultiFactorAuthAge': '600' }),
    r('ecs:DeleteCluster', ecs('cluster/blue'), { 'aws:SecureTransport': 'false' }),
    r('dynamodb:PutItem', `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/orders`),
  ];
}

const ACTIONS = ['ecs:RunTask', 'ecs:*', 'ecs:Run*', 'ecs:Describe*', '*', 'iam:PassRole', 's3:GetObject', 's3:*', 'ec2:Describe*', 'ecs:?topTask', 'ECS:runtask'];
const RESOURCES = ['*', ecs('task-definition/web:3'), ecs('task-definition/web:*'), `arn:aws:ecs:*:${ACCOUNT}:*`, 'arn:aws:ecs:*:*:cluster/*', 'arn:aws:s3:::bucket/*', 'arn:aws:s3:::bucket/${aws:username}/*', `arn:aws:iam::${ACCOUNT}:role/*`, 'arn:aws:ecs:us-*:*:task-definition/*'];
const CONDITIONS: Record<string, Record<string, string | string[]>>[] = [
  { StringEquals: { 'aws:username': 'bob' } },
  { StringNotEquals: { 'aws:username': ['bob', 'carol'] } },
  { StringLike: { 'aws:PrincipalTag/team': 'bl*' } },
  { StringEqualsIgnoreCase: { 'aws:PrincipalTag/team': 'BLUE' } },
  { StringNotLike: { 'ecs:cluster': '*prod*' } },
  { ArnLike: { 'ecs:cluster': 'arn:aws:ecs:*:*:cluster/dev*' } },
  { ArnNotEquals: { 'ecs:cluster': ecs('cluster/prod') } },
  { NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } },
  { NumericGreaterThanEquals: { 'aws:MultiFactorAuthAge': '100' } },
  { DateGreaterThan: { 'aws:CurrentTime': '2026-01-01T00:00:00Z' } },
  { DateLessThan: { 'aws:CurrentTime': '2026-06-01T00:00:00Z' } },
  { Bool: { 'aws:SecureTransport': 'true' } },
  { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'true' } },
  { IpAddress: { 'aws:SourceIp': ['192.0.2.0/24', '10.0.0.0/8'] } },
  { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } },
  { Null: { 'aws:MultiFactorAuthAge': 'true' } },
  { Null: { 'ecs:cluster': 'false' } },
  { StringEqualsIfExists: { 'ecs:cluster': ecs('cluster/dev') } },
  { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team', 'env'] } },
  { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['team'] } },
  { 'ForAnyValue:StringLike': { 'aws:TagKeys': ['own*'] } },
  { StringEquals: { 'aws:ResourceTag/team': '${aws:PrincipalTag/team}' } },
];
const CONTEXT_OPTIONS: Record<string, string[] | string[][]> = {
  'aws:username': ['bob', 'carol'],
  'aws:PrincipalTag/team': ['blue', 'red'],
  'ecs:cluster': [ecs('cluster/dev'), ecs('cluster/prod'), ecs('cluster/dev-2')],
  'aws:MultiFactorAuthAge': ['50', '600', '7200'],
  'aws:MultiFactorAuthPresent': ['true', 'false'],
  'aws:CurrentTime': ['2026-03-01T00:00:00Z', '2026-12-01T00:00:00Z'],
  'aws:SecureTransport': ['true', 'false'],
  'aws:SourceIp': ['192.0.2.7', '203.0.113.9', '10.1.2.3'],
  'aws:TagKeys': [['team'], ['team', 'env'], ['owner'], []],
  'aws:ResourceTag/team': ['blue', 'red'],
};
const REQUEST_ACTIONS = ['ecs:RunTask', 'ecs:StopTask', 'ecs:DescribeClusters', 'iam:PassRole', 's3:GetObject', 'ec2:DescribeInstances'];
const REQUEST_RESOURCES = [ecs('task-definition/web:3'), ecs('task-definition/api:1'), ecs('cluster/dev'), 'arn:aws:s3:::bucket/bob/x', 'arn:aws:s3:::bucket/carol/x', `arn:aws:iam::${ACCOUNT}:role/app`, `arn:aws:ecs:eu-west-1:${ACCOUNT}:task-definition/web:3`];

const BOB = `arn:aws:iam::${ACCOUNT}:user/bob`;
const CAROL = `arn:aws:iam::${OTHER_ACCOUNT}:user/carol`;
const APP_ROLE = `arn:aws:iam::${ACCOUNT}:role/app`;
const APP_SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/app/s1`;

export interface GeneratedCase {
  identityPolicies: PolicyDocument[];
  permissionsBoundary?: PolicyDocument;
  resourcePolicy?: PolicyDocument;
  /** The caller: bob or a session of role `app` in ACCOUNT, or carol in OTHER_ACCOUNT for cross-account cases. */
  principalArn: string;
  /** A session's role (aws:PrincipalArn); for a user, its own ARN. */
  identityArn: string;
  principalAccount: string;
  request: AuthorizationRequest;
}

/** `count` policy sets and requests drawn from `random` (seeded by the caller, so every run is the same). */
export function generatedCases(random: () => number, count: number): GeneratedCase[] {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const some = <T>(list: readonly T[], max: number): T[] => Array.from({ length: 1 + Math.floor(random() * max) }, () => pick(list));
  const statement = (principal: boolean): PolicyStatement => {
    const s: PolicyStatement = { Effect: random() < 0.75 ? 'Allow' : 'Deny' };
    if (random() < 0.15) s.NotAction = some(ACTIONS, 2);
    else s.Action = some(ACTIONS, 3);
    if (random() < 0.1) s.NotResource = some(RESOURCES, 2);
    else s.Resource = some(RESOURCES, 2);
    if (random() < 0.5) s.Condition = { ...pick(CONDITIONS), ...(random() < 0.3 ? pick(CONDITIONS) : {}) };
    if (principal) {
      s.Principal = pick<PolicyStatement['Principal']>(['*', { AWS: ACCOUNT }, { AWS: BOB }, { AWS: CAROL }, { AWS: `arn:aws:iam::${OTHER_ACCOUNT}:root` }, { AWS: `arn:aws:iam::${ACCOUNT}:user/eve` }, { AWS: APP_ROLE }, { AWS: APP_SESSION }]);
    }
    return s;
  };
  const policy = (principal: boolean): PolicyDocument => doc(...Array.from({ length: 1 + Math.floor(random() * 3) }, () => statement(principal)));
  const cases: GeneratedCase[] = [];
  for (let i = 0; i < count; i++) {
    const cross = random() < 0.2;
    const asSession = !cross && random() < 0.3;
    const context: Record<string, string | string[]> = {};
    for (const [key, options] of Object.entries(CONTEXT_OPTIONS)) if (random() < 0.6) context[key] = pick(options as (string | string[])[]);
    cases.push({
      identityPolicies: Array.from({ length: Math.floor(random() * 4) }, () => policy(false)),
      permissionsBoundary: random() < 0.25 ? policy(false) : undefined,
      resourcePolicy: cross || random() < 0.3 ? policy(true) : undefined,
      principalArn: cross ? CAROL : asSession ? APP_SESSION : BOB,
      identityArn: cross ? CAROL : asSession ? APP_ROLE : BOB,
      principalAccount: cross ? OTHER_ACCOUNT : ACCOUNT,
      request: { action: pick(REQUEST_ACTIONS), resource: pick(REQUEST_RESOURCES), context },
    });
  }
  return cases;
}
