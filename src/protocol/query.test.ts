// The query protocols end to end: the real @aws-sdk/client-elastic-load-balancing-v2 (awsQuery) and
// @aws-sdk/client-ec2 (ec2), botocore and the aws CLI, and hand-signed raw requests where a client would not
// send what we need, against one gateway serving AWS's ELBv2, EC2, STS and ECS models with a few fake
// handlers, plus a small ELB-like model that shares ELBv2's signing name.
import { ListClustersCommand, ECSClient } from '@aws-sdk/client-ecs';
import { CreateSubnetCommand, DeleteVpcCommand, DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  CreateTargetGroupCommand,
  DeleteLoadBalancerCommand,
  DescribeLoadBalancersCommand,
  DescribeTagsCommand,
  ElasticLoadBalancingV2Client,
  ModifyLoadBalancerAttributesCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { execFile } from 'node:child_process';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { AwsError } from '../core/errors.js';
import type { Logger } from '../core/ports.js';
import { createGateway, type Gateway } from './gateway.js';
import { loadModel } from './model.js';
import { awsQueryDialect, queryProtocol } from './query.js';
import type { CallContext, ServiceBinding, ServiceModel } from './service.js';
import { SignatureFailure, type SignatureFailureKind } from './sigv4.js';
import { testSigner } from './test-signer.js';

const ROOT = { accessKeyId: 'AKIAROOTROOTROOTROOT', secretAccessKey: 'root-secret' };
const ACCOUNT = '123456789012';
const ELB_NAMESPACE = 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/';
const EC2_NAMESPACE = 'http://ec2.amazonaws.com/doc/2016-11-15/';

const log: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {}, child: () => log };
const calls: { operation: string; input: any; call: CallContext }[] = [];
const record = (operation: string, input: unknown, call: CallContext) => calls.push({ operation, input, call });
const lastInput = () => calls.at(-1)!.input;

const created = new Date('2024-05-01T12:00:00.500Z');
const loadBalancers = [
  {
    LoadBalancerName: 'web',
    LoadBalancerArn: `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:loadbalancer/app/web/1`,
    CreatedTime: created,
    State: { Code: 'active' },
    Type: 'application',
    AvailabilityZones: [
      { ZoneName: 'us-east-1a', SubnetId: 'subnet-1', LoadBalancerAddresses: [{ IpAddress: '10.0.0.5' }] },
      { ZoneName: 'us-east-1b', SubnetId: 'subnet-2' },
    ],
    SecurityGroups: ['sg-1', 'sg-2'],
    // Records carry more than the API shows: none of it may leave.
    Tags: [{ Key: 'team', Value: 'web' }],
    listenerSecrets: 'hidden',
  },
  // Through the store, dates come back as ISO strings.
  { LoadBalancerName: 'api & <admin>', CreatedTime: '2024-05-02T08:30:00.000Z', State: { Code: 'provisioning' }, SecurityGroups: [] },
];

const elbv2: ServiceBinding = {
  model: loadModel('elbv2'),
  handlers: {
    DescribeLoadBalancers: (input, call) => {
      record('DescribeLoadBalancers', input, call);
      if (input.Names?.includes('missing')) throw new AwsError('LoadBalancerNotFoundException', 'One or more load balancers not found');
      return { LoadBalancers: loadBalancers };
    },
    DescribeTags: (input) => ({
      TagDescriptions: input.ResourceArns.map((ResourceArn: string) => ({
        ResourceArn,
        Tags: [
          { Key: 'team', Value: 'web' },
          { Key: 'cost-center', Value: '42' },
        ],
      })),
    }),
    CreateTargetGroup: (input, call) => {
      record('CreateTargetGroup', input, call);
      if (input.Name === 'taken') throw new AwsError('DuplicateTargetGroupName', 'A target group with the same name exists');
      return { TargetGroups: [{ TargetGroupName: input.Name, Port: input.Port, HealthCheckEnabled: true, HealthCheckIntervalSeconds: 30 }] };
    },
    ModifyLoadBalancerAttributes: (input) => ({ Attributes: input.Attributes }),
    DeleteLoadBalancer: () => {
      throw new TypeError('a bug in the handler');
    },
  },
};

const vpcs = [
  { VpcId: 'vpc-1', CidrBlock: '10.0.0.0/16', State: 'available', IsDefault: true, Tags: [{ Key: 'Name', Value: 'main' }], storeRevision: 3 },
  { VpcId: 'vpc-2', CidrBlock: '10.1.0.0/16', State: 'pending', IsDefault: false, Tags: [] },
];

