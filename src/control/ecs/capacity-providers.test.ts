// Auto Scaling group capacity providers over the real EC2, Auto Scaling and ECS records and controllers
// (state on SQLite in memory, a manual clock). Agents are played by the test: each running EC2 instance of
// the group registers a container instance of its type's size, and tasks stop when the test says.
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { containerInstanceArn } from '../../core/arn.js';
import type { ContainerInstanceRecord } from '../../core/ecs.js';
import { applyTaskReport } from '../../core/task-lifecycle.js';
import { registeredResources } from '../../scheduler/resources.js';
import { createAutoScalingGroup } from '../autoscaling/create-auto-scaling-group.js';
import { describePolicies } from '../autoscaling/describe-policies.js';
import { groupController } from '../autoscaling/group-controller.js';
import { createLaunchTemplate } from '../ec2/launch-templates.js';
import { instanceController } from '../ec2/instance-controller.js';
import { ensureDefaultVpc } from '../ec2/vpcs.js';
import { createCapacityProvider, deleteCapacityProvider, updateCapacityProvider } from './capacity-providers.js';
import { describeCapacityProviders } from './describe-capacity-providers.js';
import { fixture, putCluster, putTaskDefinition, type Fixture } from './fixtures.js';
import { runManagedScaling } from './managed-scaling.js';
import { putClusterCapacityProviders } from './put-cluster-capacity-providers.js';
import { runTask } from './run-task.js';

let f: Fixture;
beforeEach(async () => {
  f = await fixture();
  await ensureDefaultVpc(f.ctx);
  await createLaunchTemplate(f.ctx, { LaunchTemplateName: 'hosts', LaunchTemplateData: { ImageId: 'ami-0123456789abcdef0', InstanceType: 't3.small' } }, f.call);
  await createAutoScalingGroup(f.ctx, {
    AutoScalingGroupName: 'hosts',
    LaunchTemplate: { LaunchTemplateName: 'hosts' },
    MinSize: 0,
    MaxSize: 10,
    DesiredCapacity: 0,
    AvailabilityZones: ['us-east-1a', 'us-east-1b'],
    NewInstancesProtectedFromScaleIn: true,
  });
  await putCluster(f.ctx, 'cp');
  await putTaskDefinition(f.ctx, 'web', [{ name: 'app', image: 'busybox', cpu: 512, memory: 512 }]);
});

const rejects = (p: Promise<unknown>, code: string, message?: RegExp) =>
  assert.rejects(p, (err: Error & { code?: string }) => {
    assert.equal(err.code, code);
    if (message) assert.match(err.message, message);
    return true;
  });

const provider = (extra: Record<string, unknown> = {}) =>
  createCapacityProvider(f.ctx, {
    name: 'hosts',
    autoScalingGroupProvider: { autoScalingGroupArn: 'hosts', managedScaling: { status: 'ENABLED', targetCapacity: 100 }, managedTerminationProtection: 'ENABLED', ...extra },
  });

/** The test's agents: each running instance of the group registers, sized as a t3.small (2 vCPUs, 2 GiB). */
async function registerAgents(): Promise<void> {
  await f.ctx.state.mutate((tx) => {
    const known = new Set([...f.ctx.state.all('containerInstance')].map((c) => c.ec2InstanceId));
    for (const i of f.ctx.state.all('instance')) {
      if (i.State.Name !== 'running' || known.has(i.InstanceId)) continue;
      const record: ContainerInstanceRecord = {
        containerInstanceArn: containerInstanceArn(f.ctx.partition, 'cp', i.InstanceId.slice(2)),
        clusterArn: [...f.ctx.state.all('cluster')].find((c) => c.clusterName === 'cp')!.clusterArn,
        ec2InstanceId: i.InstanceId,
        status: 'ACTIVE',
        agentConnected: true,
        registeredResources: registeredResources({ cores: 2, memoryMiB: 2048 }),
        attributes: [{ name: 'ecs.availability-zone', value: i.Placement.AvailabilityZone }],
        tags: [],
        version: 1,
      };
      tx.put('containerInstance', record.containerInstanceArn, record);
    }
  });
}

