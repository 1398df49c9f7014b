// ECS cluster auto scaling end to end, with the real server and the AWS SDK: a launch template whose user
// data names the cluster, an Auto Scaling group of zero instances, a capacity provider with managed scaling
// and managed termination protection, and a service of 6 tasks on it. The group scales out from zero, the
// tasks run on the new instances' agents, scaling in keeps the instance still running a task, and the group
// goes back to zero once the service is deleted. A Spot group's interrupted instance is drained by its agent
// (ECS_ENABLE_SPOT_INSTANCE_DRAINING), terminated at the end of its notice and replaced. Instances are hollow
// hosts (`wharf up --instances hollow`: real agents on a runtime that does not start containers), so the test
// measures the control plane's loop.
import {
  AutoScalingClient,
  CreateAutoScalingGroupCommand,
  DeleteAutoScalingGroupCommand,
  DescribeAutoScalingGroupsCommand,
  DeletePolicyCommand,
  DescribePoliciesCommand,
  DescribeScalingActivitiesCommand,
  ExecutePolicyCommand,
  PutScalingPolicyCommand,
  type AutoScalingGroup,
} from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient, DescribeAlarmsCommand, ListMetricsCommand, PutMetricAlarmCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { CreateLaunchTemplateCommand, DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  CreateCapacityProviderCommand,
  CreateClusterCommand,
  CreateServiceCommand,
  DeleteCapacityProviderCommand,
  DeleteServiceCommand,
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  ListContainerInstancesCommand,
  ListTasksCommand,
  DescribeTasksCommand,
  PutClusterCapacityProvidersCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  type ECSClient,
} from '@aws-sdk/client-ecs';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { eventually, startWharf, WHARF_BIN, type WharfProcess } from './wharf-process.js';

let wharf: WharfProcess;
let ecs: ECSClient;
let autoscaling: AutoScalingClient;

before(async () => {
  wharf = await startWharf({ args: ['--instances', 'hollow'], env: { WHARF_MANAGED_SCALE_IN_SECONDS: '2', WHARF_SPOT_NOTICE: '10s' } });
  ecs = wharf.ecs();
  const client = { endpoint: wharf.endpoint, region: 'us-east-1', credentials: wharf.credentials };
  autoscaling = new AutoScalingClient(client);
  const ec2 = new EC2Client(client);
  await ec2.send(new CreateLaunchTemplateCommand({
    LaunchTemplateName: 'capacity-hosts',
    LaunchTemplateData: { ImageId: 'ami-0123456789abcdef0', InstanceType: 't3.small', IamInstanceProfile: { Name: 'ecsInstanceRole' }, UserData: Buffer.from('ECS_CLUSTER=capacity\n').toString('base64') },
  }));
  await ecs.send(new CreateClusterCommand({ clusterName: 'capacity' }));
  await autoscaling.send(new CreateAutoScalingGroupCommand({
    AutoScalingGroupName: 'capacity-hosts',
    LaunchTemplate: { LaunchTemplateName: 'capacity-hosts', Version: '$Latest' },
    MinSize: 0,
    MaxSize: 4,
    DesiredCapacity: 0,
    AvailabilityZones: ['us-east-1a', 'us-east-1b'],
    NewInstancesProtectedFromScaleIn: true,
  }));
  await ecs.send(new CreateCapacityProviderCommand({
    name: 'capacity-hosts',
    autoScalingGroupProvider: {
      autoScalingGroupArn: 'capacity-hosts',
      managedScaling: { status: 'ENABLED', targetCapacity: 100 },
      managedTerminationProtection: 'ENABLED',
    },
  }));
  await ecs.send(new PutClusterCapacityProvidersCommand({
    cluster: 'capacity',
    capacityProviders: ['capacity-hosts'],
    defaultCapacityProviderStrategy: [{ capacityProvider: 'capacity-hosts', weight: 1 }],
  }));
});

after(async () => {
  await wharf?.stop();
});

