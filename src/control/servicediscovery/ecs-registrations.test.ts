import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ServiceRecord, TaskDefinitionRecord, TaskRecord } from '../../core/ecs.js';
import { fixture } from '../ecs/fixtures.js';
import { checkServiceRegistries, reconcileRegistrations } from './ecs-registrations.js';
import { createPrivateDnsNamespace } from './namespaces.js';
import { createService } from './services.js';

/** A fixture with a private DNS namespace, and a way to make Cloud Map services (registries) in it with one record type. */
async function namespaceFixture() {
  const { ctx } = await fixture();
  await ctx.state.mutate((tx) => tx.put('vpc', 'vpc-1', { VpcId: 'vpc-1' } as never));
  await createPrivateDnsNamespace(ctx, { Name: 'corp.local', Vpc: 'vpc-1' });
  const NamespaceId = [...ctx.state.all('sdNamespace')][0]!.Id;
  const registry = async (Name: string, Type: 'A' | 'SRV') => (await createService(ctx, { Name, NamespaceId, DnsConfig: { DnsRecords: [{ Type, TTL: 10 }] } })).Service;
  return { ctx, registry };
}

test('an ECS service registers its running tasks (awsvpc by ENI address, bridge by its instance address and host port) and deregisters stopped ones', async () => {
  const { ctx, registry } = await namespaceFixture();
  const a = await registry('api', 'A');
  const srv = await registry('web', 'SRV');
  const clusterArn = 'arn:aws:ecs:us-east-1:123456789012:cluster/default';
  const service = (name: string, registryArn: string, extra: object = {}) =>
    ({ serviceArn: `arn:aws:ecs:us-east-1:123456789012:service/default/${name}`, serviceName: name, clusterArn, status: 'ACTIVE', desiredCount: 1, serviceRegistries: [{ registryArn, ...extra }] }) as unknown as ServiceRecord;
  const task = (id: string, group: string, over: Partial<TaskRecord>) =>
    ({ taskArn: `arn:aws:ecs:us-east-1:123456789012:task/default/${id}`, clusterArn, group, taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/fam:3', lastStatus: 'RUNNING', desiredStatus: 'RUNNING', containers: [], tags: [], version: 1, availabilityZone: 'us-east-1a', ...over }) as TaskRecord;
  const apiService = service('api', a.Arn, { port: 8080 });
  const webService = service('web', srv.Arn, { containerName: 'web', containerPort: 80 });
  const eni = [{ id: 'x', type: 'ElasticNetworkInterface', status: 'ATTACHED', details: [{ name: 'privateIPv4Address', value: '10.0.1.5' }] }];
  const bindings = [{ containerArn: 'c', taskArn: 't', name: 'web', lastStatus: 'RUNNING', essential: true, healthCheck: false, networkBindings: [{ containerPort: 80, hostPort: 32768, bindIP: '0.0.0.0' }] }];
  await ctx.state.mutate((tx) => {
    tx.put('service', apiService.serviceArn, apiService);
    tx.put('service', webService.serviceArn, webService);
    tx.put('task', 'a1', task('a1', 'service:api', { attachments: eni } as never));
    tx.put('task', 'w1', task('w1', 'service:web', { containers: bindings, containerInstanceArn: 'ci-1' } as never));
    tx.put('task', 'w2', task('w2', 'service:web', { containers: bindings, lastStatus: 'PENDING' } as never));
  });
  await ctx.state.mutate((tx) => tx.put('containerInstance', 'ci-1', { containerInstanceArn: 'ci-1', privateIpv4Address: '192.0.2.2' } as never));
  await reconcileRegistrations(ctx, apiService.serviceArn);
  await reconcileRegistrations(ctx, webService.serviceArn);
  const instances = [...ctx.state.all('sdInstance')];
  assert.deepEqual(instances.map((i) => [i.Id, i.Attributes.AWS_INSTANCE_IPV4, i.Attributes.AWS_INSTANCE_PORT]).sort(), [['a1', '10.0.1.5', '8080'], ['w1', '192.0.2.2', '32768']]);
  assert.deepEqual(
    { ...instances.find((i) => i.Id === 'a1')!.Attributes },
    { ECS_CLUSTER_NAME: 'default', ECS_SERVICE_NAME: 'api', ECS_TASK_DEFINITION_FAMILY: 'fam', AVAILABILITY_ZONE: 'us-east-1a', REGION: 'us-east-1', AWS_INSTANCE_IPV4: '10.0.1.5', AWS_INSTANCE_PORT: '8080' },
  );
  await ctx.state.mutate((tx) => tx.put('task', 'a1', { ...tx.get('task', 'a1')!, desiredStatus: 'STOPPED' }));
  await reconcileRegistrations(ctx, apiService.serviceArn);
  assert.deepEqual([...ctx.state.all('sdInstance')].map((i) => i.Id), ['w1']);
  await ctx.state.mutate((tx) => tx.put('service', webService.serviceArn, { ...webService, status: 'INACTIVE' }));
  await reconcileRegistrations(ctx, webService.serviceArn);
  assert.deepEqual([...ctx.state.all('sdInstance')], []);
});

test("a task set's tasks are registered in the task set's registries, other task sets' tasks are not", async () => {
  const { ctx, registry } = await namespaceFixture();
  const green = await registry('green', 'A');
  const clusterArn = 'arn:aws:ecs:us-east-1:123456789012:cluster/default';
  const serviceArn = 'arn:aws:ecs:us-east-1:123456789012:service/default/app';
  const taskSets = [{ id: 'ecs-svc/1', serviceRegistries: [] }, { id: 'ecs-svc/2', serviceRegistries: [{ registryArn: green.Arn, port: 8080 }] }];
  const service = { serviceArn, serviceName: 'app', clusterArn, status: 'ACTIVE', desiredCount: 2, serviceRegistries: [], deploymentController: { type: 'EXTERNAL' }, taskSets } as unknown as ServiceRecord;
  const task = (id: string, startedBy: string, address: string) =>
    ({ taskArn: `arn:aws:ecs:us-east-1:123456789012:task/default/${id}`, clusterArn, group: 'service:app', startedBy, taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/fam:3', lastStatus: 'RUNNING', desiredStatus: 'RUNNING', containers: [], tags: [], version: 1, attachments: [{ id: id, type: 'ElasticNetworkInterface', status: 'ATTACHED', details: [{ name: 'privateIPv4Address', value: address }] }] }) as unknown as TaskRecord;
  await ctx.state.mutate((tx) => {
    tx.put('service', serviceArn, service);
    tx.put('task', 'blue1', task('blue1', 'ecs-svc/1', '10.0.1.5'));
    tx.put('task', 'green1', task('green1', 'ecs-svc/2', '10.0.1.6'));
  });
  await reconcileRegistrations(ctx, serviceArn);
  assert.deepEqual([...ctx.state.all('sdInstance')].map((i) => [i.ServiceId, i.Id, i.Attributes.AWS_INSTANCE_IPV4, i.Attributes.AWS_INSTANCE_PORT]), [[green.Id, 'green1', '10.0.1.6', '8080']]);
  // The task set goes: its tasks leave its registry.
  await ctx.state.mutate((tx) => tx.put('service', serviceArn, { ...service, taskSets: taskSets.slice(0, 1) } as ServiceRecord));
  await reconcileRegistrations(ctx, serviceArn);
  assert.deepEqual([...ctx.state.all('sdInstance')], []);
});

test("serviceRegistries are checked as ECS checks them: port or container, not both; no port for an awsvpc task's A-only registry", async () => {
  const { ctx, registry } = await namespaceFixture();
  const a = await registry('a', 'A');
  const srv = await registry('srv', 'SRV');
  const awsvpc = { networkMode: 'awsvpc' } as TaskDefinitionRecord;
  const bridge = { networkMode: 'bridge' } as TaskDefinitionRecord;
  const refused = (registry: object, definition: TaskDefinitionRecord, message: RegExp) =>
    assert.throws(() => checkServiceRegistries(ctx.state, [registry], definition), (e: Error & { code?: string }) => e.code === 'InvalidParameterException' && message.test(e.message));
  refused({ registryArn: srv.Arn, port: 80, containerName: 'web', containerPort: 80 }, awsvpc, /either 'port' or the 'containerName' and 'containerPort' combination, but not both/);
  refused({ registryArn: a.Arn, containerName: 'web', containerPort: 80 }, awsvpc, /do not require a value for 'containerPort'/);
  refused({ registryArn: a.Arn, port: 80 }, awsvpc, /do not require a value for 'port'/);
  for (const [registry, definition] of [[{ registryArn: a.Arn }, awsvpc], [{ registryArn: srv.Arn, port: 80 }, awsvpc], [{ registryArn: srv.Arn, containerName: 'web', containerPort: 80 }, bridge]] as const)
    checkServiceRegistries(ctx.state, [registry], definition);
});
