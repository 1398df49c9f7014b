// capacity: ECS cluster auto scaling on Wharf (`wharf up --instances hollow`: each EC2 instance a real agent
// on a runtime that only pretends to run containers).
//  1. A service of 6 tasks on a capacity provider whose group has no instance: from CreateService to the 6
//     tasks RUNNING on new instances (the goal: under 10 s; AWS takes minutes to launch and boot instances).
//  2. 1,000 instances through one Auto Scaling group: from CreateAutoScalingGroup to 1,000 ACTIVE container
//     instances with their agents connected; the server's peak RSS.
//  3. Side by side with moto (which serves the Auto Scaling API but starts no host): from
//     CreateAutoScalingGroup of 100 to DescribeAutoScalingGroups showing 100 InService instances.
import {
  AutoScalingClient,
  CreateAutoScalingGroupCommand,
  DescribeAutoScalingGroupsCommand,
  type AutoScalingGroup,
} from '@aws-sdk/client-auto-scaling';
import { CreateLaunchTemplateCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  CreateCapacityProviderCommand,
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeClustersCommand,
  ECSClient,
  DescribeServicesCommand,
  PutClusterCapacityProvidersCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { loadavg } from 'node:os';
import { eventually } from '../test/wharf-process.js';
import { peakRssMiB } from './hollow-fleet.js';
import { benchWharf, startMoto, table } from './lib.js';
import { fmt, type ReadmeRow } from './readme-table.js';

const AMI = 'ami-0123456789abcdef0';
const credentials = { accessKeyId: 'bench', secretAccessKey: 'bench' };

async function launchTemplate(ec2: EC2Client, name: string, cluster: string): Promise<void> {
  await ec2.send(new CreateLaunchTemplateCommand({
    LaunchTemplateName: name,
    LaunchTemplateData: { ImageId: AMI, InstanceType: 't3.small', IamInstanceProfile: { Name: 'ecsInstanceRole' }, UserData: Buffer.from(`ECS_CLUSTER=${cluster}\n`).toString('base64') },
  }));
}

/** Milliseconds until `done` holds, polling every 100 ms. */
async function timeUntil(what: string, done: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = performance.now();
  await eventually(async () => ((await done()) ? true : undefined), what, timeoutMs);
  return performance.now() - started;
}

/** One group, as DescribeAutoScalingGroups shows it. */
const describe = async (autoscaling: AutoScalingClient, name: string): Promise<AutoScalingGroup | undefined> =>
  (await autoscaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }))).AutoScalingGroups?.[0];

const inService = async (autoscaling: AutoScalingClient, name: string, n: number) =>
  ((await describe(autoscaling, name))?.Instances ?? []).filter((i) => i.LifecycleState === 'InService').length >= n;

