import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import type { ClusterRecord, ContainerInstanceRecord } from '../../core/ecs.js';
import { registeredResources } from '../../scheduler/resources.js';
import { assignmentsFor } from './assignments.js';
import { ensureDefaultVpc } from '../ec2/vpcs.js';
import { settleTasks } from './task-settlement.js';
import { describeClusters } from './describe-clusters.js';
import { IMAGE, fixture, putCluster, putInstance, type Fixture } from './fixtures.js';
import { listContainerInstances } from './list-container-instances.js';
import { registerTaskDefinition } from './register-task-definition.js';
import { runTask } from './run-task.js';
import { interruptSpotTasks, selectSpotTasks } from './spot-interruptions.js';
import { createService } from './create-service.js';
import { createTaskSet } from './task-sets.js';
import { ServiceController } from './service-controller.js';
import { tasksByService } from './indexes.js';
import { updateService } from './update-service.js';
import { submitTaskStateChange } from './submit-task-state-change.js';
import { networkInterfacesBySubnet, networkInterfacesByTask } from '../ec2/indexes.js';

let f: Fixture;
let cluster: ClusterRecord;
let host: ContainerInstanceRecord;
let subnet: string;

const rejects = (p: Promise<unknown>, code: string, message?: string | RegExp) =>
  assert.rejects(p, (err: Error & { code?: string }) => {
    assert.equal(err.code, code);
    if (typeof message === 'string') assert.equal(err.message, message);
    else if (message) assert.match(err.message, message);
    return true;
  });

const fargateDefinition = (over: Record<string, unknown> = {}) =>
  registerTaskDefinition(
    f.ctx,
    {
      family: 'web',
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: '256',
      memory: '512',
      containerDefinitions: [{ name: 'app', image: IMAGE, portMappings: [{ containerPort: 80 }] }],
      ...over,
    },
    f.call,
  );

const network = (subnets = [subnet], securityGroups?: string[]) => ({ awsvpcConfiguration: { subnets, ...(securityGroups && { securityGroups }) } });

beforeEach(async () => {
  f = await fixture();
  cluster = await putCluster(f.ctx);
  await ensureDefaultVpc(f.ctx);
  subnet = [...f.ctx.state.all('subnet')].find((s) => s.AvailabilityZone === 'us-east-1b')!.SubnetId;
  // A managed host in another cluster: Fargate capacity is the pool's, whatever cluster its agent joined.
  host = await putInstance(f.ctx, await putCluster(f.ctx, 'pool'), 'host1', { memoryMiB: 2048 });
  await f.ctx.state.mutate((tx) => tx.put('containerInstance', host.containerInstanceArn, { ...host, managedCapacity: true }));
});

