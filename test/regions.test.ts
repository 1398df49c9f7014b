// Regions, end to end: each call acts in the region its signature is scoped to. What is made in us-east-2
// (clusters, task definitions, services, VPCs, target groups, load balancers) has us-east-2 ARNs and is not
// seen from us-east-1; IAM is global; an agent started with --region us-east-2 runs that region's tasks; a
// region AWS does not have is refused.
import { DescribeSubnetsCommand, DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DeleteServiceCommand,
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListClustersCommand,
  ListContainerInstancesCommand,
  ListServicesCommand,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
} from '@aws-sdk/client-ecs';
import {
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DescribeLoadBalancersCommand,
  DescribeTargetGroupsCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { CreateUserCommand, GetUserCommand, IAMClient } from '@aws-sdk/client-iam';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { WHARF_BIN, eventually, startWharf, type WharfProcess } from './wharf-process.js';

let wharf: WharfProcess;
const clients = (region: string) => {
  const config = { endpoint: wharf.endpoint, region, credentials: wharf.credentials };
  return { ecs: new ECSClient(config), ec2: new EC2Client(config), elbv2: new ElasticLoadBalancingV2Client(config), iam: new IAMClient(config) };
};
let east1: ReturnType<typeof clients>;
let east2: ReturnType<typeof clients>;

before(async () => {
  wharf = await startWharf();
  east1 = clients('us-east-1');
  east2 = clients('us-east-2');
});
after(async () => {
  await wharf?.stop();
});

test('ECS records live in the region they were made in', async () => {
  const { cluster } = await east2.ecs.send(new CreateClusterCommand({ clusterName: 'ohio' }));
  assert.match(cluster!.clusterArn!, /^arn:aws:ecs:us-east-2:\d{12}:cluster\/ohio$/);
  const listed = async (ecs: ECSClient) => (await ecs.send(new ListClustersCommand({}))).clusterArns ?? [];
  assert.ok((await listed(east2.ecs)).includes(cluster!.clusterArn!));
  assert.ok(!(await listed(east1.ecs)).some((arn) => arn.endsWith(':cluster/ohio')), 'not listed in us-east-1');

  const { taskDefinition } = await east2.ecs.send(new RegisterTaskDefinitionCommand({
    family: 'ohio-sleeper',
    containerDefinitions: [{ name: 'app', image: 'wharf-test/busybox:latest', memory: 32, command: ['sh', '-c', "trap 'exit 143' TERM; sleep 300 & wait"] }],
  }));
  assert.match(taskDefinition!.taskDefinitionArn!, /^arn:aws:ecs:us-east-2:.*:task-definition\/ohio-sleeper:1$/);
  const families = async (ecs: ECSClient) => (await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: 'ohio-sleeper' }))).taskDefinitionArns ?? [];
  assert.deepEqual(await families(east1.ecs), []);
  assert.equal((await families(east2.ecs)).length, 1);

  const { service } = await east2.ecs.send(new CreateServiceCommand({ cluster: 'ohio', serviceName: 'idle', taskDefinition: 'ohio-sleeper', desiredCount: 0 }));
  assert.match(service!.serviceArn!, /^arn:aws:ecs:us-east-2:.*:service\/ohio\/idle$/);
  assert.equal((await east2.ecs.send(new ListServicesCommand({ cluster: 'ohio' }))).serviceArns?.length, 1);
  await assert.rejects(east1.ecs.send(new ListServicesCommand({ cluster: 'ohio' })), { name: 'ClusterNotFoundException' });
  await east2.ecs.send(new DeleteServiceCommand({ cluster: 'ohio', service: 'idle', force: true }));
});