const group = async (): Promise<AutoScalingGroup> =>
  (await autoscaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['capacity-hosts'] }))).AutoScalingGroups![0]!;
const service = async () => (await ecs.send(new DescribeServicesCommand({ cluster: 'capacity', services: ['web'] }))).services![0]!;

test('a service of 6 tasks scales its provider out from zero instances, keeps the busy one, and back to zero', { timeout: 300_000 }, async () => {
  const { taskDefinition } = await ecs.send(new RegisterTaskDefinitionCommand({
    family: 'capacity-web',
    containerDefinitions: [{ name: 'web', image: 'wharf-test/busybox:latest', cpu: 512, memory: 512, command: ['sleep', '3600'] }],
  }));
  await ecs.send(new CreateServiceCommand({
    cluster: 'capacity',
    serviceName: 'web',
    taskDefinition: taskDefinition!.taskDefinitionArn,
    desiredCount: 6,
    capacityProviderStrategy: [{ capacityProvider: 'capacity-hosts', weight: 1 }],
  }));

  // Four 512/512 tasks fit a t3.small (2 vCPUs, 2 GiB): the group goes from 0 to 2 instances.
  await eventually(async () => ((await service()).runningCount === 6 ? true : undefined), '6 tasks RUNNING', 180_000);
  const scaled = await group();
  assert.equal(scaled.DesiredCapacity, 2);
  assert.equal(scaled.Instances!.length, 2);
  assert.ok(scaled.Instances!.every((i) => i.LifecycleState === 'InService' && i.ProtectedFromScaleIn));
  const arns = (await ecs.send(new ListContainerInstancesCommand({ cluster: 'capacity' }))).containerInstanceArns!;
  const instances = (await ecs.send(new DescribeContainerInstancesCommand({ cluster: 'capacity', containerInstances: arns }))).containerInstances!;
  assert.deepEqual(instances.map((i) => i.ec2InstanceId).sort(), scaled.Instances!.map((i) => i.InstanceId).sort());
  assert.ok(instances.every((i) => i.capacityProviderName === 'capacity-hosts'));
  const { Activities } = await autoscaling.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: 'capacity-hosts' }));
  assert.ok(Activities!.some((a) => /changing the desired capacity from 0 to 2/.test(a.Cause!) && /^Launching a new EC2 instance: i-/.test(a.Description!)));
  const cloudwatch = new CloudWatchClient({ endpoint: wharf.endpoint, region: 'us-east-1', credentials: wharf.credentials });
  const { Metrics } = await cloudwatch.send(
    new ListMetricsCommand({ Namespace: 'AWS/ECS/ManagedScaling', MetricName: 'CapacityProviderReservation' }),
  );
  assert.deepEqual(Metrics![0]!.Dimensions!.map((d) => d.Value).sort(), ['capacity', 'capacity-hosts']);
  // ECS's target-tracking policy on the group, and its two alarms on CapacityProviderReservation.
  const { ScalingPolicies } = await autoscaling.send(new DescribePoliciesCommand({ AutoScalingGroupName: 'capacity-hosts' }));
  assert.equal(ScalingPolicies!.length, 1);
  assert.match(ScalingPolicies![0]!.PolicyName!, /^ECSManagedAutoScalingPolicy-[0-9a-f-]{36}$/);
  const { MetricAlarms } = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNamePrefix: 'TargetTracking-capacity-hosts-' }));
  assert.deepEqual(MetricAlarms!.map((a) => a.AlarmName).sort(), ScalingPolicies![0]!.Alarms!.map((a) => a.AlarmName).sort());
  assert.ok(MetricAlarms!.every((a) => a.MetricName === 'CapacityProviderReservation' && a.AlarmActions![0] === ScalingPolicies![0]!.PolicyARN));

  // Down to one task: managed scaling wants one instance, and termination protection keeps the one running it.
  await ecs.send(new UpdateServiceCommand({ cluster: 'capacity', service: 'web', desiredCount: 1 }));
  await eventually(async () => ((await group()).Instances!.length === 1 ? true : undefined), 'one instance left', 120_000);
  const taskArns = (await ecs.send(new ListTasksCommand({ cluster: 'capacity', desiredStatus: 'RUNNING' }))).taskArns!;
  const [task] = (await ecs.send(new DescribeTasksCommand({ cluster: 'capacity', tasks: taskArns }))).tasks!;
  const host = instances.find((i) => i.containerInstanceArn === task!.containerInstanceArn)!;
  assert.equal((await group()).Instances![0]!.InstanceId, host.ec2InstanceId);

  await ecs.send(new DeleteServiceCommand({ cluster: 'capacity', service: 'web', force: true }));
  await eventually(async () => {
    const g = await group();
    return g.DesiredCapacity === 0 && g.Instances!.length === 0 ? true : undefined;
  }, 'the group back to zero instances', 120_000);

  await ecs.send(new PutClusterCapacityProvidersCommand({ cluster: 'capacity', capacityProviders: [], defaultCapacityProviderStrategy: [] }));
  await ecs.send(new DeleteCapacityProviderCommand({ capacityProvider: 'capacity-hosts' }));
  // The policy and its alarms go with the provider.
  await eventually(async () => ((await autoscaling.send(new DescribePoliciesCommand({ AutoScalingGroupName: 'capacity-hosts' }))).ScalingPolicies!.length === 0 ? true : undefined), 'the policy removed');
  assert.deepEqual((await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNamePrefix: 'TargetTracking-capacity-hosts-' }))).MetricAlarms, []);
  await autoscaling.send(new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: 'capacity-hosts' }));
});

