// EC2 instances as real hosts (issue 14 part 1), against a real `wharf up`: an instance launched by
// RunInstances with user data ECS_CLUSTER=x runs its own `wharf agent`, which learns who it is from the
// instance's metadata service (IMDSv2), joins cluster x as that EC2 instance with the type's resources, and
// runs a task; terminating the instance stops the agent and deregisters its container instance.
import {
  CreateLaunchTemplateCommand,
  DescribeInstancesCommand,
  DescribeInstanceTypesCommand,
  EC2Client,
  RunInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import {
  CreateClusterCommand,
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListContainerInstancesCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
} from '@aws-sdk/client-ecs';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { eventually, startWharf, type WharfProcess } from './wharf-process.js';

const REGION = 'us-east-1';
const AMI = 'ami-0123456789abcdef0';

let wharf: WharfProcess;
let ecs: ECSClient;
let ec2: EC2Client;

before(async () => {
  wharf = await startWharf();
  ecs = wharf.ecs();
  ec2 = new EC2Client({ endpoint: wharf.endpoint, region: REGION, credentials: wharf.credentials });
  await ecs.send(new CreateClusterCommand({ clusterName: 'x' }));
  await ecs.send(new RegisterTaskDefinitionCommand({
    family: 'sleeper',
    containerDefinitions: [{ name: 'app', image: 'wharf-test/busybox:latest', memory: 32, command: ['sh', '-c', "trap 'exit 143' TERM; sleep 300 & wait"] }],
  }));
});

after(async () => {
  try {
    await wharf?.drain();
  } finally {
    await wharf?.stop();
  }
});

async function instancesOf(cluster: string) {
  const { containerInstanceArns = [] } = await ecs.send(new ListContainerInstancesCommand({ cluster, status: 'ACTIVE' }));
  if (!containerInstanceArns.length) return [];
  return (await ecs.send(new DescribeContainerInstancesCommand({ cluster, containerInstances: containerInstanceArns }))).containerInstances ?? [];
}

test('an instance with user data ECS_CLUSTER=x joins cluster x as itself and runs a task; terminated, it is deregistered', async () => {
  const { InstanceTypes: [type] = [] } = await ec2.send(new DescribeInstanceTypesCommand({ InstanceTypes: ['c5.large'] }));
  assert.deepEqual([type?.VCpuInfo?.DefaultVCpus, type?.MemoryInfo?.SizeInMiB], [2, 4096]);
  // As ECS's docs write it: a bash script that appends to /etc/ecs/ecs.config, in a launch template.
  const userData = Buffer.from('#!/bin/bash\necho ECS_CLUSTER=x >> /etc/ecs/ecs.config\n').toString('base64');
  await ec2.send(new CreateLaunchTemplateCommand({
    LaunchTemplateName: 'ecs-hosts',
    LaunchTemplateData: { ImageId: AMI, InstanceType: 'c5.large', UserData: userData, IamInstanceProfile: { Name: 'ecsInstanceRole' } },
  }));
  const { Instances: [launched] = [] } = await ec2.send(new RunInstancesCommand({ MinCount: 1, MaxCount: 1, LaunchTemplate: { LaunchTemplateName: 'ecs-hosts' } }));
  const instanceId = launched!.InstanceId!;
  assert.equal(launched!.State?.Name, 'pending');

  const [joined] = await eventually(async () => {
    const found = (await instancesOf('x')).filter((i) => i.ec2InstanceId === instanceId && i.agentConnected);
    return found.length ? found : undefined;
  }, 'the instance\'s agent registered in cluster x', 60_000);
  const cpu = joined!.registeredResources?.find((r) => r.name === 'CPU')?.integerValue;
  assert.equal(cpu, 2 * 1024);
  assert.equal(joined!.attributes?.find((a) => a.name === 'ecs.instance-type')?.value, 'c5.large');
  const { Reservations: [r] = [] } = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
  assert.equal(r?.Instances?.[0]?.State?.Name, 'running');

  const { tasks: [task] = [], failures } = await ecs.send(new RunTaskCommand({ cluster: 'x', taskDefinition: 'sleeper' }));
  assert.deepEqual(failures, []);
  assert.equal(task!.containerInstanceArn, joined!.containerInstanceArn);
  await eventually(async () => {
    const { tasks: [t] = [] } = await ecs.send(new DescribeTasksCommand({ cluster: 'x', tasks: [task!.taskArn!] }));
    return t?.lastStatus === 'RUNNING' ? t : undefined;
  }, 'the task RUNNING on the instance');

  await ec2.send(new TerminateInstancesCommand({ InstanceIds: [instanceId] }));
  await eventually(async () => {
    const { containerInstances: [ci] = [] } = await ecs.send(new DescribeContainerInstancesCommand({ cluster: 'x', containerInstances: [joined!.containerInstanceArn!] }));
    return ci?.status === 'INACTIVE' ? ci : undefined;
  }, 'the container instance INACTIVE');
  await eventually(async () => {
    const { tasks: [t] = [] } = await ecs.send(new DescribeTasksCommand({ cluster: 'x', tasks: [task!.taskArn!] }));
    return t?.lastStatus === 'STOPPED' ? t : undefined;
  }, 'its task STOPPED');
  const { Reservations: [gone] = [] } = await eventually(async () => {
    const out = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
    return out.Reservations?.[0]?.Instances?.[0]?.State?.Name === 'terminated' ? out : undefined;
  }, 'the instance terminated');
  assert.equal(gone?.Instances?.[0]?.State?.Name, 'terminated');
  // Its host went with it: its agent removed the task's containers before it exited.
  const left = execFileSync('docker', ['ps', '-aq', '--filter', `label=com.amazonaws.ecs.task-arn=${task!.taskArn}`], { encoding: 'utf8' });
  assert.equal(left.trim(), '');
});