/** Runs EC2's, Auto Scaling's and ECS's managed scaling controllers, agents registering, until all settles. */
async function settle(rounds = 80): Promise<void> {
  const stop = new AbortController();
  const runs = [instanceController(f.ctx, stop.signal), groupController(f.ctx, stop.signal), runManagedScaling(f.ctx, stop.signal, 0)];
  for (let i = 0; i < rounds; i++) {
    await new Promise((r) => setImmediate(r));
    if (i % 10 === 0) await registerAgents();
    f.advance(200);
  }
  stop.abort();
  await Promise.all(runs);
}

const group = () => f.ctx.state.get('autoScalingGroup', 'hosts')!;
const tasks = () => [...f.ctx.state.all('task')];
const stopTasks = (keep: number) =>
  f.ctx.state.mutate((tx) => {
    for (const t of tasks().slice(keep)) tx.put('task', t.taskArn, applyTaskReport({ ...t, desiredStatus: 'STOPPED' }, { status: 'STOPPED' }, f.ctx.clock.now()));
  });

test("providers are checked as ECS checks them, and a cluster's strategy may name them", async () => {
  await rejects(provider({ autoScalingGroupArn: 'nope' }), 'ClientException', /does not exist/);
  await rejects(createCapacityProvider(f.ctx, { name: 'ecs-hosts', autoScalingGroupProvider: { autoScalingGroupArn: 'hosts' } }), 'InvalidParameterException', /cannot begin with/);
  await rejects(provider({ managedScaling: { status: 'ENABLED', targetCapacity: 0 } }), 'InvalidParameterException', /target capacity/);
  await rejects(provider({ managedScaling: { status: 'DISABLED' } }), 'InvalidParameterException', /managed scaling must also be enabled/);
  const created = (await provider()).capacityProvider!;
  assert.equal(created.type, 'EC2_AUTOSCALING');
  assert.deepEqual(created.autoScalingGroupProvider!.managedScaling, { status: 'ENABLED', targetCapacity: 100, minimumScalingStepSize: 1, maximumScalingStepSize: 10000, instanceWarmupPeriod: 300 });
  assert.equal(created.autoScalingGroupProvider!.managedDraining, 'ENABLED');
  assert.ok(group().lifecycleHooks.some((h) => h.LifecycleHookName === 'ecs-managed-draining-termination-hook'));
  await rejects(provider(), 'ClientException', /already exists/);
  const described = await describeCapacityProviders(f.ctx, {});
  assert.deepEqual(described.capacityProviders!.map((p) => p.name), ['FARGATE', 'FARGATE_SPOT', 'hosts']);

  await rejects(putClusterCapacityProviders(f.ctx, { cluster: 'cp', capacityProviders: ['other'], defaultCapacityProviderStrategy: [] }), 'InvalidParameterException', /does not exist/);
  await putClusterCapacityProviders(f.ctx, { cluster: 'cp', capacityProviders: ['hosts', 'FARGATE'], defaultCapacityProviderStrategy: [{ capacityProvider: 'hosts', weight: 1 }] });
  await rejects(deleteCapacityProvider(f.ctx, { capacityProvider: 'hosts' }), 'ClientException', /in use/);
  await rejects(deleteCapacityProvider(f.ctx, { capacityProvider: 'FARGATE' }), 'InvalidParameterException', /reserved/);
  const mixed = [{ capacityProvider: 'hosts', weight: 1 }, { capacityProvider: 'FARGATE', weight: 1 }];
  await rejects(runTask(f.ctx, { cluster: 'cp', taskDefinition: 'web', capacityProviderStrategy: mixed }), 'InvalidParameterException', /mix of capacity providers/);
  await rejects(runTask(f.ctx, { cluster: 'cp', taskDefinition: 'web', launchType: 'EC2', capacityProviderStrategy: [{ capacityProvider: 'hosts' }] }), 'InvalidParameterException', /both a launch type and capacity provider strategy/);
  const updated = (await updateCapacityProvider(f.ctx, { name: 'hosts', autoScalingGroupProvider: { managedDraining: 'DISABLED', managedScaling: { targetCapacity: 80 } } })).capacityProvider!;
  assert.equal(updated.autoScalingGroupProvider!.managedScaling!.targetCapacity, 80);
  assert.ok(!group().lifecycleHooks.some((h) => h.LifecycleHookName === 'ecs-managed-draining-termination-hook'));
  await putClusterCapacityProviders(f.ctx, { cluster: 'cp', capacityProviders: [], defaultCapacityProviderStrategy: [] });
  assert.equal((await deleteCapacityProvider(f.ctx, { capacityProvider: 'hosts' })).capacityProvider!.status, 'INACTIVE');
});