test('Spot instances of a mixed instances group: an interruption notice drains the container instance, its task moves, EC2 terminates it and the group replaces it', { timeout: 300_000 }, async () => {
  const client = { endpoint: wharf.endpoint, region: 'us-east-1', credentials: wharf.credentials };
  const ec2 = new EC2Client(client);
  await ec2.send(new CreateLaunchTemplateCommand({
    LaunchTemplateName: 'spot-hosts',
    LaunchTemplateData: {
      ImageId: 'ami-0123456789abcdef0',
      InstanceType: 't3.small',
      IamInstanceProfile: { Name: 'ecsInstanceRole' },
      UserData: Buffer.from('#!/bin/bash\ncat <<EOF >> /etc/ecs/ecs.config\nECS_CLUSTER=spot\nECS_ENABLE_SPOT_INSTANCE_DRAINING=true\nEOF\n').toString('base64'),
    },
  }));
  await ecs.send(new CreateClusterCommand({ clusterName: 'spot' }));
  await autoscaling.send(new CreateAutoScalingGroupCommand({
    AutoScalingGroupName: 'spot-hosts',
    MixedInstancesPolicy: {
      LaunchTemplate: { LaunchTemplateSpecification: { LaunchTemplateName: 'spot-hosts', Version: '$Latest' } },
      InstancesDistribution: { OnDemandBaseCapacity: 0, OnDemandPercentageAboveBaseCapacity: 0 },
    },
    MinSize: 2,
    MaxSize: 2,
    DesiredCapacity: 2,
    AvailabilityZones: ['us-east-1a', 'us-east-1b'],
  }));
  const containerInstances = async () => {
    const { containerInstanceArns = [] } = await ecs.send(new ListContainerInstancesCommand({ cluster: 'spot' }));
    return containerInstanceArns.length ? (await ecs.send(new DescribeContainerInstancesCommand({ cluster: 'spot', containerInstances: containerInstanceArns }))).containerInstances! : [];
  };
  await eventually(async () => ((await containerInstances()).length === 2 ? true : undefined), 'two Spot hosts registered', 60_000);
  const { taskDefinition } = await ecs.send(new RegisterTaskDefinitionCommand({
    family: 'spot-web',
    containerDefinitions: [{ name: 'web', image: 'wharf-test/busybox:latest', cpu: 256, memory: 256, command: ['sleep', '3600'] }],
  }));
  await ecs.send(new CreateServiceCommand({ cluster: 'spot', serviceName: 'web', taskDefinition: taskDefinition!.taskDefinitionArn, desiredCount: 1, launchType: 'EC2' }));
  const runningTask = async () => {
    const { taskArns = [] } = await ecs.send(new ListTasksCommand({ cluster: 'spot', desiredStatus: 'RUNNING' }));
    const tasks = taskArns.length ? (await ecs.send(new DescribeTasksCommand({ cluster: 'spot', tasks: taskArns }))).tasks! : [];
    return tasks.find((t) => t.lastStatus === 'RUNNING');
  };
  const task = await eventually(runningTask, 'the service task RUNNING', 60_000);
  const host = (await containerInstances()).find((c) => c.containerInstanceArn === task.containerInstanceArn)!;
  const instanceId = host.ec2InstanceId!;
  const instance = async () => (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }))).Reservations![0]!.Instances![0]!;
  assert.equal((await instance()).InstanceLifecycle, 'spot');

  // EC2's two-minute warning (WHARF_SPOT_NOTICE shortens it here): the agent drains its container instance.
  const printed = execFileSync(process.execPath, [WHARF_BIN, 'spot-interrupt', '--data-dir', wharf.dataDir, '--instance', instanceId]).toString().trim();
  assert.equal(printed, instanceId);
  await eventually(async () => ((await containerInstances()).find((c) => c.ec2InstanceId === instanceId)?.status === 'DRAINING' ? true : undefined), 'the interrupted host DRAINING', 30_000);
  assert.equal((await instance()).State!.Name, 'running', 'drained within the notice');
  const moved = await eventually(async () => {
    const t = await runningTask();
    return t && t.containerInstanceArn !== host.containerInstanceArn ? t : undefined;
  }, 'the service task replaced on the other host', 60_000);
  assert.notEqual(moved.taskArn, task.taskArn);

  // At the end of the notice EC2 terminates the instance; the group launches a replacement.
  await eventually(async () => ((await instance()).State!.Name === 'terminated' ? true : undefined), 'the Spot instance terminated', 60_000);
  assert.equal((await instance()).StateReason!.Code, 'Server.SpotInstanceTermination');
  await eventually(async () => {
    const [g] = (await autoscaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['spot-hosts'] }))).AutoScalingGroups!;
    const ids = g!.Instances!.filter((i) => i.LifecycleState === 'InService').map((i) => i.InstanceId);
    return ids.length === 2 && !ids.includes(instanceId) ? true : undefined;
  }, 'the group back at two instances', 60_000);

  await ecs.send(new DeleteServiceCommand({ cluster: 'spot', service: 'web', force: true }));
  await autoscaling.send(new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: 'spot-hosts', ForceDelete: true }));
});

