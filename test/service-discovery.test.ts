// AWS Cloud Map end to end with the real server and the SDK: namespaces (private DNS bound to a VPC,
// public DNS, HTTP), services with DNS records, instances, DiscoverInstances on the `data-` host the SDK
// sends it to, custom health, operations, tags, and Cloud Map's refusals with its codes; Wharf's DNS server
// answering the namespace's names as instances come and go.
import { DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateServiceCommand as CreateEcsServiceCommand, DeleteServiceCommand as DeleteEcsServiceCommand, DescribeTasksCommand, ListServicesByNamespaceCommand, ListTasksCommand, RegisterTaskDefinitionCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import {
  CreateHttpNamespaceCommand,
  CreatePrivateDnsNamespaceCommand,
  CreatePublicDnsNamespaceCommand,
  CreateServiceCommand,
  DeleteNamespaceCommand,
  DeleteServiceCommand,
  DeregisterInstanceCommand,
  DiscoverInstancesCommand,
  GetInstanceCommand,
  GetInstancesHealthStatusCommand,
  GetNamespaceCommand,
  GetOperationCommand,
  GetServiceCommand,
  ListInstancesCommand,
  ListNamespacesCommand,
  ListOperationsCommand,
  ListServicesCommand,
  ListTagsForResourceCommand,
  RegisterInstanceCommand,
  ServiceDiscoveryClient,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateInstanceCustomHealthStatusCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-servicediscovery';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import assert from 'node:assert/strict';
import { Agent } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { createSocket } from 'node:dgram';
import * as packet from 'dns-packet';
import { eventually, freePort, startWharf, type WharfProcess } from './wharf-process.js';

let wharf: WharfProcess;
let sd: ServiceDiscoveryClient;
let vpcId: string;
let dnsPort: number;

/** The namespace an operation created (operations finish at once). */
async function namespaceOf(operationId: string | undefined): Promise<string> {
  const { Operation } = await sd.send(new GetOperationCommand({ OperationId: operationId }));
  assert.equal(Operation?.Status, 'SUCCESS', JSON.stringify(Operation));
  return Operation!.Targets!.NAMESPACE!;
}

before(async () => {
  dnsPort = await freePort();
  wharf = await startWharf({ env: { WHARF_DNS_LISTEN: `127.0.0.1:${dnsPort}` } });
  // The SDK sends DiscoverInstances to `data-<endpoint host>`: every name resolves to the server here, as a
  // wildcard DNS record would make it for a real deployment.
  const agent = new Agent({ lookup: (_host, options, callback) => (options.all ? callback(null, [{ address: '127.0.0.1', family: 4 }]) : callback(null, '127.0.0.1', 4)) });
  sd = new ServiceDiscoveryClient({
    endpoint: wharf.endpoint.replace('127.0.0.1', 'wharf.test'),
    region: 'us-east-1',
    credentials: wharf.credentials,
    requestHandler: new NodeHttpHandler({ httpAgent: agent }),
  });
  const ec2 = new EC2Client({ endpoint: wharf.endpoint, region: 'us-east-1', credentials: wharf.credentials });
  vpcId = (await ec2.send(new DescribeVpcsCommand({}))).Vpcs!.find((v) => v.IsDefault)!.VpcId!;
});

after(async () => {
  await wharf?.stop();
});

describe('Cloud Map API', () => {
  test('namespaces of three kinds; a private one needs its VPC; names overlapping in one VPC fail the operation', async () => {
    const privateId = await namespaceOf((await sd.send(new CreatePrivateDnsNamespaceCommand({ Name: 'corp.local', Vpc: vpcId, Tags: [{ Key: 'team', Value: 'a' }] }))).OperationId);
    const publicId = await namespaceOf((await sd.send(new CreatePublicDnsNamespaceCommand({ Name: 'example.com' }))).OperationId);
    const httpId = await namespaceOf((await sd.send(new CreateHttpNamespaceCommand({ Name: 'http-ns', Description: 'plain' }))).OperationId);
    const { Namespace } = await sd.send(new GetNamespaceCommand({ Id: privateId }));
    assert.equal(Namespace?.Type, 'DNS_PRIVATE');
    assert.equal(Namespace?.Properties?.DnsProperties?.SOA?.TTL, 15);
    assert.match(Namespace?.Properties?.DnsProperties?.HostedZoneId ?? '', /^Z/);
    const { Namespaces } = await sd.send(new ListNamespacesCommand({ Filters: [{ Name: 'TYPE', Values: ['DNS_PUBLIC', 'HTTP'], Condition: 'IN' }] }));
    assert.deepEqual(Namespaces?.map((n) => n.Id).sort(), [publicId, httpId].sort());

    await assert.rejects(sd.send(new CreatePrivateDnsNamespaceCommand({ Name: 'corp.local', Vpc: vpcId })), { name: 'NamespaceAlreadyExists', NamespaceId: privateId });
    await assert.rejects(sd.send(new CreatePrivateDnsNamespaceCommand({ Name: 'x.local', Vpc: 'vpc-0000000000000000f' })), { name: 'InvalidInput' });
    await assert.rejects(sd.send(new CreatePrivateDnsNamespaceCommand({ Name: 'bad..name', Vpc: vpcId })), { name: 'InvalidInput' });
    const overlap = await sd.send(new CreatePrivateDnsNamespaceCommand({ Name: 'svc.corp.local', Vpc: vpcId }));
    const { Operation } = await sd.send(new GetOperationCommand({ OperationId: overlap.OperationId }));
    assert.equal(Operation?.Status, 'FAIL');
    assert.equal(Operation?.ErrorCode, 'CANNOT_CREATE_HOSTED_ZONE');

    assert.deepEqual((await sd.send(new ListTagsForResourceCommand({ ResourceARN: Namespace!.Arn }))).Tags, [{ Key: 'team', Value: 'a' }]);
    await sd.send(new TagResourceCommand({ ResourceARN: Namespace!.Arn, Tags: [{ Key: 'env', Value: 'dev' }] }));
    await sd.send(new UntagResourceCommand({ ResourceARN: Namespace!.Arn, TagKeys: ['team'] }));
    assert.deepEqual((await sd.send(new ListTagsForResourceCommand({ ResourceARN: Namespace!.Arn }))).Tags, [{ Key: 'env', Value: 'dev' }]);

    await sd.send(new DeleteNamespaceCommand({ Id: publicId }));
    await assert.rejects(sd.send(new GetNamespaceCommand({ Id: publicId })), { name: 'NamespaceNotFound' });
  });

  test('services, instances, DiscoverInstances with filters and custom health, operations', async () => {
    const nsId = await namespaceOf((await sd.send(new CreatePrivateDnsNamespaceCommand({ Name: 'shop.local', Vpc: vpcId }))).OperationId);
    const { Service } = await sd.send(
      new CreateServiceCommand({
        Name: 'cart',
        NamespaceId: nsId,
        DnsConfig: { RoutingPolicy: 'MULTIVALUE', DnsRecords: [{ Type: 'A', TTL: 10 }, { Type: 'SRV', TTL: 10 }] },
        HealthCheckCustomConfig: { FailureThreshold: 1 },
      }),
    );
    assert.equal(Service?.DnsConfig?.NamespaceId, nsId);
    assert.equal(Service?.Type, 'DNS_HTTP');
    await assert.rejects(sd.send(new CreateServiceCommand({ Name: 'cart', NamespaceId: nsId })), { name: 'ServiceAlreadyExists', ServiceId: Service!.Id });
    await assert.rejects(
      sd.send(new CreateServiceCommand({ Name: 'web', NamespaceId: nsId, DnsConfig: { DnsRecords: [{ Type: 'CNAME', TTL: 10 }] } })),
      { name: 'InvalidInput' },
    );

    const register = (InstanceId: string, ip: string, zone: string) =>
      sd.send(new RegisterInstanceCommand({ ServiceId: Service!.Id, InstanceId, Attributes: { AWS_INSTANCE_IPV4: ip, AWS_INSTANCE_PORT: '8080', zone } }));
    const { OperationId } = await register('i-1', '10.0.0.1', 'a');
    await register('i-2', '10.0.0.2', 'b');
    await assert.rejects(sd.send(new RegisterInstanceCommand({ ServiceId: Service!.Id, InstanceId: 'i-3', Attributes: { AWS_INSTANCE_IPV4: '10.0.0.3' } })), { name: 'InvalidInput' });
    assert.equal((await sd.send(new GetOperationCommand({ OperationId }))).Operation?.Type, 'REGISTER_INSTANCE');
    assert.equal((await sd.send(new GetInstanceCommand({ ServiceId: Service!.Id, InstanceId: 'i-1' }))).Instance?.Attributes?.zone, 'a');
    assert.equal((await sd.send(new ListInstancesCommand({ ServiceId: Service!.Id }))).Instances?.length, 2);
    assert.equal((await sd.send(new GetServiceCommand({ Id: Service!.Arn }))).Service?.InstanceCount, 2);
    assert.equal((await sd.send(new ListServicesCommand({ Filters: [{ Name: 'NAMESPACE_ID', Values: [nsId] }] }))).Services?.length, 1);

    const discover = async (input: Partial<ConstructorParameters<typeof DiscoverInstancesCommand>[0]>) =>
      ((await sd.send(new DiscoverInstancesCommand({ NamespaceName: 'shop.local', ServiceName: 'cart', ...input }))).Instances ?? []).map((i) => i.InstanceId).sort();
    assert.deepEqual(await discover({}), ['i-1', 'i-2']);
    assert.deepEqual(await discover({ QueryParameters: { zone: 'b' } }), ['i-2']);
    assert.deepEqual(await discover({ OptionalParameters: { zone: 'z' } }), ['i-1', 'i-2']);
    await sd.send(new UpdateInstanceCustomHealthStatusCommand({ ServiceId: Service!.Id, InstanceId: 'i-1', Status: 'UNHEALTHY' }));
    assert.deepEqual(await discover({ HealthStatus: 'HEALTHY' }), ['i-2']);
    assert.deepEqual((await sd.send(new GetInstancesHealthStatusCommand({ ServiceId: Service!.Id }))).Status, { 'i-1': 'UNHEALTHY', 'i-2': 'HEALTHY' });
    await assert.rejects(sd.send(new DiscoverInstancesCommand({ NamespaceName: 'nowhere.local', ServiceName: 'cart' })), { name: 'NamespaceNotFound' });

    await sd.send(new UpdateServiceCommand({ Id: Service!.Id, Service: { DnsConfig: { DnsRecords: [{ Type: 'A', TTL: 30 }, { Type: 'SRV', TTL: 30 }] } } }));
    assert.equal((await sd.send(new GetServiceCommand({ Id: Service!.Id }))).Service?.DnsConfig?.DnsRecords?.[0]?.TTL, 30);

    await assert.rejects(sd.send(new DeleteServiceCommand({ Id: Service!.Id })), { name: 'ResourceInUse' });
    await assert.rejects(sd.send(new DeleteNamespaceCommand({ Id: nsId })), { name: 'ResourceInUse' });
    await sd.send(new DeregisterInstanceCommand({ ServiceId: Service!.Id, InstanceId: 'i-1' }));
    await sd.send(new DeregisterInstanceCommand({ ServiceId: Service!.Id, InstanceId: 'i-2' }));
    await assert.rejects(sd.send(new DeregisterInstanceCommand({ ServiceId: Service!.Id, InstanceId: 'i-2' })), { name: 'InstanceNotFound' });
    await sd.send(new DeleteServiceCommand({ Id: Service!.Id }));
    const { Operations } = await sd.send(new ListOperationsCommand({ Filters: [{ Name: 'TYPE', Values: ['DEREGISTER_INSTANCE'] }] }));
    assert.equal(Operations?.length, 2);
  });
});

/** The data of the answers Wharf's DNS server gives to `name`. */
async function dig(name: string, type: packet.RecordType = 'A'): Promise<{ rcode: string; data: unknown[] }> {
  const socket = createSocket('udp4');
  try {
    const reply = await new Promise<Buffer>((done) => {
      socket.on('message', done);
      socket.send(packet.encode({ type: 'query', id: 1, flags: packet.RECURSION_DESIRED, questions: [{ type, name }] }), dnsPort, '127.0.0.1');
    });
    const decoded = packet.decode(reply) as unknown as { rcode: string; answers: { data: unknown }[] };
    return { rcode: decoded.rcode, data: decoded.answers.map((a) => a.data) };
  } finally {
    socket.close();
  }
}

test('the DNS server answers a private namespace as instances register and deregister', async () => {
  const nsId = await namespaceOf((await sd.send(new CreatePrivateDnsNamespaceCommand({ Name: 'dns.local', Vpc: vpcId }))).OperationId);
  const { Service } = await sd.send(new CreateServiceCommand({ Name: 'db', NamespaceId: nsId, DnsConfig: { DnsRecords: [{ Type: 'A', TTL: 5 }, { Type: 'SRV', TTL: 5 }] } }));
  assert.deepEqual(await dig('db.dns.local'), { rcode: 'NOERROR', data: [] });
  await sd.send(new RegisterInstanceCommand({ ServiceId: Service!.Id, InstanceId: 'one', Attributes: { AWS_INSTANCE_IPV4: '10.1.0.1', AWS_INSTANCE_PORT: '5432' } }));
  assert.deepEqual(await dig('db.dns.local'), { rcode: 'NOERROR', data: ['10.1.0.1'] });
  assert.deepEqual((await dig('db.dns.local', 'SRV')).data, [{ priority: 1, weight: 1, port: 5432, target: 'one.db.dns.local' }]);
  assert.equal((await dig('other.dns.local')).rcode, 'NXDOMAIN');
  await sd.send(new DeregisterInstanceCommand({ ServiceId: Service!.Id, InstanceId: 'one' }));
  assert.deepEqual(await dig('db.dns.local'), { rcode: 'NOERROR', data: [] });
});

test('an ECS service with serviceRegistries: its bridge task answered by SRV with its host port, gone once it stops', async () => {
  const ecs = wharf.ecs();
  const nsId = await namespaceOf((await sd.send(new CreatePrivateDnsNamespaceCommand({ Name: 'ecs.local', Vpc: vpcId }))).OperationId);
  const { Service } = await sd.send(new CreateServiceCommand({ Name: 'web', NamespaceId: nsId, DnsConfig: { DnsRecords: [{ Type: 'SRV', TTL: 5 }] } }));
  await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'sd-web',
      containerDefinitions: [
        { name: 'app', image: 'wharf-test/busybox:latest', memory: 32, command: ['sh', '-c', 'trap "exit 0" TERM; sleep 3000 & wait'], portMappings: [{ containerPort: 80, hostPort: 0 }], stopTimeout: 2 },
      ],
    }),
  );
  await ecs.send(new CreateEcsServiceCommand({ serviceName: 'sd-web', taskDefinition: 'sd-web', desiredCount: 1, serviceRegistries: [{ registryArn: Service!.Arn, containerName: 'app', containerPort: 80 }] }));
  const task = await eventually(async () => {
    const { taskArns = [] } = await ecs.send(new ListTasksCommand({ serviceName: 'sd-web' }));
    const { tasks = [] } = taskArns.length ? await ecs.send(new DescribeTasksCommand({ tasks: taskArns })) : {};
    return tasks.find((t) => t.lastStatus === 'RUNNING');
  }, 'a RUNNING task');
  const hostPort = task.containers![0]!.networkBindings![0]!.hostPort;
  const taskId = task.taskArn!.split('/').at(-1)!;
  await eventually(async () => {
    const { data } = await dig('web.ecs.local', 'SRV');
    return (data as { port: number; target: string }[]).find((d) => d.port === hostPort && d.target === `${taskId}.web.ecs.local`);
  }, 'the task answered by SRV');
  const registered = await sd.send(new GetInstanceCommand({ ServiceId: Service!.Id, InstanceId: taskId }));
  assert.equal(registered.Instance?.Attributes?.ECS_SERVICE_NAME, 'sd-web');
  assert.deepEqual((await ecs.send(new ListServicesByNamespaceCommand({ namespace: 'ecs.local' }))).serviceArns?.map((a) => a.split('/').at(-1)), ['sd-web']);

  await ecs.send(new StopTaskCommand({ task: task.taskArn! }));
  await eventually(async () => ((await dig('web.ecs.local', 'SRV')).data.some((d) => (d as { target: string }).target.startsWith(taskId)) ? undefined : true), 'the stopped task gone');
  await ecs.send(new DeleteEcsServiceCommand({ service: 'sd-web', force: true }));
});