test('tasks wait in PROVISIONING, the group scales out from zero, they run, and it scales back to zero', async () => {
  await provider();
  await putClusterCapacityProviders(f.ctx, { cluster: 'cp', capacityProviders: ['hosts'], defaultCapacityProviderStrategy: [{ capacityProvider: 'hosts', weight: 1 }] });
  const run = await runTask(f.ctx, { cluster: 'cp', taskDefinition: 'web', count: 6 });
  assert.equal(run.failures!.length, 0);
  assert.ok(run.tasks!.every((t) => t.lastStatus === 'PROVISIONING' && t.containerInstanceArn === undefined && t.capacityProviderName === 'hosts'));
  await settle();
  // Four 512/512 tasks fit a t3.small: six need two instances.
  assert.equal(group().DesiredCapacity, 2);
  assert.match(group().capacityCause, /a monitor alarm TargetTracking-hosts-AlarmHigh-[0-9a-f-]{36} in state ALARM triggered policy ECSManagedAutoScalingPolicy-[0-9a-f-]{36} changing the desired capacity from 0 to 2/);
  // ECS's policy on the group and its two alarms, as records.
  const { ScalingPolicies = [] } = describePolicies(f.ctx, { AutoScalingGroupName: 'hosts' });
  assert.equal(ScalingPolicies.length, 1);
  const [policy] = ScalingPolicies;
  assert.match(policy!.PolicyName!, /^ECSManagedAutoScalingPolicy-[0-9a-f-]{36}$/);
  assert.deepEqual([policy!.PolicyType, policy!.EstimatedInstanceWarmup, policy!.TargetTrackingConfiguration!.TargetValue], ['TargetTrackingScaling', 300, 100]);
  assert.deepEqual(policy!.TargetTrackingConfiguration!.CustomizedMetricSpecification!.Dimensions, [{ Name: 'CapacityProviderName', Value: 'hosts' }, { Name: 'ClusterName', Value: 'cp' }]);
  const alarms = [...f.ctx.state.all('metricAlarm')];
  assert.deepEqual(alarms.map((a) => a.AlarmName).sort(), policy!.Alarms!.map((a) => a.AlarmName).sort());
  assert.deepEqual(alarms.map((a) => [a.MetricName, a.AlarmActions]), [['CapacityProviderReservation', [policy!.PolicyARN]], ['CapacityProviderReservation', [policy!.PolicyARN]]]);
  assert.ok(tasks().every((t) => t.lastStatus === 'PENDING' && t.containerInstanceArn !== undefined));
  assert.ok(group().Instances.every((i) => i.LifecycleState === 'InService' && i.ProtectedFromScaleIn));

  // Managed termination protection: the instance still running a task stays; the idle one goes.
  const busy = tasks()[0]!.containerInstanceArn!;
  await f.ctx.state.mutate((tx) => {
    for (const t of tasks()) if (t.containerInstanceArn !== busy) tx.put('task', t.taskArn, applyTaskReport({ ...t, desiredStatus: 'STOPPED' }, { status: 'STOPPED' }, f.ctx.clock.now()));
  });
  await settle();
  const kept = f.ctx.state.get('containerInstance', busy)!.ec2InstanceId;
  assert.equal(group().DesiredCapacity, 1);
  assert.deepEqual(group().Instances.map((i) => i.InstanceId), [kept]);

  await stopTasks(0);
  await settle();
  assert.equal(group().DesiredCapacity, 0);
  assert.equal(group().Instances.length, 0);
  assert.ok([...f.ctx.state.all('instance')].every((i) => i.State.Name === 'terminated'));

  // Off the cluster, the provider's policy and alarms go.
  await putClusterCapacityProviders(f.ctx, { cluster: 'cp', capacityProviders: [], defaultCapacityProviderStrategy: [] });
  await settle(10);
  assert.deepEqual(describePolicies(f.ctx, {}).ScalingPolicies, []);
  assert.deepEqual([...f.ctx.state.all('metricAlarm')], []);
});

