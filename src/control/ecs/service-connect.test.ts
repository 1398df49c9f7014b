// serviceConnectConfiguration on CreateService and UpdateService: checked against the Cloud Map namespace
// (the service's or the cluster's default), the task definition's named port mappings and ECS's field rules;
// a configuration that passes is kept and shown; each task's proxy gets the namespace's client aliases and the
// endpoints ECS registered in Cloud Map for each discovery name.
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import type { ServiceConnectConfiguration } from '@aws-sdk/client-ecs';
import type { TaskRecord } from '../../core/ecs.js';
import { reconcileRegistrations } from '../servicediscovery/ecs-registrations.js';
import { createHttpNamespace } from '../servicediscovery/namespaces.js';
import { createService } from './create-service.js';
import { fixture, populated, putInstance, type Fixture } from './fixtures.js';
import { listServicesByNamespace } from './list-services-by-namespace.js';
import { registerTaskDefinition } from './register-task-definition.js';
import { describeTasks } from './describe-tasks.js';
import { tasksByService } from './indexes.js';
import { ingressPorts, serviceConnectAssignment, serviceConnectAttachment, serviceConnectContainerName } from './service-connect.js';
import { ServiceController } from './service-controller.js';
import { submitContainerStateChange } from './submit-container-state-change.js';
import { updateCluster } from './update-cluster.js';
import { updateService } from './update-service.js';

let f: Fixture;

beforeEach(async () => {
  f = await fixture();
  await populated(f);
  await createHttpNamespace(f.ctx, { Name: 'internal' });
  await registerTaskDefinition(f.ctx, {
    family: 'api',
    containerDefinitions: [
      { name: 'app', image: 'x', memory: 32, portMappings: [{ containerPort: 8080, name: 'http', appProtocol: 'http' }, { containerPort: 5432, name: 'pg' }] },
    ],
  }, f.call);
});

const create = (serviceConnectConfiguration: ServiceConnectConfiguration, serviceName = 'api') =>
  createService(f.ctx, { serviceName, taskDefinition: 'api', desiredCount: 0, serviceConnectConfiguration }, f.call);

test('a configuration naming a namespace and a named port is kept', async () => {
  const config: ServiceConnectConfiguration = {
    enabled: true,
    namespace: 'internal',
    services: [{ portName: 'http', discoveryName: 'api', clientAliases: [{ port: 80, dnsName: 'api.internal' }], ingressPortOverride: 18080, timeout: { idleTimeoutSeconds: 60, perRequestTimeoutSeconds: 5 } }],
    logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': 'sc', 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': 'sc' } },
  };
  const { service } = await create(config);
  assert.deepEqual(service!.deployments![0]!.serviceConnectConfiguration, config);
  assert.deepEqual((await listServicesByNamespace(f.ctx, { namespace: 'internal' })).serviceArns, [service!.serviceArn]);
});

test("the cluster's default namespace serves a configuration without one; with neither, InvalidParameterException", async () => {
  await assert.rejects(create({ enabled: true, services: [{ portName: 'http' }] }), { name: 'InvalidParameterException', message: /namespace/ });
  await updateCluster(f.ctx, { cluster: 'default', serviceConnectDefaults: { namespace: 'internal' } });
  const { service } = await create({ enabled: true, services: [{ portName: 'http' }] });
  assert.equal(service!.deployments![0]!.serviceConnectConfiguration!.namespace, 'internal');
  assert.deepEqual((await listServicesByNamespace(f.ctx, { namespace: 'internal' })).serviceArns, [service!.serviceArn]);
});