describe('RunTask with the FARGATE launch type', () => {
  test('runs on managed capacity, with its own interface in the subnet, as ECS shows a Fargate task', async () => {
    await fargateDefinition();
    const { tasks = [], failures } = await runTask(f.ctx, { taskDefinition: 'web', launchType: 'FARGATE', networkConfiguration: network() });
    assert.deepEqual(failures, []);
    const task = tasks[0]!;
    assert.equal(task.containerInstanceArn, undefined, 'no instance the user can see');
    assert.equal(f.ctx.state.get('task', task.taskArn!)!.managedHostArn, host.containerInstanceArn);
    assert.deepEqual(
      [task.launchType, task.platformVersion, task.platformFamily, task.lastStatus, task.cpu, task.memory, task.availabilityZone],
      ['FARGATE', '1.4.0', 'Linux', 'PROVISIONING', '256', '512', 'us-east-1b'],
    );
    assert.deepEqual(task.ephemeralStorage, { sizeInGiB: 20 });
    const [attachment] = task.attachments!;
    assert.equal(attachment!.type, 'ElasticNetworkInterface');
    assert.equal(attachment!.status, 'PRECREATED');
    assert.match(attachment!.id!, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const details = Object.fromEntries(attachment!.details!.map((d) => [d.name, d.value]));
    assert.deepEqual(Object.keys(details), ['subnetId', 'networkInterfaceId', 'macAddress', 'privateDnsName', 'privateIPv4Address']);
    assert.equal(details.subnetId, subnet);
    assert.equal(details.privateIPv4Address, '172.31.16.4', 'the first address after the four EC2 reserves');
    assert.equal(details.privateDnsName, 'ip-172-31-16-4.ec2.internal');
    assert.match(details.macAddress!, /^0a(:[0-9a-f]{2}){5}$/);
    assert.deepEqual(task.containers![0]!.networkInterfaces, [{ attachmentId: attachment!.id, privateIpv4Address: '172.31.16.4' }]);
    const eni = f.ctx.state.get('networkInterface', details.networkInterfaceId!)!;
    assert.equal(eni.Groups[0]!.GroupName, 'default', 'no groups given: the VPC default group');

    // The managed host's agent is assigned the task, with its network; the user's counts stay free of it.
    const [assigned] = assignmentsFor(f.ctx.state, host.containerInstanceArn);
    assert.equal(assigned!.launchType, 'FARGATE');
    assert.equal(assigned!.network!.privateIpv4Address, '172.31.16.4');
    assert.equal(assigned!.network!.gateway, '172.31.16.1');
    assert.deepEqual(assigned!.network!.ingress, [{ protocol: 'all', peers: ['172.31.16.4/32'] }], 'default group: its members');
    const { containerInstanceArns } = await listContainerInstances(f.ctx, {});
    assert.deepEqual(containerInstanceArns, []);
    const { clusters = [] } = await describeClusters(f.ctx, { clusters: ['default'] });
    assert.deepEqual([clusters[0]!.registeredContainerInstancesCount, clusters[0]!.pendingTasksCount], [0, 1]);
  });

  test('two tasks get two addresses; the host fills up and Fargate says it has no capacity', async () => {
    await fargateDefinition({ cpu: '1024', memory: '2048' });
    const { tasks = [], failures = [] } = await runTask(f.ctx, { taskDefinition: 'web', launchType: 'FARGATE', count: 3, networkConfiguration: network() });
    // The host has 2048 CPU units and 2048 MiB: one 1 vCPU / 2 GiB task fits.
    assert.equal(tasks.length, 1);
    assert.deepEqual(failures, [{ reason: 'Capacity is unavailable at this time. Please try again later or in a different availability zone' }]);
    await fargateDefinition({ family: 'small' });
    const more = await runTask(f.ctx, { taskDefinition: 'small', launchType: 'FARGATE', networkConfiguration: network() });
    assert.deepEqual(more.failures, [{ reason: 'Capacity is unavailable at this time. Please try again later or in a different availability zone' }]);
  });

  test("refusals, with ECS's errors", async () => {
    await fargateDefinition();
    await registerTaskDefinition(f.ctx, { family: 'bridge', containerDefinitions: [{ name: 'app', image: IMAGE, memory: 64 }] }, f.call);
    const run = (over: Record<string, unknown>) => runTask(f.ctx, { taskDefinition: 'web', launchType: 'FARGATE', networkConfiguration: network(), ...over });
    await rejects(run({ taskDefinition: 'bridge', networkConfiguration: undefined }), 'InvalidParameterException', 'Task definition does not support launch_type FARGATE.');
    await rejects(run({ networkConfiguration: undefined }), 'InvalidParameterException', "Network Configuration must be provided when networkMode 'awsvpc' is specified.");
    await rejects(run({ overrides: { cpu: '256', memory: '4096' } }), 'InvalidParameterException', /^No Fargate configuration exists for given values: 256 CPU, 4096 memory/);
    await rejects(run({ platformVersion: '1.3.0' }), 'InvalidParameterException', /platform does not exist/);
    await rejects(run({ networkConfiguration: network(['subnet-0000']) }), 'InvalidParameterException',
      "Error retrieving subnet information for [subnet-0000]: The subnet ID 'subnet-0000' does not exist (ErrorCode: InvalidSubnetID.NotFound)");
    await rejects(run({ networkConfiguration: network([subnet], ['sg-0000']) }), 'InvalidParameterException',
      "Error retrieving security group information for [sg-0000]: The security group 'sg-0000' does not exist (ErrorCode: InvalidGroup.NotFound)");
    await rejects(run({ networkConfiguration: network([]) }), 'InvalidParameterException', 'subnets can not be empty.');
    await rejects(run({ placementStrategy: [{ type: 'random' }] }), 'InvalidParameterException', /not supported with the FARGATE launch type/);
    // LATEST is the platform Wharf has.
    const { tasks = [] } = await run({ platformVersion: 'LATEST' });
    assert.equal(tasks[0]!.platformVersion, '1.4.0');
  });

  test('the FARGATE capacity provider, once the cluster has it', async () => {
    await fargateDefinition();
    const strategy = [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }];
    await rejects(runTask(f.ctx, { taskDefinition: 'web', capacityProviderStrategy: strategy, networkConfiguration: network() }), 'InvalidParameterException',
      /not associated with the cluster/);
    await f.ctx.state.mutate((tx) => tx.put('cluster', cluster.clusterArn, { ...cluster, capacityProviders: ['FARGATE', 'FARGATE_SPOT'] }));
    const { tasks = [] } = await runTask(f.ctx, { taskDefinition: 'web', capacityProviderStrategy: strategy, networkConfiguration: network() });
    assert.deepEqual([tasks[0]!.launchType, tasks[0]!.capacityProviderName], ['FARGATE', 'FARGATE_SPOT']);
  });

  test('a strategy splits tasks across FARGATE and FARGATE_SPOT by base and weight; bad strategies refused', async () => {
    await fargateDefinition();
    await f.ctx.state.mutate((tx) => tx.put('containerInstance', host.containerInstanceArn, { ...host, managedCapacity: true, registeredResources: registeredResources({ cores: 16, memoryMiB: 65536 }) }));
    await f.ctx.state.mutate((tx) => tx.put('cluster', cluster.clusterArn, { ...cluster, capacityProviders: ['FARGATE', 'FARGATE_SPOT'] }));
    const strategy = [{ capacityProvider: 'FARGATE', base: 2, weight: 1 }, { capacityProvider: 'FARGATE_SPOT', weight: 3 }];
    const { tasks = [] } = await runTask(f.ctx, { taskDefinition: 'web', count: 10, capacityProviderStrategy: strategy, networkConfiguration: network() });
    const on = (name: string) => tasks.filter((t) => t.capacityProviderName === name).length;
    assert.deepEqual([on('FARGATE'), on('FARGATE_SPOT')], [4, 6]);
    await rejects(runTask(f.ctx, { taskDefinition: 'web', launchType: 'FARGATE', capacityProviderStrategy: strategy, networkConfiguration: network() }), 'InvalidParameterException',
      'Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.');
    const zero = [{ capacityProvider: 'FARGATE' }, { capacityProvider: 'FARGATE_SPOT' }];
    await rejects(runTask(f.ctx, { taskDefinition: 'web', capacityProviderStrategy: zero, networkConfiguration: network() }), 'InvalidParameterException', /no capacity providers with a weight value greater than zero/);
    await rejects(runTask(f.ctx, { taskDefinition: 'web', capacityProviderStrategy: [...strategy, { capacityProvider: 'FARGATE', weight: 1 }], networkConfiguration: network() }),
      'InvalidParameterException', /same capacity provider more than once/);
    // The cluster's default strategy, when the request names neither.
    await f.ctx.state.mutate((tx) => tx.put('cluster', cluster.clusterArn, { ...tx.get('cluster', cluster.clusterArn)!, defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }] }));
    const byDefault = await runTask(f.ctx, { taskDefinition: 'web', networkConfiguration: network() });
    assert.equal(byDefault.tasks![0]!.capacityProviderName, 'FARGATE_SPOT');
  });

  test('a service on capacity providers: split as it grows, shown with its strategy (no launch type), the strategy changed in place', async () => {
    await fargateDefinition();
    await f.ctx.state.mutate((tx) => tx.put('containerInstance', host.containerInstanceArn, { ...host, managedCapacity: true, registeredResources: registeredResources({ cores: 16, memoryMiB: 65536 }) }));
    await f.ctx.state.mutate((tx) => tx.put('cluster', cluster.clusterArn, { ...cluster, capacityProviders: ['FARGATE', 'FARGATE_SPOT'] }));
    const controller = new ServiceController(f.ctx);
    const strategy = [{ capacityProvider: 'FARGATE', base: 1, weight: 1 }, { capacityProvider: 'FARGATE_SPOT', weight: 1 }];
    const { service } = await createService(f.ctx, { serviceName: 'api', taskDefinition: 'web', desiredCount: 5, capacityProviderStrategy: strategy, networkConfiguration: network() }, f.call);
    assert.equal(service!.launchType, undefined);
    assert.deepEqual(service!.capacityProviderStrategy, strategy);
    assert.deepEqual(service!.deployments![0]!.capacityProviderStrategy, strategy);
    await controller.reconcile(service!.serviceArn!);
    const providers = () => f.ctx.state.where(tasksByService, service!.serviceArn!).filter((t) => t.desiredStatus !== 'STOPPED').map((t) => t.capacityProviderName).sort();
    assert.deepEqual(providers(), ['FARGATE', 'FARGATE', 'FARGATE', 'FARGATE_SPOT', 'FARGATE_SPOT']);

    const spotOnly = [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }];
    const updated = await updateService(f.ctx, { service: 'api', capacityProviderStrategy: spotOnly, desiredCount: 7 });
    assert.deepEqual(updated.service!.capacityProviderStrategy, spotOnly);
    assert.equal(updated.service!.deployments!.length, 1, 'a new strategy starts no deployment');
    await controller.reconcile(service!.serviceArn!);
    assert.deepEqual(providers().filter((p) => p === 'FARGATE_SPOT').length, 4);

    await rejects(createService(f.ctx, { serviceName: 'x', taskDefinition: 'web', desiredCount: 1, launchType: 'FARGATE', capacityProviderStrategy: strategy, networkConfiguration: network() }, f.call),
      'InvalidParameterException', /both a launch type and capacity provider strategy/);
    await rejects(createService(f.ctx, { serviceName: 'x', taskDefinition: 'web', desiredCount: 1, capacityProviderStrategy: [{ capacityProvider: 'my-asg', weight: 1 }], networkConfiguration: network() }, f.call),
      'InvalidParameterException', /not associated with the cluster/);
  });

  test("an EXTERNAL service's task sets run where each says: a FARGATE task set on managed capacity, a capacity provider strategy split by it", async () => {
    await fargateDefinition();
    await f.ctx.state.mutate((tx) => tx.put('containerInstance', host.containerInstanceArn, { ...host, managedCapacity: true, registeredResources: registeredResources({ cores: 16, memoryMiB: 65536 }) }));
    await f.ctx.state.mutate((tx) => tx.put('cluster', cluster.clusterArn, { ...cluster, capacityProviders: ['FARGATE', 'FARGATE_SPOT'] }));
    const controller = new ServiceController(f.ctx);
    const { service } = await createService(f.ctx, { serviceName: 'ext', desiredCount: 2, deploymentController: { type: 'EXTERNAL' } }, f.call);
    const at = { cluster: 'default', service: 'ext', taskDefinition: 'web', networkConfiguration: network() };
    const { taskSet: onFargate } = await createTaskSet(f.ctx, { ...at, launchType: 'FARGATE', platformVersion: '1.4.0' });
    const { taskSet: onSpot } = await createTaskSet(f.ctx, { ...at, capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }] });
    assert.deepEqual([onFargate!.launchType, onFargate!.platformVersion, onSpot!.launchType, onSpot!.capacityProviderStrategy], ['FARGATE', '1.4.0', undefined, [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }]]);
    await rejects(createTaskSet(f.ctx, { ...at, launchType: 'FARGATE', capacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }] }), 'InvalidParameterException', /both a launch type and capacity provider strategy/);
    await controller.reconcile(service!.serviceArn!);
    const tasks = f.ctx.state.where(tasksByService, service!.serviceArn!);
    const by = (id: string) => tasks.filter((t) => t.startedBy === id).map((t) => [t.launchType, t.capacityProviderName]);
    assert.deepEqual([by(onFargate!.id!), by(onSpot!.id!)], [[['FARGATE', undefined], ['FARGATE', undefined]], [['FARGATE', 'FARGATE_SPOT'], ['FARGATE', 'FARGATE_SPOT']]]);
  });

  test('a spot interruption stops the task with SpotInterruption and its service replaces it by its strategy', async () => {
    await fargateDefinition();
    await f.ctx.state.mutate((tx) => tx.put('containerInstance', host.containerInstanceArn, { ...host, managedCapacity: true, registeredResources: registeredResources({ cores: 16, memoryMiB: 65536 }) }));
    await f.ctx.state.mutate((tx) => tx.put('cluster', cluster.clusterArn, { ...cluster, capacityProviders: ['FARGATE', 'FARGATE_SPOT'] }));
    const controller = new ServiceController(f.ctx);
    const strategy = [{ capacityProvider: 'FARGATE', base: 1 }, { capacityProvider: 'FARGATE_SPOT', weight: 1 }];
    const { service } = await createService(f.ctx, { serviceName: 'batch', taskDefinition: 'web', desiredCount: 3, capacityProviderStrategy: strategy, networkConfiguration: network() }, f.call);
    await controller.reconcile(service!.serviceArn!);
    const live = () => f.ctx.state.where(tasksByService, service!.serviceArn!).filter((t) => t.desiredStatus !== 'STOPPED');
    for (const t of live()) await submitTaskStateChange(f.ctx, { task: t.taskArn, status: 'RUNNING' });

    const interrupted = await interruptSpotTasks(f.ctx, selectSpotTasks({ count: 1 }));
    assert.equal(interrupted.length, 1);
    const task = f.ctx.state.get('task', interrupted[0]!)!;
    assert.deepEqual([task.desiredStatus, task.stopCode, task.stoppedReason, task.capacityProviderName], ['STOPPED', 'SpotInterruption', 'Your Spot Task was interrupted.', 'FARGATE_SPOT']);
    await submitTaskStateChange(f.ctx, { task: task.taskArn, status: 'STOPPED' });
    await controller.reconcile(service!.serviceArn!);
    assert.deepEqual(live().map((t) => t.capacityProviderName).sort(), ['FARGATE', 'FARGATE_SPOT', 'FARGATE_SPOT'], 'the base on FARGATE stays; spot replaced on spot');
    // FARGATE tasks are never interrupted.
    assert.deepEqual(await interruptSpotTasks(f.ctx, (candidates) => candidates.filter((t) => t.capacityProviderName === 'FARGATE')), []);
  });

  test('a subnet without a free address fails the task at once, as ECS does, and holds nothing', async () => {
    await fargateDefinition();
    // A /28 has 16 addresses, 11 of them usable; the host has room for more tasks than that.
    await f.ctx.state.mutate((tx) => {
      const s = tx.get('subnet', subnet)!;
      tx.put('subnet', subnet, { ...s, CidrBlock: '172.31.16.0/28' });
      tx.put('containerInstance', host.containerInstanceArn, { ...host, managedCapacity: true, registeredResources: registeredResources({ cores: 16, memoryMiB: 65536 }) });
    });
    for (let i = 0; i < 11; i++) await runTask(f.ctx, { taskDefinition: 'web', launchType: 'FARGATE', networkConfiguration: network() });
    const { tasks = [] } = await runTask(f.ctx, { taskDefinition: 'web', launchType: 'FARGATE', networkConfiguration: network() });
    const task = tasks[0]!;
    assert.deepEqual([task.lastStatus, task.desiredStatus, task.stopCode], ['STOPPED', 'STOPPED', 'TaskFailedToStart']);
    assert.match(task.stoppedReason!, /InsufficientFreeAddressesInSubnet/);
    assert.equal(f.ctx.state.where(networkInterfacesBySubnet, subnet).length, 11);
  });
});