test('each region has its own default VPC, subnets in its zones, target groups and load balancers', async () => {
  const defaultVpc = async (ec2: EC2Client) => (await ec2.send(new DescribeVpcsCommand({}))).Vpcs!.find((v) => v.IsDefault)!;
  const [vpc1, vpc2] = [await defaultVpc(east1.ec2), await defaultVpc(east2.ec2)];
  assert.notEqual(vpc1.VpcId, vpc2.VpcId);
  assert.ok(!(await east1.ec2.send(new DescribeVpcsCommand({}))).Vpcs!.some((v) => v.VpcId === vpc2.VpcId), 'us-east-2 VPC not seen from us-east-1');
  const { Subnets: subnets = [] } = await east2.ec2.send(new DescribeSubnetsCommand({}));
  assert.ok(subnets.length > 0);
  for (const subnet of subnets) assert.match(subnet.AvailabilityZone!, /^us-east-2[a-z]$/);

  const { TargetGroups: [group] = [] } = await east2.elbv2.send(new CreateTargetGroupCommand({ Name: 'ohio-tg', Protocol: 'HTTP', Port: 80, VpcId: vpc2.VpcId }));
  assert.match(group!.TargetGroupArn!, /^arn:aws:elasticloadbalancing:us-east-2:/);
  const groups = async (elbv2: ElasticLoadBalancingV2Client) => (await elbv2.send(new DescribeTargetGroupsCommand({}))).TargetGroups ?? [];
  assert.ok(!(await groups(east1.elbv2)).some((g) => g.TargetGroupName === 'ohio-tg'));

  const { LoadBalancers: [lb] = [] } = await east2.elbv2.send(new CreateLoadBalancerCommand({ Name: 'ohio-lb', Subnets: subnets.slice(0, 2).map((s) => s.SubnetId!) }));
  assert.match(lb!.LoadBalancerArn!, /^arn:aws:elasticloadbalancing:us-east-2:/);
  assert.equal(lb!.VpcId, vpc2.VpcId);
  const lbs = async (elbv2: ElasticLoadBalancingV2Client) => (await elbv2.send(new DescribeLoadBalancersCommand({}))).LoadBalancers ?? [];
  assert.ok(!(await lbs(east1.elbv2)).some((l) => l.LoadBalancerName === 'ohio-lb'));
  assert.ok((await lbs(east2.elbv2)).some((l) => l.LoadBalancerName === 'ohio-lb'));
});

test('IAM is global: a user made from one region is seen from the other', async () => {
  await east2.iam.send(new CreateUserCommand({ UserName: 'everywhere' }));
  const { User: user } = await east1.iam.send(new GetUserCommand({ UserName: 'everywhere' }));
  assert.equal(user?.Arn?.split(':')[3], '', 'IAM ARNs name no region');
});

test('a task runs in us-east-2 on an agent registered there', async () => {
  await east2.ecs.send(new CreateClusterCommand({ clusterName: 'ohio' }));
  const agent = spawn(process.execPath, [WHARF_BIN, 'agent', '--endpoint', wharf.endpoint, '--region', 'us-east-2', '--cluster', 'ohio', '--data-dir', mkdtempSync(join(tmpdir(), 'wharf-agent-'))], {
    env: { ...wharf.env },
    stdio: 'ignore',
  });
  try {
    const instance = await eventually(async () => {
      const { containerInstanceArns: [arn] = [] } = await east2.ecs.send(new ListContainerInstancesCommand({ cluster: 'ohio' }));
      if (!arn) return undefined;
      const { containerInstances: [found] = [] } = await east2.ecs.send(new DescribeContainerInstancesCommand({ cluster: 'ohio', containerInstances: [arn] }));
      return found?.agentConnected ? found : undefined;
    }, 'the us-east-2 agent connected');
    assert.match(instance.containerInstanceArn!, /^arn:aws:ecs:us-east-2:/);

    const { tasks: [task] = [], failures } = await east2.ecs.send(new RunTaskCommand({ cluster: 'ohio', taskDefinition: 'ohio-sleeper' }));
    assert.deepEqual(failures, []);
    assert.match(task!.taskArn!, /^arn:aws:ecs:us-east-2:.*:task\/ohio\//);
    assert.equal(task!.containerInstanceArn, instance.containerInstanceArn);
    const status = async () => (await east2.ecs.send(new DescribeTasksCommand({ cluster: 'ohio', tasks: [task!.taskArn!] }))).tasks?.[0]?.lastStatus;
    await eventually(async () => ((await status()) === 'RUNNING' ? true : undefined), 'RUNNING in us-east-2');
    await east2.ecs.send(new StopTaskCommand({ cluster: 'ohio', task: task!.taskArn! }));
    await eventually(async () => ((await status()) === 'STOPPED' ? true : undefined), 'STOPPED in us-east-2');
    // While the agent runs: it removes its containers (the harness makes its cleanup wait short). drain()
    // knows the default region's instances only, so this region's agent is waited for here.
    await wharf.drain();
    const left = () => execFileSync('docker', ['ps', '-aq', '--filter', `label=com.amazonaws.ecs.task-arn=${task!.taskArn!}`]).toString().trim();
    await eventually(async () => (left() === '' ? true : undefined), 'the us-east-2 container removed');
  } finally {
    agent.kill('SIGTERM');
  }
});

test('a region AWS does not have is refused', async () => {
  const nowhere = new ECSClient({ endpoint: wharf.endpoint, region: 'us-east-9', credentials: wharf.credentials });
  await assert.rejects(nowhere.send(new ListClustersCommand({})), (err: Error) => /valid region/.test(err.message));
});