test("ECS's refusals, each leaving no service behind", async () => {
  const refused: [ServiceConnectConfiguration, string, RegExp][] = [
    [{ enabled: true, namespace: 'nowhere' }, 'NamespaceNotFoundException', /Namespace not found/],
    [{ enabled: true, namespace: 'internal', services: [{ portName: 'grpc' }] }, 'InvalidParameterException', /portName grpc/],
    [{ enabled: true, namespace: 'internal', services: [{ portName: 'http', discoveryName: '-api' }] }, 'InvalidParameterException', /discoveryName/],
    [{ enabled: true, namespace: 'internal', services: [{ portName: 'http', discoveryName: 'API' }] }, 'InvalidParameterException', /discoveryName/],
    [{ enabled: true, namespace: 'internal', services: [{ portName: 'http' }, { portName: 'pg', discoveryName: 'http' }] }, 'InvalidParameterException', /more than one/],
    [{ enabled: true, namespace: 'internal', services: [{ portName: 'http', clientAliases: [{ port: 80 }, { port: 81 }] }] }, 'InvalidParameterException', /at most 1/],
    [{ enabled: true, namespace: 'internal', services: [{ portName: 'http', clientAliases: [{ port: 0 }] }] }, 'InvalidParameterException', /port/],
    [{ enabled: true, namespace: 'internal', services: [{ portName: 'http', clientAliases: [{ port: 80, dnsName: 'Bad Name' }] }] }, 'InvalidParameterException', /dnsName/],
    [{ enabled: true, namespace: 'internal', services: [{ portName: 'http', ingressPortOverride: 70000 }] }, 'InvalidParameterException', /ingressPortOverride/],
    [{ enabled: true, namespace: 'internal', services: [{ portName: 'pg', timeout: { perRequestTimeoutSeconds: 5 } }] }, 'InvalidParameterException', /TCP/],
    [{ enabled: true, namespace: 'internal', accessLogConfiguration: { format: 'TEXT' } }, 'InvalidParameterException', /logConfiguration/],
    [{ enabled: true, namespace: 'internal', services: [{ portName: 'http', tls: { issuerCertificateAuthority: { awsPcaAuthorityArn: 'arn:aws:acm-pca:us-east-1:000000000000:certificate-authority/x' } } }] }, 'InvalidParameterException', /Private CA/],
  ];
  for (const [config, name, message] of refused) await assert.rejects(create(config), { name, message }, JSON.stringify(config));
  assert.deepEqual([...f.ctx.state.all('service')], []);
});

test('UpdateService checks the configuration against the task definition it deploys', async () => {
  await create({ enabled: true, namespace: 'internal', services: [{ portName: 'http' }] });
  await registerTaskDefinition(f.ctx, { family: 'api', containerDefinitions: [{ name: 'app', image: 'x', memory: 32, portMappings: [{ containerPort: 8080 }] }] }, f.call);
  await assert.rejects(updateService(f.ctx, { service: 'api', taskDefinition: 'api:2' }), { name: 'InvalidParameterException', message: /portName http/ });
  await assert.rejects(updateService(f.ctx, { service: 'api', serviceConnectConfiguration: { enabled: true, namespace: 'nowhere' } }), { name: 'NamespaceNotFoundException' });
  const { service } = await updateService(f.ctx, { service: 'api', serviceConnectConfiguration: { enabled: false } });
  assert.deepEqual(service!.deployments![0]!.serviceConnectConfiguration, { enabled: false });
});

test("a task's proxy: every client alias of the namespace, each to the running tasks registered under its discovery name", async () => {
  const { service: api } = await create({ enabled: true, namespace: 'internal', services: [{ portName: 'http', discoveryName: 'api', clientAliases: [{ port: 80, dnsName: 'api.internal' }] }, { portName: 'pg', clientAliases: [{ port: 5432 }] }] });
  const { service: client } = await create({ enabled: true, namespace: 'internal' }, 'client');
  const task = (id: string, group: string, address: string) =>
    ({ taskArn: `arn:aws:ecs:us-east-1:123456789012:task/default/${id}`, clusterArn: api!.clusterArn, group, taskDefinitionArn: api!.taskDefinition, lastStatus: 'RUNNING', desiredStatus: 'RUNNING', containers: [], tags: [], version: 1,
      attachments: [{ id: 'x', type: 'ElasticNetworkInterface', status: 'ATTACHED', details: [{ name: 'privateIPv4Address', value: address }] }] }) as unknown as TaskRecord;
  await f.ctx.state.mutate((tx) => {
    tx.put('task', 'a1', task('a1', 'service:api', '10.0.1.5'));
    tx.put('task', 'a2', { ...task('a2', 'service:api', '10.0.1.6'), desiredStatus: 'STOPPED' });
    const c1 = task('c1', 'service:client', '10.0.1.7');
    tx.put('task', 'c1', { ...c1, attachments: [serviceConnectAttachment('y', 'ecs-service-connect-AbC12'), ...c1.attachments!] });
  });
  await reconcileRegistrations(f.ctx, api!.serviceArn!);
  const sdServices = [...f.ctx.state.all('sdService')];
  assert.deepEqual(sdServices.map((s) => [s.Name, s.Type, s.tags]).sort(), [['api', 'HTTP', [{ Key: 'AmazonECSManaged', Value: 'true' }]], ['pg', 'HTTP', [{ Key: 'AmazonECSManaged', Value: 'true' }]]]);
  const id = (name: string) => sdServices.find((s) => s.Name === name)!.Id;
  const proxy = serviceConnectAssignment(f.ctx.state, f.ctx.state.get('task', 'c1')!);
  assert.deepEqual(proxy, {
    containerName: 'ecs-service-connect-AbC12',
    listeners: [
      { dnsName: 'api.internal', port: 80, serviceId: id('api'), discoveryName: 'api', mode: 'http', idleTimeoutSeconds: 300 },
      // No dnsName: ECS's default, the discovery name in the namespace; TCP without an appProtocol (an hour idle, as ECS).
      { dnsName: 'pg.internal', port: 5432, serviceId: id('pg'), discoveryName: 'pg', mode: 'tcp', idleTimeoutSeconds: 3600 },
    ],
    endpoints: { [id('api')]: [{ id: 'a1', address: '10.0.1.5', port: 8080 }], [id('pg')]: [{ id: 'a1', address: '10.0.1.5', port: 5432 }] },
    ingress: [],
  });
  assert.equal(client!.serviceName, 'client');
  await updateService(f.ctx, { service: 'client', serviceConnectConfiguration: { enabled: false } });
  assert.equal(serviceConnectAssignment(f.ctx.state, f.ctx.state.get('task', 'c1')!), undefined, 'Service Connect off: no proxy');
});