export async function capacityBenchmark(): Promise<ReadmeRow[]> {
  const wharf = await benchWharf({ args: ['--instances', 'hollow'] }, { drain: false });
  const client = { endpoint: wharf.endpoint, region: 'us-east-1', credentials: wharf.credentials };
  const ecs = wharf.ecs();
  const ec2 = new EC2Client(client);
  const autoscaling = new AutoScalingClient(client);

  // 1. From a service needing capacity to its tasks RUNNING on new instances.
  await launchTemplate(ec2, 'scale-out', 'scale-out');
  await ecs.send(new CreateClusterCommand({ clusterName: 'scale-out' }));
  await autoscaling.send(new CreateAutoScalingGroupCommand({
    AutoScalingGroupName: 'scale-out', LaunchTemplate: { LaunchTemplateName: 'scale-out' }, MinSize: 0, MaxSize: 10, DesiredCapacity: 0, AvailabilityZones: ['us-east-1a', 'us-east-1b'],
  }));
  await ecs.send(new CreateCapacityProviderCommand({ name: 'scale-out', autoScalingGroupProvider: { autoScalingGroupArn: 'scale-out', managedScaling: { status: 'ENABLED', targetCapacity: 100 } } }));
  await ecs.send(new PutClusterCapacityProvidersCommand({ cluster: 'scale-out', capacityProviders: ['scale-out'], defaultCapacityProviderStrategy: [{ capacityProvider: 'scale-out', weight: 1 }] }));
  const { taskDefinition } = await ecs.send(new RegisterTaskDefinitionCommand({
    family: 'scale-out', containerDefinitions: [{ name: 'app', image: 'wharf-test/busybox:latest', cpu: 512, memory: 512 }],
  }));
  const serviceStart = performance.now();
  await ecs.send(new CreateServiceCommand({ cluster: 'scale-out', serviceName: 'web', taskDefinition: taskDefinition!.taskDefinitionArn, desiredCount: 6 }));
  await timeUntil('6 tasks RUNNING', async () => (await ecs.send(new DescribeServicesCommand({ cluster: 'scale-out', services: ['web'] }))).services?.[0]?.runningCount === 6, 120_000);
  const scaleOutMs = performance.now() - serviceStart;
  console.log(`[capacity] service of 6 tasks to RUNNING on new instances: ${(scaleOutMs / 1000).toFixed(1)} s (load ${loadavg()[0]!.toFixed(1)})`);

  // 2. 1,000 hollow instances launched through one group to ACTIVE.
  const fleet = 1000;
  await launchTemplate(ec2, 'fleet', 'fleet');
  await ecs.send(new CreateClusterCommand({ clusterName: 'fleet' }));
  const fleetStart = performance.now();
  await autoscaling.send(new CreateAutoScalingGroupCommand({
    AutoScalingGroupName: 'fleet', LaunchTemplate: { LaunchTemplateName: 'fleet' }, MinSize: 0, MaxSize: fleet, DesiredCapacity: fleet, AvailabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
  }));
  await timeUntil(`${fleet} container instances ACTIVE`, async () => {
    const [cluster] = (await ecs.send(new DescribeClustersCommand({ clusters: ['fleet'] }))).clusters ?? [];
    return cluster?.registeredContainerInstancesCount === fleet;
  }, 900_000);
  const fleetMs = performance.now() - fleetStart;
  const rss = await peakRssMiB(wharf.pid());
  console.log(`[capacity] ${fleet} instances to ACTIVE: ${(fleetMs / 1000).toFixed(1)} s, peak RSS ${rss.toFixed(0)} MiB (load ${loadavg()[0]!.toFixed(1)})`);

  // 3. The Auto Scaling API's own loop, beside moto: a group of 100 to 100 InService instances.
  const peers = [{ name: 'wharf', endpoint: wharf.endpoint, credentials: wharf.credentials }, { name: 'moto', endpoint: await startMoto(), credentials }];
  const groupTimes: Record<string, number> = {};
  for (const peer of peers) {
    const c = { endpoint: peer.endpoint, region: 'us-east-1', credentials: peer.credentials };
    // The instances' agents join the cluster their user data names: it must exist for them to start.
    await new ECSClient(c).send(new CreateClusterCommand({ clusterName: 'peer' }));
    await launchTemplate(new EC2Client(c), 'peer', 'peer');
    const scaling = new AutoScalingClient(c);
    const started = performance.now();
    await scaling.send(new CreateAutoScalingGroupCommand({ AutoScalingGroupName: 'peer', LaunchTemplate: { LaunchTemplateName: 'peer' }, MinSize: 0, MaxSize: 100, DesiredCapacity: 100, AvailabilityZones: ['us-east-1a', 'us-east-1b'] }));
    await timeUntil('100 InService', () => inService(scaling, 'peer', 100), 300_000);
    groupTimes[peer.name] = performance.now() - started;
    console.log(`[capacity] ${peer.name}: group of 100 to 100 InService: ${(groupTimes[peer.name]! / 1000).toFixed(2)} s`);
  }

  const load = loadavg()[0]!.toFixed(1);
  table([
    { measure: 'service of 6 tasks: CreateService to RUNNING on new instances (goal < 10 s)', wharf: `${(scaleOutMs / 1000).toFixed(1)} s`, peer: 'AWS: minutes', load },
    { measure: `${fleet} instances through one group to ACTIVE container instances`, wharf: `${(fleetMs / 1000).toFixed(1)} s`, peer: `peak RSS ${rss.toFixed(0)} MiB`, load },
    {
      measure: 'group of 100 to 100 InService (Auto Scaling API)',
      wharf: `${(groupTimes.wharf! / 1000).toFixed(2)} s`,
      peer: `moto ${(groupTimes.moto! / 1000).toFixed(2)} s (ratio ${(groupTimes.wharf! / groupTimes.moto!).toFixed(2)})`,
      load,
    },
  ]);
  return [
    { benchmark: 'capacity provider: service of 6 tasks, CreateService -> RUNNING on new instances', wharf: fmt.s(scaleOutMs / 1000), peer: 'AWS: minutes', ratio: '', goal: '< 10 s' },
    { benchmark: `capacity provider: ${fmt.n(fleet)} hollow instances through one Auto Scaling group to ACTIVE; peak RSS`, wharf: `${fmt.s(fleetMs / 1000)}; ${rss.toFixed(0)} MiB`, peer: '', ratio: '', goal: '' },
    {
      benchmark: 'Auto Scaling group of 100 to 100 InService',
      wharf: `${(groupTimes.wharf! / 1000).toFixed(2)} s`,
      peer: `moto: ${(groupTimes.moto! / 1000).toFixed(2)} s`,
      ratio: fmt.x(groupTimes.wharf! / groupTimes.moto!),
      goal: '',
    },
  ];
}