const ec2: ServiceBinding = {
  model: loadModel('ec2'),
  handlers: {
    DescribeVpcs: (input, call) => {
      record('DescribeVpcs', input, call);
      if (input.VpcIds?.includes('vpc-missing')) throw new AwsError('InvalidVpcID.NotFound', "The vpc ID 'vpc-missing' does not exist");
      const bogus = input.Filters?.find((filter: { Name: string }) => filter.Name === 'bogus');
      if (bogus) throw new AwsError('InvalidParameterValue', "The filter 'bogus' is invalid");
      return { Vpcs: vpcs };
    },
    DeleteVpc: (input, call) => {
      record('DeleteVpc', input, call);
    },
    CreateSubnet: (input) => ({ Subnet: { SubnetId: 'subnet-1', VpcId: input.VpcId, AvailableIpAddressCount: 251, MapPublicIpOnLaunch: false } }),
  },
};

const sts: ServiceBinding = {
  model: loadModel('sts'),
  handlers: {
    GetCallerIdentity: (_input, { caller }) => ({ UserId: caller.accessKeyId, Account: caller.accountId, Arn: caller.arn }),
  },
};

const iam: ServiceBinding = {
  model: loadModel('iam'),
  handlers: {
    CreateRole: (input) => ({ Role: { RoleName: input.RoleName, Path: '/', CreateDate: created } }),
    DeleteRole: (input, call) => {
      record('DeleteRole', input, call);
      if (input.RoleName === 'gone') throw new AwsError('NoSuchEntityException', 'The role with name gone cannot be found.');
    },
  },
};

// ELB (classic) signs as elasticloadbalancing too and has its own DescribeLoadBalancers: Version tells them apart.
const classicModel: ServiceModel = {
  metadata: {
    protocol: 'query',
    endpointPrefix: 'elasticloadbalancing',
    apiVersion: '2012-06-01',
    serviceId: 'Elastic Load Balancing',
    xmlNamespace: 'http://elasticloadbalancing.amazonaws.com/doc/2012-06-01/',
  },
  operations: {
    DescribeLoadBalancers: {
      name: 'DescribeLoadBalancers',
      http: { method: 'POST', requestUri: '/' },
      input: { shape: 'DescribeAccessPointsInput' },
      output: { shape: 'DescribeAccessPointsOutput', resultWrapper: 'DescribeLoadBalancersResult' },
    },
  },
  shapes: {
    DescribeAccessPointsInput: { type: 'structure', members: { LoadBalancerNames: { shape: 'Names' } } },
    DescribeAccessPointsOutput: { type: 'structure', members: { LoadBalancerDescriptions: { shape: 'Descriptions' } } },
    Names: { type: 'list', member: { shape: 'Name' } },
    Descriptions: { type: 'list', member: { shape: 'Description' } },
    Description: { type: 'structure', members: { LoadBalancerName: { shape: 'Name' } } },
    Name: { type: 'string' },
  },
};
const classic: ServiceBinding = {
  model: classicModel,
  handlers: { DescribeLoadBalancers: () => ({ LoadBalancerDescriptions: [{ LoadBalancerName: 'classic' }] }) },
};

const ecs: ServiceBinding = { model: loadModel('ecs'), handlers: { ListClusters: () => ({ clusterArns: ['c'] }) } };

const clock = { offsetMs: 0, now: () => new Date(Date.now() + clock.offsetMs) };
let gateway: Gateway;
let endpoint: string;