test("a service's tasks list ECS's Service Connect container first, named for the deployment, with the agent's status and runtime id", async () => {
  assert.match(serviceConnectContainerName('ecs-svc/1870513641342596493'), /^ecs-service-connect-[0-9A-Za-z]{5}$/);
  assert.equal(serviceConnectContainerName('ecs-svc/1870513641342596493'), serviceConnectContainerName('ecs-svc/1870513641342596493'));
  assert.notEqual(serviceConnectContainerName('ecs-svc/1870513641342596493'), serviceConnectContainerName('ecs-svc/1870513641342596494'));
  const { service: api } = await createService(f.ctx, { serviceName: 'api', taskDefinition: 'api', desiredCount: 2, serviceConnectConfiguration: { enabled: true, namespace: 'internal', services: [{ portName: 'http' }] } }, f.call);
  const { service: plain } = await createService(f.ctx, { serviceName: 'plain', taskDefinition: 'api', desiredCount: 1 }, f.call);
  await putInstance(f.ctx, f.ctx.state.get('cluster', api!.clusterArn!)!, 'connected');
  const controller = new ServiceController(f.ctx);
  await controller.reconcile(api!.serviceArn!);
  await controller.reconcile(plain!.serviceArn!);
  const name = serviceConnectContainerName(api!.deployments![0]!.id!);
  const tasks = f.ctx.state.where(tasksByService, api!.serviceArn!);
  assert.equal(tasks.length, 2);
  for (const t of tasks) {
    assert.deepEqual(t.containers.map((c) => [c.name, c.lastStatus, c.essential]), [[name, 'PENDING', true], ['app', 'PENDING', true]]);
    assert.deepEqual(t.attachments!.map((a) => [a.type, a.status, a.details]), [['ServiceConnect', 'ATTACHED', [{ name: 'ContainerName', value: name }]]]);
    assert.equal(serviceConnectAssignment(f.ctx.state, t)!.containerName, name);
  }
  const [plainTask] = f.ctx.state.where(tasksByService, plain!.serviceArn!);
  assert.deepEqual(plainTask!.containers.map((c) => c.name), ['app'], 'no proxy without Service Connect');
  assert.deepEqual(plainTask!.attachments, []);

  await submitContainerStateChange(f.ctx, { task: tasks[0]!.taskArn, containerName: name, status: 'RUNNING', runtimeId: 'd0c1e2' });
  const { tasks: [described] = [] } = await describeTasks(f.ctx, { tasks: [tasks[0]!.taskArn] });
  assert.deepEqual(described!.containers!.map((c) => [c.name, c.lastStatus, c.runtimeId]), [[name, 'RUNNING', 'd0c1e2'], ['app', 'PENDING', undefined]]);
});