test('scaling policies of a group: target tracking makes its alarms, ExecutePolicy runs a simple policy, an alarm naming a step policy runs it', { timeout: 120_000 }, async () => {
  const cloudwatch = new CloudWatchClient({ endpoint: wharf.endpoint, region: 'us-east-1', credentials: wharf.credentials });
  await autoscaling.send(new CreateAutoScalingGroupCommand({
    AutoScalingGroupName: 'policy-hosts',
    LaunchTemplate: { LaunchTemplateName: 'capacity-hosts' },
    MinSize: 0,
    MaxSize: 4,
    DesiredCapacity: 0,
    AvailabilityZones: ['us-east-1a'],
  }));
  const desired = async () => (await autoscaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['policy-hosts'] }))).AutoScalingGroups![0]!.DesiredCapacity;

  const tracking = await autoscaling.send(new PutScalingPolicyCommand({
    AutoScalingGroupName: 'policy-hosts',
    PolicyName: 'cpu40',
    PolicyType: 'TargetTrackingScaling',
    TargetTrackingConfiguration: { PredefinedMetricSpecification: { PredefinedMetricType: 'ASGAverageCPUUtilization' }, TargetValue: 40 },
  }));
  const { MetricAlarms = [] } = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: tracking.Alarms!.map((a) => a.AlarmName!) }));
  assert.deepEqual(MetricAlarms.map((a) => [a.Namespace, a.MetricName, a.Threshold, a.AlarmActions]).sort(), [
    ['AWS/EC2', 'CPUUtilization', 36, [tracking.PolicyARN]],
    ['AWS/EC2', 'CPUUtilization', 40, [tracking.PolicyARN]],
  ]);

  await autoscaling.send(new PutScalingPolicyCommand({ AutoScalingGroupName: 'policy-hosts', PolicyName: 'one', AdjustmentType: 'ExactCapacity', ScalingAdjustment: 1 }));
  await autoscaling.send(new ExecutePolicyCommand({ AutoScalingGroupName: 'policy-hosts', PolicyName: 'one' }));
  assert.equal(await desired(), 1);

  const step = await autoscaling.send(new PutScalingPolicyCommand({
    AutoScalingGroupName: 'policy-hosts',
    PolicyName: 'queue',
    PolicyType: 'StepScaling',
    AdjustmentType: 'ChangeInCapacity',
    StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 2 }],
  }));
  await cloudwatch.send(new PutMetricAlarmCommand({
    AlarmName: 'policy-hosts-backlog',
    Namespace: 'Custom/Queue',
    MetricName: 'Backlog',
    Statistic: 'Average',
    Period: 60,
    EvaluationPeriods: 1,
    Threshold: 100,
    ComparisonOperator: 'GreaterThanThreshold',
    AlarmActions: [step.PolicyARN!],
  }));
  // The alarm in ALARM with its datapoint (no metric in the store: its StateReasonData's) runs the policy.
  await cloudwatch.send(new SetAlarmStateCommand({ AlarmName: 'policy-hosts-backlog', StateValue: 'ALARM', StateReason: 'test', StateReasonData: JSON.stringify({ version: '1.0', recentDatapoints: [150] }) }));
  // Two more, counted (as AWS counts a step within the warm-up) from the capacity before the instance still warming up: 0 + 2.
  await eventually(async () => ((await desired()) === 2 ? true : undefined), 'the step policy run by its alarm', 30_000);
  // The group's launch for it says why.
  await eventually(async () => {
    const { Activities = [] } = await autoscaling.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: 'policy-hosts' }));
    return Activities.some((a) => /a monitor alarm policy-hosts-backlog in state ALARM triggered policy queue changing the desired capacity from 1 to 2\./.test(a.Cause!)) || undefined;
  }, 'the launch activity naming the alarm and policy', 30_000);

  const { ScalingPolicies = [] } = await autoscaling.send(new DescribePoliciesCommand({ AutoScalingGroupName: 'policy-hosts' }));
  assert.deepEqual(ScalingPolicies.map((p) => [p.PolicyName, p.PolicyType]).sort(), [['cpu40', 'TargetTrackingScaling'], ['one', 'SimpleScaling'], ['queue', 'StepScaling']]);
  assert.deepEqual(ScalingPolicies.find((p) => p.PolicyName === 'queue')!.Alarms!.map((a) => a.AlarmName), ['policy-hosts-backlog']);
  await autoscaling.send(new DeletePolicyCommand({ AutoScalingGroupName: 'policy-hosts', PolicyName: 'cpu40' }));
  assert.deepEqual((await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: tracking.Alarms!.map((a) => a.AlarmName!) }))).MetricAlarms, []);
  await assert.rejects(autoscaling.send(new DescribePoliciesCommand({ AutoScalingGroupName: 'no-such-group' })), (err: Error) => err.name === 'ValidationError');
  await autoscaling.send(new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: 'policy-hosts', ForceDelete: true }));
});