before(async () => {
  gateway = createGateway({
    services: [ecs, elbv2, ec2, sts, iam, classic],
    credentials: {
      resolve: (id) =>
        id === ROOT.accessKeyId
          ? { secretAccessKey: ROOT.secretAccessKey, caller: { accessKeyId: id, accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root` } }
          : undefined,
    },
    auth: 'sigv4',
    accountId: '000000000000',
    region: 'us-east-1',
    log,
    clock,
  });
  const { port } = await gateway.listen(0, '127.0.0.1');
  endpoint = `http://127.0.0.1:${port}`;
});
after(() => gateway.close());

const client = { endpoint: '', region: 'us-east-1', credentials: ROOT, maxAttempts: 1 };
const elb = (credentials = ROOT) => new ElasticLoadBalancingV2Client({ ...client, endpoint, credentials });
const ec2Client = (credentials = ROOT) => new EC2Client({ ...client, endpoint, credentials });

/** The error an SDK call fails with. */
async function failure(promise: Promise<unknown>): Promise<Error & { $metadata: { httpStatusCode?: number }; [key: string]: unknown }> {
  try {
    await promise;
  } catch (error) {
    return error as never;
  }
  throw new Error('the call succeeded');
}

const FORM = 'application/x-www-form-urlencoded; charset=utf-8';

/** A raw query request: a form POST (or GET with the parameters in the URL), signed as the SDKs sign it unless told not to. */
async function raw(params: Record<string, string>, options: { service?: string; sign?: boolean; method?: 'GET' | 'POST' } = {}) {
  const url = new URL(endpoint);
  const form = new URLSearchParams(params).toString().replace(/\+/g, '%20');
  const get = options.method === 'GET';
  const request = {
    method: get ? 'GET' : 'POST',
    protocol: 'http:',
    hostname: url.hostname,
    port: Number(url.port),
    path: '/',
    query: get ? params : undefined,
    headers: (get ? { host: url.host } : { host: url.host, 'content-type': FORM }) as Record<string, string>,
    body: get ? undefined : form,
  };
  const signed = options.sign === false ? request : await testSigner(ROOT, options.service ?? 'elasticloadbalancing').sign(request);
  const response = await fetch(get ? `${endpoint}/?${form}` : endpoint, { method: request.method, headers: signed.headers, body: request.body });
  return { status: response.status, contentType: response.headers.get('content-type'), body: await response.text() };
}

describe('awsQuery (ELBv2)', () => {
  test('members, lists and dates reach the SDK; the handler gets the model-shaped input and its caller', async () => {
    const { LoadBalancers } = await elb().send(new DescribeLoadBalancersCommand({ Names: ['web', 'api & <admin>'], PageSize: 10 }));
    assert.deepEqual(lastInput(), { Names: ['web', 'api & <admin>'], PageSize: 10 });
    assert.equal(calls.at(-1)!.call.caller.arn, `arn:aws:iam::${ACCOUNT}:root`);
    assert.equal(LoadBalancers!.length, 2);
    const [web, api] = LoadBalancers!;
    assert.deepEqual(web!.CreatedTime, created);
    assert.deepEqual(web!.State, { Code: 'active' });
    assert.deepEqual(web!.SecurityGroups, ['sg-1', 'sg-2']);
    assert.deepEqual(web!.AvailabilityZones, [
      { ZoneName: 'us-east-1a', SubnetId: 'subnet-1', LoadBalancerAddresses: [{ IpAddress: '10.0.0.5' }] },
      { ZoneName: 'us-east-1b', SubnetId: 'subnet-2' },
    ]);
    assert.equal(api!.LoadBalancerName, 'api & <admin>');
    assert.deepEqual(api!.CreatedTime, new Date('2024-05-02T08:30:00.000Z'));
    assert.deepEqual(api!.SecurityGroups, []);
  });

  test('tags: lists of structures inside lists', async () => {
    const { TagDescriptions } = await elb().send(new DescribeTagsCommand({ ResourceArns: ['arn:1', 'arn:2'] }));
    assert.deepEqual(TagDescriptions, [
      { ResourceArn: 'arn:1', Tags: [{ Key: 'team', Value: 'web' }, { Key: 'cost-center', Value: '42' }] },
      { ResourceArn: 'arn:2', Tags: [{ Key: 'team', Value: 'web' }, { Key: 'cost-center', Value: '42' }] },
    ]);
  });

  test('input: Tags.member.N.Key, integers, booleans; an empty list is sent bare and read as []', async () => {
    const { TargetGroups } = await elb().send(
      new CreateTargetGroupCommand({ Name: 'tg', Port: 8080, Protocol: 'HTTP', HealthCheckEnabled: false, Tags: [{ Key: 'a', Value: 'b' }, { Key: 'c' }] }),
    );
    assert.deepEqual(lastInput(), { Name: 'tg', Protocol: 'HTTP', Port: 8080, HealthCheckEnabled: false, Tags: [{ Key: 'a', Value: 'b' }, { Key: 'c' }] });
    assert.deepEqual(TargetGroups, [{ TargetGroupName: 'tg', Port: 8080, HealthCheckEnabled: true, HealthCheckIntervalSeconds: 30 }]);
    await elb().send(new DescribeLoadBalancersCommand({ Names: [] }));
    assert.deepEqual(lastInput(), { Names: [] });
    const { Attributes } = await elb().send(
      new ModifyLoadBalancerAttributesCommand({ LoadBalancerArn: 'arn', Attributes: [{ Key: 'idle_timeout.timeout_seconds', Value: '60' }] }),
    );
    assert.deepEqual(Attributes, [{ Key: 'idle_timeout.timeout_seconds', Value: '60' }]);
  });

  test('the wire: the result wrapper, the namespace, ResponseMetadata, only modelled members, escaped text', async () => {
    const { status, contentType, body } = await raw({ Action: 'DescribeLoadBalancers', Version: '2015-12-01', 'Names.member.1': 'web' });
    assert.equal(status, 200);
    assert.equal(contentType, 'text/xml');
    assert.match(body, new RegExp(`^<DescribeLoadBalancersResponse xmlns="${ELB_NAMESPACE}"><DescribeLoadBalancersResult><LoadBalancers><member>`));
    assert.match(body, /<CreatedTime>2024-05-01T12:00:00\.500Z<\/CreatedTime>/);
    assert.match(body, /<SecurityGroups><member>sg-1<\/member><member>sg-2<\/member><\/SecurityGroups>/);
    assert.match(body, /<LoadBalancerName>api &amp; &lt;admin&gt;<\/LoadBalancerName>/);
    assert.match(body, /<\/DescribeLoadBalancersResult><ResponseMetadata><RequestId>[0-9a-f-]{36}<\/RequestId><\/ResponseMetadata><\/DescribeLoadBalancersResponse>$/);
    assert.doesNotMatch(body, /hidden|<Tags>/);
  });

  test('a GET with the parameters in its query string', async () => {
    const { status, body } = await raw({ Action: 'DescribeLoadBalancers', Version: '2015-12-01', 'Names.member.1': 'a b' }, { method: 'GET' });
    assert.equal(status, 200, body);
    assert.deepEqual(lastInput(), { Names: ['a b'] });
  });
});

describe('awsQuery errors', () => {
  test("a modelled error goes out with the model's code and status, and reaches the SDK as its shape", async () => {
    const error = await failure(elb().send(new DescribeLoadBalancersCommand({ Names: ['missing'] })));
    assert.equal(error.name, 'LoadBalancerNotFoundException');
    assert.equal(error.message, 'One or more load balancers not found');
    assert.equal(error.$metadata.httpStatusCode, 400);
    const { body } = await raw({ Action: 'DescribeLoadBalancers', Version: '2015-12-01', 'Names.member.1': 'missing' });
    assert.match(
      body,
      new RegExp(
        `^<ErrorResponse xmlns="${ELB_NAMESPACE}"><Error><Type>Sender</Type><Code>LoadBalancerNotFound</Code>` +
          '<Message>One or more load balancers not found</Message></Error><RequestId>[0-9a-f-]{36}</RequestId></ErrorResponse>$',
      ),
    );
    // Thrown by its wire code, the same.
    const duplicate = await failure(elb().send(new CreateTargetGroupCommand({ Name: 'taken' })));
    assert.equal(duplicate.name, 'DuplicateTargetGroupNameException');
  });

  test('constraint violations: ValidationError, all of them, members named as query services name them', async () => {
    const error = await failure(elb().send(new CreateTargetGroupCommand({ Name: 'tg', Port: 70000, Protocol: 'HTTPX' as never, Tags: [] })));
    assert.equal(error.name, 'ValidationError');
    assert.equal(error.$metadata.httpStatusCode, 400);
    assert.equal(
      error.message,
      '3 validation errors detected: ' +
        "Value 'HTTPX' at 'protocol' failed to satisfy constraint: Member must satisfy enum value set: [HTTP, HTTPS, TCP, TLS, UDP, TCP_UDP, GENEVE, QUIC, TCP_QUIC]; " +
        "Value '70000' at 'port' failed to satisfy constraint: Member must have value less than or equal to 65535; " +
        "Value '[]' at 'tags' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
    const nested = await failure(elb().send(new CreateTargetGroupCommand({ Name: 'tg', Tags: [{ Value: 'v' } as never] })));
    assert.equal(nested.message, "1 validation error detected: Value null at 'tags.1.member.key' failed to satisfy constraint: Member must not be null");
    const { status, body } = await raw({ Action: 'CreateTargetGroup', Version: '2015-12-01' });
    assert.equal(status, 400);
    assert.match(body, /<Code>ValidationError<\/Code><Message>1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null<\/Message>/);
  });

  test('a parameter that is not of its type fails at once: InvalidParameterValue', async () => {
    const { status, body } = await raw({ Action: 'DescribeLoadBalancers', Version: '2015-12-01', PageSize: 'ten' });
    assert.equal(status, 400);
    assert.match(body, /<Code>InvalidParameterValue<\/Code><Message>Value \(ten\) for parameter PageSize is invalid\. Expected an integer\.<\/Message>/);
  });

  test("a handler's bug is a 500 InternalFailure from the Receiver", async () => {
    const error = await failure(elb().send(new DeleteLoadBalancerCommand({ LoadBalancerArn: 'arn' })));
    assert.equal(error.name, 'InternalFailure');
    assert.equal(error.$metadata.httpStatusCode, 500);
    assert.equal(error.Type, 'Receiver');
  });

  test('no Action, an unknown Action, an unknown Version', async () => {
    const missing = await raw({ Version: '2015-12-01' });
    assert.equal(missing.status, 400);
    assert.match(missing.body, /<Code>MissingAction<\/Code>/);
    const unknown = await raw({ Action: 'LaunchRockets', Version: '2015-12-01' });
    assert.equal(unknown.status, 400);
    assert.match(unknown.body, /<Code>InvalidAction<\/Code><Message>The action LaunchRockets is not valid for this web service\.<\/Message>/);
    const version = await raw({ Action: 'DescribeLoadBalancers', Version: '1999-01-01' });
    assert.equal(version.status, 400);
    assert.match(version.body, /<Code>NoSuchVersion<\/Code><Message>The requested version \(1999-01-01\) of service /);
  });
});

describe('awsQuery authentication', () => {
  test('no signature: MissingAuthenticationToken (403)', async () => {
    const { status, body } = await raw({ Action: 'DescribeLoadBalancers', Version: '2015-12-01' }, { sign: false });
    assert.equal(status, 403);
    assert.match(body, /<Type>Sender<\/Type><Code>MissingAuthenticationToken<\/Code><Message>Request is missing Authentication Token<\/Message>/);
  });

  test('a wrong secret, an unknown key, a skewed clock', async () => {
    const mismatch = await failure(elb({ ...ROOT, secretAccessKey: 'wrong' }).send(new DescribeLoadBalancersCommand({})));
    assert.equal(mismatch.name, 'SignatureDoesNotMatch');
    assert.equal(mismatch.$metadata.httpStatusCode, 403);
    assert.match(mismatch.message, /^The request signature we calculated does not match the signature you provided/);

    const unknown = await failure(elb({ accessKeyId: 'AKIANOBODY', secretAccessKey: 'x' }).send(new DescribeLoadBalancersCommand({})));
    assert.equal(unknown.name, 'InvalidClientTokenId');
    assert.equal(unknown.$metadata.httpStatusCode, 403);
    assert.equal(unknown.message, 'The security token included in the request is invalid.');

    try {
      clock.offsetMs = 10 * 60_000;
      const skewed = await failure(elb().send(new DescribeLoadBalancersCommand({})));
      assert.equal(skewed.name, 'SignatureDoesNotMatch');
      assert.equal(skewed.$metadata.httpStatusCode, 403);
      assert.match(skewed.message, /^Signature expired: \d{8}T\d{6}Z is now earlier than/);
    } finally {
      clock.offsetMs = 0;
    }
  });
});

describe('awsQuery (IAM)', () => {
  test('an operation without output answers its ResponseMetadata alone; a modelled 404', async () => {
    const { status, body } = await raw({ Action: 'DeleteRole', Version: '2010-05-08', RoleName: 'web' }, { service: 'iam' });
    assert.equal(status, 200);
    assert.match(body, /^<DeleteRoleResponse xmlns="https:\/\/iam\.amazonaws\.com\/doc\/2010-05-08\/"><ResponseMetadata><RequestId>[0-9a-f-]{36}<\/RequestId><\/ResponseMetadata><\/DeleteRoleResponse>$/);
    assert.deepEqual(lastInput(), { RoleName: 'web' });
    const gone = await raw({ Action: 'DeleteRole', Version: '2010-05-08', RoleName: 'gone' }, { service: 'iam' });
    assert.equal(gone.status, 404);
    assert.match(gone.body, /<Type>Sender<\/Type><Code>NoSuchEntity<\/Code>/);
  });

  test('patterns and lengths, members named lower-case first', async () => {
    const { status, body } = await raw({ Action: 'CreateRole', Version: '2010-05-08', RoleName: 'bad name', AssumeRolePolicyDocument: '{}' }, { service: 'iam' });
    assert.equal(status, 400);
    assert.match(body, /<Code>ValidationError<\/Code><Message>1 validation error detected: Value 'bad name' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: \[\\w\+=,\.@-\]\+<\/Message>/);
    const created = await raw({ Action: 'CreateRole', Version: '2010-05-08', RoleName: 'web', AssumeRolePolicyDocument: '{}' }, { service: 'iam' });
    assert.match(created.body, /<CreateRoleResult><Role><Path>\/<\/Path><RoleName>web<\/RoleName><CreateDate>2024-05-01T12:00:00\.500Z<\/CreateDate><\/Role><\/CreateRoleResult>/);
  });
});

describe('awsQuery signature failures', () => {
  test('the code and status the XML front end answers each kind with', () => {
    const answers: Record<SignatureFailureKind, [string, number]> = {
      missing: ['MissingAuthenticationToken', 403],
      incomplete: ['IncompleteSignature', 400],
      invalid: ['SignatureDoesNotMatch', 403],
      skewed: ['SignatureDoesNotMatch', 403],
      expired: ['RequestExpired', 400],
      'unknown-key': ['InvalidClientTokenId', 403],
      'invalid-token': ['InvalidClientTokenId', 403],
      'expired-token': ['ExpiredToken', 403],
      mismatch: ['SignatureDoesNotMatch', 403],
    };
    for (const [kind, [code, status]] of Object.entries(answers)) {
      const error = awsQueryDialect.authError(new SignatureFailure(kind as SignatureFailureKind, 'why'));
      assert.deepEqual([error.code, error.status, error.message], [code, status, 'why'], kind);
    }
  });

  test('signed for the wrong service: SignatureDoesNotMatch, naming the right one', async () => {
    const { status, body } = await raw({ Action: 'DescribeLoadBalancers', Version: '2015-12-01' }, { service: 'monitoring' });
    assert.equal(status, 403);
    assert.match(body, /^<ErrorResponse .*<Code>SignatureDoesNotMatch<\/Code><Message>Credential should be scoped to correct service: 'elasticloadbalancing'/);
  });
});

describe('wiring mistakes are refused at start-up', () => {
  test('a handler for an operation the model lacks; a model of another protocol', () => {
    assert.throws(() => queryProtocol([{ model: loadModel('sts'), handlers: { LaunchRockets: () => ({}) } }]), /STS has no operation LaunchRockets/);
    assert.throws(() => queryProtocol([ecs]), /not a query protocol/);
  });
});

describe('ec2', () => {
  test('Filter.N.Name / Filter.N.Value.M and VpcId.N in; vpcSet/item out', async () => {
    const { Vpcs } = await ec2Client().send(
      new DescribeVpcsCommand({ Filters: [{ Name: 'tag:Name', Values: ['main', 'other'] }, { Name: 'is-default', Values: ['true'] }], VpcIds: ['vpc-1'], MaxResults: 5 }),
    );
    assert.deepEqual(lastInput(), {
      Filters: [
        { Name: 'tag:Name', Values: ['main', 'other'] },
        { Name: 'is-default', Values: ['true'] },
      ],
      VpcIds: ['vpc-1'],
      MaxResults: 5,
    });
    assert.deepEqual(Vpcs, [
      { VpcId: 'vpc-1', CidrBlock: '10.0.0.0/16', State: 'available', IsDefault: true, Tags: [{ Key: 'Name', Value: 'main' }] },
      { VpcId: 'vpc-2', CidrBlock: '10.1.0.0/16', State: 'pending', IsDefault: false, Tags: [] },
    ]);
    const { body } = await raw({ Action: 'DescribeVpcs', Version: '2016-11-15', 'Filter.1.Name': 'tag:Name', 'Filter.1.Value.1': 'main' }, { service: 'ec2' });
    assert.deepEqual(lastInput(), { Filters: [{ Name: 'tag:Name', Values: ['main'] }] });
    assert.match(body, new RegExp(`^<\\?xml version="1.0" encoding="UTF-8"\\?><DescribeVpcsResponse xmlns="${EC2_NAMESPACE}"><requestId>[0-9a-f-]{36}</requestId><vpcSet><item>`));
    assert.match(body, /<tagSet><item><key>Name<\/key><value>main<\/value><\/item><\/tagSet>/);
    assert.match(body, /<isDefault>true<\/isDefault>/);
    assert.doesNotMatch(body, /storeRevision/);
  });

  test('an operation without output answers <return>true</return>', async () => {
    await ec2Client().send(new DeleteVpcCommand({ VpcId: 'vpc-2' }));
    assert.deepEqual(lastInput(), { VpcId: 'vpc-2' });
    const { body } = await raw({ Action: 'DeleteVpc', Version: '2016-11-15', VpcId: 'vpc-2' }, { service: 'ec2' });
    assert.match(body, /<requestId>[0-9a-f-]{36}<\/requestId><return>true<\/return><\/DeleteVpcResponse>$/);
    const { Subnet } = await ec2Client().send(new CreateSubnetCommand({ VpcId: 'vpc-1' }));
    assert.deepEqual(Subnet, { SubnetId: 'subnet-1', VpcId: 'vpc-1', AvailableIpAddressCount: 251, MapPublicIpOnLaunch: false });
  });

  test("EC2's error codes reach the SDK as its name, with the status; the envelope is <Response><Errors>", async () => {
    const notFound = await failure(ec2Client().send(new DescribeVpcsCommand({ VpcIds: ['vpc-missing'] })));
    assert.equal(notFound.name, 'InvalidVpcID.NotFound');
    assert.equal(notFound.message, "The vpc ID 'vpc-missing' does not exist");
    assert.equal(notFound.$metadata.httpStatusCode, 400);
    const filter = await failure(ec2Client().send(new DescribeVpcsCommand({ Filters: [{ Name: 'bogus', Values: ['x'] }] })));
    assert.equal(filter.name, 'InvalidParameterValue');
    const { status, body } = await raw({ Action: 'DescribeVpcs', Version: '2016-11-15', 'VpcId.1': 'vpc-missing' }, { service: 'ec2' });
    assert.equal(status, 400);
    assert.match(
      body,
      /^<\?xml version="1.0" encoding="UTF-8"\?><Response><Errors><Error><Code>InvalidVpcID\.NotFound<\/Code><Message>The vpc ID 'vpc-missing' does not exist<\/Message><\/Error><\/Errors><RequestID>[0-9a-f-]{36}<\/RequestID><\/Response>$/,
    );
  });

  test('validation: the first missing parameter, else the first invalid value', async () => {
    const missing = await failure(ec2Client().send(new CreateSubnetCommand({} as never)));
    assert.equal(missing.name, 'MissingParameter');
    assert.equal(missing.message, 'The request must include the VpcId parameter. Add the required parameter and retry the request.');
    const invalid = await failure(ec2Client().send(new DescribeVpcsCommand({ MaxResults: 1 })));
    assert.equal(invalid.name, 'InvalidParameterValue');
    assert.equal(invalid.message, 'Value (1) for parameter MaxResults is invalid. Member must have value greater than or equal to 5.');
  });

  test("authentication: EC2's codes", async () => {
    const unknown = await failure(ec2Client({ accessKeyId: 'AKIANOBODY', secretAccessKey: 'x' }).send(new DescribeVpcsCommand({})));
    assert.equal(unknown.name, 'AuthFailure');
    assert.equal(unknown.$metadata.httpStatusCode, 401);
    const mismatch = await failure(ec2Client({ ...ROOT, secretAccessKey: 'wrong' }).send(new DescribeVpcsCommand({})));
    assert.equal(mismatch.name, 'SignatureDoesNotMatch');
    assert.equal(mismatch.$metadata.httpStatusCode, 403);
    const { status, body } = await raw({ Action: 'DescribeVpcs', Version: '2016-11-15' }, { sign: false });
    assert.equal(status, 400);
    assert.match(body, /<Response><Errors><Error><Code>MissingParameter<\/Code><Message>The request must contain the parameter AWSAccessKeyId<\/Message>/);
    try {
      clock.offsetMs = -10 * 60_000;
      const skewed = await failure(ec2Client().send(new DescribeVpcsCommand({})));
      assert.equal(skewed.name, 'RequestExpired');
      assert.equal(skewed.$metadata.httpStatusCode, 400);
    } finally {
      clock.offsetMs = 0;
    }
  });
});

describe('routing: one path for every query service', () => {
  test('the credential scope picks the service: sts, elasticloadbalancing, ec2 side by side with awsJson', async () => {
    const { status, body } = await raw({ Action: 'GetCallerIdentity', Version: '2011-06-15' }, { service: 'sts' });
    assert.equal(status, 200, body);
    assert.match(body, /^<GetCallerIdentityResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/"><GetCallerIdentityResult>/);
    assert.match(body, new RegExp(`<Account>${ACCOUNT}</Account>`));
    // An action of another service, signed for this one: this one does not have it.
    const elsewhere = await raw({ Action: 'GetCallerIdentity', Version: '2015-12-01' }, { service: 'elasticloadbalancing' });
    assert.equal(elsewhere.status, 400);
    assert.match(elsewhere.body, /<Code>InvalidAction<\/Code>/);
    const { clusterArns } = await new ECSClient({ ...client, endpoint }).send(new ListClustersCommand({}));
    assert.deepEqual(clusterArns, ['c']);
  });

  test('services that share a signing name: Version picks', async () => {
    const classicCall = await raw({ Action: 'DescribeLoadBalancers', Version: '2012-06-01', 'LoadBalancerNames.member.1': 'x' });
    assert.match(classicCall.body, /<DescribeLoadBalancersResult><LoadBalancerDescriptions><member><LoadBalancerName>classic</);
    assert.match(classicCall.body, /xmlns="http:\/\/elasticloadbalancing\.amazonaws\.com\/doc\/2012-06-01\/"/);
    const v2Call = await raw({ Action: 'DescribeLoadBalancers', Version: '2015-12-01' });
    assert.match(v2Call.body, /<DescribeLoadBalancersResult><LoadBalancers>/);
  });

  test('an unsigned request is routed by its Action: its auth error comes in its service’s own format', async () => {
    const ec2Unsigned = await raw({ Action: 'DescribeVpcs', Version: '2016-11-15' }, { sign: false });
    assert.match(ec2Unsigned.body, /<Response><Errors>/);
    const stsUnsigned = await raw({ Action: 'GetCallerIdentity', Version: '2011-06-15' }, { sign: false });
    assert.equal(stsUnsigned.status, 403);
    assert.match(stsUnsigned.body, /^<ErrorResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/">/);
  });
});

describe('other clients', () => {
  const exec = promisify(execFile);
  const env = () => ({
    ...process.env,
    AWS_ACCESS_KEY_ID: ROOT.accessKeyId,
    AWS_SECRET_ACCESS_KEY: ROOT.secretAccessKey,
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_ENDPOINT_URL: endpoint,
  });

  test('botocore (boto3): one call per protocol, and a modelled error', async () => {
    const script = `
import boto3, botocore, json
elb = boto3.client('elbv2')
lbs = elb.describe_load_balancers(Names=['web'])['LoadBalancers']
try:
    elb.describe_load_balancers(Names=['missing'])
    error = None
except botocore.exceptions.ClientError as e:
    error = [e.response['Error']['Code'], e.response['ResponseMetadata']['HTTPStatusCode']]
vpcs = boto3.client('ec2').describe_vpcs(Filters=[{'Name': 'tag:Name', 'Values': ['main']}])['Vpcs']
print(json.dumps({'lbs': lbs, 'error': error, 'vpcs': vpcs}, default=str))
`;
    const { stdout } = await exec('python3', ['-c', script], { env: env() });
    const { lbs, error, vpcs: found } = JSON.parse(stdout);
    assert.equal(lbs.length, 2);
    assert.equal(lbs[0].CreatedTime, '2024-05-01 12:00:00.500000+00:00');
    assert.deepEqual(lbs[0].AvailabilityZones[0].LoadBalancerAddresses, [{ IpAddress: '10.0.0.5' }]);
    assert.deepEqual(error, ['LoadBalancerNotFound', 400]);
    assert.deepEqual(found[0], { VpcId: 'vpc-1', CidrBlock: '10.0.0.0/16', State: 'available', IsDefault: true, Tags: [{ Key: 'Name', Value: 'main' }] });
    assert.deepEqual(lastInput(), { Filters: [{ Name: 'tag:Name', Values: ['main'] }] });
  });

  test('the aws CLI', async () => {
    const { stdout } = await exec('aws', ['ec2', 'describe-vpcs', '--vpc-ids', 'vpc-1', 'vpc-2', '--output', 'json'], { env: env() });
    assert.deepEqual(
      JSON.parse(stdout).Vpcs.map((vpc: { VpcId: string }) => vpc.VpcId),
      ['vpc-1', 'vpc-2'],
    );
    assert.deepEqual(lastInput(), { VpcIds: ['vpc-1', 'vpc-2'] });
  });
});