test("the server side: each task's proxy has an ingress listener per services entry, with its timeouts, and Cloud Map reaches the task through it", async () => {
  await registerTaskDefinition(f.ctx, {
    family: 'shop', networkMode: 'awsvpc',
    containerDefinitions: [{ name: 'app', image: 'x', memory: 32, portMappings: [{ containerPort: 8080, name: 'http', appProtocol: 'http' }, { containerPort: 15000, name: 'pg' }] }],
  }, f.call);
  const config: ServiceConnectConfiguration = {
    enabled: true, namespace: 'internal',
    services: [{ portName: 'http', discoveryName: 'web', timeout: { idleTimeoutSeconds: 60, perRequestTimeoutSeconds: 5 } }, { portName: 'pg', discoveryName: 'db', ingressPortOverride: 6432 }],
  };
  const definition = f.ctx.state.get('taskDefinition', 'arn:aws:ecs:us-east-1:123456789012:task-definition/shop:1')!;
  // The proxy's own port skips the task's ports (15000 is pg's).
  assert.deepEqual(ingressPorts(config, definition).map((p) => [p.entry.discoveryName, p.port, p.interceptPort]), [['web', 15001, 8080], ['db', 6432, undefined]]);
  const bridge = { ...definition, networkMode: 'bridge' as const };
  assert.deepEqual(ingressPorts(config, bridge).map((p) => [p.port, p.interceptPort]), [[15001, undefined], [6432, undefined]]);

  await f.ctx.state.mutate((tx) => tx.put('service', 'arn:aws:ecs:us-east-1:123456789012:service/default/web', {
    serviceArn: 'arn:aws:ecs:us-east-1:123456789012:service/default/web', serviceName: 'web', clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/default', status: 'ACTIVE',
    taskDefinition: definition.taskDefinitionArn, serviceConnectConfiguration: config, deploymentConfiguration: {}, tags: [], events: [], deployments: [],
  } as never));
  const task = { taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/default/w1', clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/default', group: 'service:web', taskDefinitionArn: definition.taskDefinitionArn,
    lastStatus: 'RUNNING', desiredStatus: 'RUNNING', tags: [], version: 1, containers: [],
    attachments: [serviceConnectAttachment('y', 'ecs-service-connect-AbC12'), { id: 'x', type: 'ElasticNetworkInterface', status: 'ATTACHED', details: [{ name: 'privateIPv4Address', value: '10.0.1.9' }] }] } as unknown as TaskRecord;
  await f.ctx.state.mutate((tx) => tx.put('task', task.taskArn, task));
  assert.deepEqual(serviceConnectAssignment(f.ctx.state, task)!.ingress, [
    { discoveryName: 'web', mode: 'http', port: 15001, interceptPort: 8080, target: { address: '127.0.0.1', port: 8080 }, idleTimeoutSeconds: 60, perRequestTimeoutSeconds: 5 },
    { discoveryName: 'db', mode: 'tcp', port: 6432, target: { address: '127.0.0.1', port: 15000 }, idleTimeoutSeconds: 3600 },
  ]);
  await reconcileRegistrations(f.ctx, 'arn:aws:ecs:us-east-1:123456789012:service/default/web');
  const registered = (name: string) => {
    const sd = [...f.ctx.state.all('sdService')].find((s) => s.Name === name)!;
    return [...f.ctx.state.all('sdInstance')].filter((i) => i.ServiceId === sd.Id).map((i) => `${i.Attributes.AWS_INSTANCE_IPV4}:${i.Attributes.AWS_INSTANCE_PORT}`);
  };
  // awsvpc: at the container port the proxy intercepts, or at ingressPortOverride.
  assert.deepEqual(registered('web'), ['10.0.1.9:8080']);
  assert.deepEqual(registered('db'), ['10.0.1.9:6432']);

  // bridge: at the host port the proxy's ingress listener is published on, which forwards to the task's own host port.
  await f.ctx.state.mutate((tx) => tx.put('taskDefinition', definition.taskDefinitionArn, bridge as never));
  const instance = { ...[...f.ctx.state.all('containerInstance')][0]!, privateIpv4Address: '172.31.9.9' };
  await f.ctx.state.mutate((tx) => tx.put('containerInstance', instance.containerInstanceArn, instance));
  const bridged = { ...task, attachments: [task.attachments![0]!], containerInstanceArn: instance.containerInstanceArn,
    containers: [
      { name: 'ecs-service-connect-AbC12', networkBindings: [{ bindIP: '0.0.0.0', containerPort: 15001, hostPort: 32801, protocol: 'tcp' }, { bindIP: '0.0.0.0', containerPort: 6432, hostPort: 32802, protocol: 'tcp' }] },
      { name: 'app', networkBindings: [{ bindIP: '0.0.0.0', containerPort: 8080, hostPort: 32768, protocol: 'tcp' }] },
    ] } as unknown as TaskRecord;
  await f.ctx.state.mutate((tx) => tx.put('task', task.taskArn, bridged));
  await reconcileRegistrations(f.ctx, 'arn:aws:ecs:us-east-1:123456789012:service/default/web');
  assert.deepEqual(registered('web'), ['172.31.9.9:32801']);
  assert.deepEqual(serviceConnectAssignment(f.ctx.state, bridged)!.ingress[0]!.target, { address: '172.31.9.9', port: 32768 });
  assert.equal(serviceConnectAssignment(f.ctx.state, bridged)!.ingress[1]!.target, undefined, "pg's port not published yet: no target");
});