describe('settlement of Fargate tasks', () => {
  test('the interface is attached when the task runs, deleted once it stops; usage is recorded as AWS bills it', async () => {
    await fargateDefinition({ cpu: '512', memory: '1024' });
    const { tasks = [] } = await runTask(f.ctx, { taskDefinition: 'web', launchType: 'FARGATE', networkConfiguration: network() });
    const taskArn = tasks[0]!.taskArn!;
    const pullStartedAt = f.ctx.clock.now();
    await submitTaskStateChange(f.ctx, { task: taskArn, status: 'RUNNING', pullStartedAt, pullStoppedAt: pullStartedAt });
    assert.equal(f.ctx.state.get('task', taskArn)!.attachments![0]!.status, 'ATTACHED', 'attached with the report that it runs');
    assert.equal(await settleTasks(f.ctx), 0, 'nothing left to settle while it runs');

    f.advance(12_300); // ran 12.3 s: billed the one-minute minimum
    await submitTaskStateChange(f.ctx, { task: taskArn, status: 'STOPPED', containers: [{ containerName: 'app', status: 'STOPPED', exitCode: 0 }] });
    await settleTasks(f.ctx);
    const stopped = f.ctx.state.get('task', taskArn)!;
    assert.equal(stopped.attachments![0]!.status, 'DELETED');
    assert.equal(f.ctx.state.where(networkInterfacesByTask, taskArn).length, 0);
    const usage = f.ctx.state.get('usage', taskArn)!;
    assert.deepEqual(
      [usage.launchType, usage.billedSeconds, usage.vcpu, usage.memoryGB, usage.extraEphemeralStorageGB],
      ['FARGATE', 60, 0.5, 1, 0],
    );
    assert.deepEqual(usage.billingStartedAt, pullStartedAt);
    assert.equal(await settleTasks(f.ctx), 0, 'settled once');
  });
});