test('instanceWarmupPeriod: a scale-out step of one waits until the instance launched before it is warm', async () => {
  await createCapacityProvider(f.ctx, {
    name: 'hosts',
    autoScalingGroupProvider: { autoScalingGroupArn: 'hosts', managedScaling: { status: 'ENABLED', targetCapacity: 100, maximumScalingStepSize: 1, instanceWarmupPeriod: 60 } },
  });
  await putClusterCapacityProviders(f.ctx, { cluster: 'cp', capacityProviders: ['hosts'], defaultCapacityProviderStrategy: [{ capacityProvider: 'hosts', weight: 1 }] });
  // Twelve 512/512 tasks need three t3.small instances; one step at a time.
  await runTask(f.ctx, { cluster: 'cp', taskDefinition: 'web', count: 10 });
  await runTask(f.ctx, { cluster: 'cp', taskDefinition: 'web', count: 2 });
  await settle(); // 16 s of the clock
  assert.equal(group().DesiredCapacity, 1, 'the first instance is still warming up');
  f.advance(60_000);
  await settle();
  assert.equal(group().DesiredCapacity, 2);
  f.advance(60_000);
  await settle();
  assert.equal(group().DesiredCapacity, 3);
  assert.ok(tasks().every((t) => t.lastStatus === 'PENDING'));
});

test('awsvpc tasks wait in PROVISIONING for capacity too, and get their interface where they are placed', async () => {
  await provider();
  await putClusterCapacityProviders(f.ctx, { cluster: 'cp', capacityProviders: ['hosts'], defaultCapacityProviderStrategy: [{ capacityProvider: 'hosts', weight: 1 }] });
  await putTaskDefinition(f.ctx, 'vpc-web', [{ name: 'app', image: 'busybox', cpu: 512, memory: 512 }], { networkMode: 'awsvpc' });
  const subnets = [...f.ctx.state.all('subnet')].map((s) => s.SubnetId);
  const run = await runTask(f.ctx, { cluster: 'cp', taskDefinition: 'vpc-web', count: 2, networkConfiguration: { awsvpcConfiguration: { subnets } } });
  assert.deepEqual(run.failures, []);
  assert.ok(run.tasks!.every((t) => t.lastStatus === 'PROVISIONING' && t.containerInstanceArn === undefined && t.attachments!.length === 0));
  assert.equal([...f.ctx.state.all('networkInterface')].length, 0, 'no interface while waiting');
  await settle();
  assert.equal(group().DesiredCapacity, 1);
  for (const task of tasks()) {
    assert.ok(task.containerInstanceArn);
    assert.equal(task.awsvpcConfiguration, undefined);
    const [attachment] = task.attachments!;
    assert.equal(attachment!.type, 'ElasticNetworkInterface');
    const eni = attachment!.details!.find((d) => d.name === 'networkInterfaceId')!.value!;
    assert.equal(f.ctx.state.get('networkInterface', eni)!.AvailabilityZone, task.availabilityZone);
  }
});
