// Answers checked against AWS's, through the real `wharf up` and the real SDK clients: every operation of
// ECS's model is served (none is an unknown operation, none a server fault), each finds its parent first
// (a missing cluster is ClusterNotFoundException), members AWS leaves out are left out, and defaults are
// the documented ones.
import * as ECS from '@aws-sdk/client-ecs';
import { CreateTargetGroupCommand, DeleteTargetGroupCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { startWharf, type WharfProcess } from './wharf-process.js';

interface Shape {
  type: string;
  members?: Record<string, { shape: string }>;
  required?: string[];
}
const model = JSON.parse(readFileSync(new URL('../../models/ecs.json', import.meta.url), 'utf8')) as {
  operations: Record<string, { input: { shape: string } }>;
  shapes: Record<string, Shape>;
};

let wharf: WharfProcess;
let ecs: ECS.ECSClient;

before(async () => {
  wharf = await startWharf();
  ecs = wharf.ecs();
});

after(async () => {
  await wharf?.stop();
});

/** The smallest input the model accepts, naming cluster `cluster` wherever the operation takes one. */
function minimalInput(operation: string, cluster: string): Record<string, unknown> {
  const shape = model.shapes[model.operations[operation]!.input.shape]!;
  const input: Record<string, unknown> = {};
  for (const name of ['cluster', 'clusterArn']) if (shape.members?.[name]) input[name] = cluster;
  for (const name of shape.required ?? []) {
    if (name in input) continue;
    const type = model.shapes[shape.members![name]!.shape]!.type;
    input[name] = type === 'list' ? ['x'] : type === 'boolean' ? true : type === 'integer' ? 1 : type === 'structure' ? {} : 'x';
  }
  return input;
}

async function send(operation: string, input: object): Promise<{ name?: string; status?: number }> {
  const Command = (ECS as unknown as Record<string, new (input: object) => Parameters<ECS.ECSClient['send']>[0]>)[`${operation}Command`]!;
  try {
    await ecs.send(new Command(input));
    return {};
  } catch (err) {
    const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode };
  }
}

test('every ECS operation is served: a client error at most, never an unknown operation or a server fault', async () => {
  const unserved: string[] = [];
  for (const operation of Object.keys(model.operations)) {
    const { name, status } = await send(operation, minimalInput(operation, 'default'));
    if (name === 'UnknownOperationException' || (status ?? 0) >= 500) unserved.push(`${operation}: ${name} ${status}`);
  }
  assert.deepEqual(unserved, []);
});

test('a missing cluster is ClusterNotFoundException, for every operation whose cluster is all it names that exists', async () => {
  for (const operation of ['DeleteService', 'DescribeTasks', 'DescribeContainerInstances', 'DescribeServices', 'ListTasks', 'ListServices', 'ListContainerInstances', 'StopTask', 'UpdateService', 'DeleteCluster', 'GetTaskProtection', 'UpdateTaskProtection', 'DescribeCapacityProviders', 'ExecuteCommand', 'UpdateContainerAgent', 'DescribeTaskSets', 'CreateTaskSet']) {
    const { name } = await send(operation, minimalInput(operation, 'no-such-cluster'));
    assert.equal(name, 'ClusterNotFoundException', operation);
  }
});

test('members AWS omits are omitted: RegisterTaskDefinition without tags answers none', async () => {
  const out = await ecs.send(new ECS.RegisterTaskDefinitionCommand({ family: 'fidelity', containerDefinitions: [{ name: 'app', image: 'busybox', memory: 64 }] }));
  assert.equal(out.tags, undefined);
  const tagged = await ecs.send(new ECS.RegisterTaskDefinitionCommand({ family: 'fidelity', containerDefinitions: [{ name: 'app', image: 'busybox', memory: 64 }], tags: [{ key: 'k', value: 'v' }] }));
  assert.deepEqual(tagged.tags, [{ key: 'k', value: 'v' }]);
});

test('Fargate capacity providers are described; request members Wharf cannot honour are refused, not dropped', async () => {
  const { capacityProviders } = await ecs.send(new ECS.DescribeCapacityProvidersCommand({}));
  assert.deepEqual(capacityProviders!.map((p) => [p.name, p.status]), [['FARGATE', 'ACTIVE'], ['FARGATE_SPOT', 'ACTIVE']]);
  await assert.rejects(
    ecs.send(new ECS.CreateServiceCommand({ serviceName: 'sc', taskDefinition: 'fidelity', desiredCount: 0, serviceConnectConfiguration: { enabled: true, namespace: 'ns' } })),
    { name: 'NamespaceNotFoundException' },
  );
  await assert.rejects(
    ecs.send(new ECS.CreateServiceCommand({ serviceName: 'vl', taskDefinition: 'fidelity', desiredCount: 0, vpcLatticeConfigurations: [{ roleArn: 'arn:aws:iam::000000000000:role/r', targetGroupArn: 'arn:aws:vpc-lattice:us-east-1:000000000000:targetgroup/tg-1', portName: 'p' }] })),
    { name: 'UnsupportedFeatureException' },
  );
  const { service } = await ecs.send(new ECS.CreateServiceCommand({ serviceName: 'kept', taskDefinition: 'fidelity', desiredCount: 0, serviceConnectConfiguration: { enabled: false } }));
  assert.deepEqual(service!.deployments![0]!.serviceConnectConfiguration, { enabled: false });
});

test("an HTTP target group's health-check timeout defaults to 6 s, a TCP one's to 10 s (CreateTargetGroup's documentation)", async () => {
  const elb = new ElasticLoadBalancingV2Client({ endpoint: wharf.endpoint, region: 'us-east-1', credentials: wharf.credentials });
  const made: string[] = [];
  try {
    for (const [Protocol, timeout] of [['HTTP', 6], ['TCP', 10]] as const) {
      const { TargetGroups: [group] = [] } = await elb.send(new CreateTargetGroupCommand({ Name: `fidelity-${Protocol.toLowerCase()}`, Protocol, Port: 80, TargetType: 'ip' }));
      made.push(group!.TargetGroupArn!);
      assert.equal(group!.HealthCheckTimeoutSeconds, timeout, Protocol);
    }
  } finally {
    for (const arn of made) await elb.send(new DeleteTargetGroupCommand({ TargetGroupArn: arn }));
    elb.destroy();
  }
});