describe('RegisterTaskDefinition for Fargate', () => {
  const register = (over: Record<string, unknown>) => fargateDefinition(over);

  test('compatibilities as ECS computes them', async () => {
    const { taskDefinition } = await register({});
    assert.deepEqual(taskDefinition!.compatibilities, ['EC2', 'FARGATE']);
    const bridge = await registerTaskDefinition(f.ctx, { family: 'b', containerDefinitions: [{ name: 'app', image: IMAGE, memory: 64 }] }, f.call);
    assert.deepEqual(bridge.taskDefinition!.compatibilities, ['EXTERNAL', 'EC2']);
  });

  test("each refusal with ECS's ClientException", async () => {
    await rejects(register({ networkMode: 'bridge' }), 'ClientException', "Fargate only supports network mode 'awsvpc'.");
    await rejects(register({ networkMode: 'host' }), 'ClientException', "Fargate only supports network mode 'awsvpc'.");
    await rejects(register({ cpu: undefined, containerDefinitions: [{ name: 'app', image: IMAGE, memory: 64 }] }), 'ClientException',
      "Fargate requires that 'cpu' be defined at the task level.");
    for (const [cpu, memory] of [['256', '4096'], ['512', '512'], ['8192', '18432'], ['16384', '36864'], ['4096', '31744']]) {
      await rejects(register({ cpu, memory }), 'ClientException', new RegExp(`^No Fargate configuration exists for given values: ${cpu} CPU, ${memory} memory`));
    }
    for (const [cpu, memory] of [['256', '2048'], ['512', '4096'], ['2048', '16384'], ['4096', '30720'], ['8192', '20480'], ['16384', '122880'], ['1 vCPU', '2 GB']]) {
      await register({ cpu, memory });
    }
    await rejects(register({ containerDefinitions: [{ name: 'app', image: IMAGE, privileged: true }] }), 'ClientException', 'Fargate compatible task definitions do not support privileged');
    // Nothing that reaches the host or widens the kernel's reach: Fargate refuses each, ECS says which.
    const app = (extra: object) => ({ containerDefinitions: [{ name: 'app', image: IMAGE, ...extra }] });
    for (const [extra, parameter] of [
      [{ linuxParameters: { devices: [{ hostPath: '/dev/mem' }] } }, 'devices'],
      [{ linuxParameters: { sharedMemorySize: 64 } }, 'sharedMemorySize'],
      [{ linuxParameters: { tmpfs: [{ containerPath: '/t', size: 64 }] } }, 'tmpfs'],
      [{ dockerSecurityOptions: ['apparmor:unconfined'] }, 'dockerSecurityOptions'],
    ] as const) {
      await rejects(register(app(extra)), 'ClientException', `Fargate compatible task definitions do not support ${parameter}`);
    }
    await rejects(register(app({ linuxParameters: { capabilities: { add: ['SYS_PTRACE', 'SYS_ADMIN'] } } })), 'ClientException', /only support adding the SYS_PTRACE capability, not 'SYS_ADMIN'/);
    await register(app({ linuxParameters: { capabilities: { add: ['SYS_PTRACE'], drop: ['NET_RAW'] }, initProcessEnabled: true } }));
    await rejects(register({ containerDefinitions: [{ name: 'app', image: IMAGE, stopTimeout: 121 }] }), 'ClientException', /'stopTimeout' cannot be greater than 120 seconds/);
    await register({ containerDefinitions: [{ name: 'app', image: IMAGE, stopTimeout: 120 }] });
    await rejects(register({ volumes: [{ name: 'v', host: { sourcePath: '/tmp' } }] }), 'ClientException', 'Fargate compatible task definitions do not support sourcePath');
    await rejects(register({ ephemeralStorage: { sizeInGiB: 20 } }), 'ClientException', /between 21 and 200 GiB/);
    await rejects(register({ ephemeralStorage: { sizeInGiB: 201 } }), 'ClientException', /between 21 and 200 GiB/);
    const { taskDefinition } = await register({ ephemeralStorage: { sizeInGiB: 21 } });
    assert.deepEqual(taskDefinition!.ephemeralStorage, { sizeInGiB: 21 });
  });
});
