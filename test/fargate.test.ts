// The Fargate launch type and awsvpc networking through the real server, the real SDKs and AWS CLI, and
// real containers: tasks at their own addresses, security groups, task-level limits, the task metadata
// endpoint, a Fargate service's rolling deployment, usage records, and nothing left behind.
import {
  CreateServiceCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ListContainerInstancesCommand,
  ListTasksCommand,
  PutClusterCapacityProvidersCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  UpdateServiceCommand,
  type ContainerDefinition,
  type ECSClient,
  type Task,
} from '@aws-sdk/client-ecs';
import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DeleteSecurityGroupCommand,
  DeleteSubnetCommand,
  DeleteVpcCommand,
  DescribeAvailabilityZonesCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  EC2Client,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chainName } from '../src/runtime/linux/iptables-firewall.js';
import { eventually, startWharf, WHARF_BIN, type WharfProcess } from './wharf-process.js';

const IMAGE = 'wharf-test/busybox:latest';
/** sh as PID 1 exits on SIGTERM only when it traps it. */
const serve = (...ports: number[]) => ['sh', '-c', `trap 'exit 0' TERM; ${ports.map((p) => `httpd -f -p ${p} -h /var/www &`).join(' ')} wait`];

let wharf: WharfProcess;
let ecs: ECSClient;
let ec2: EC2Client;
let subnet: string;
let instanceArn: string;
const started: string[] = [];

const docker = (...args: string[]) => execFileSync('docker', args).toString().trim();
const aws = (...args: string[]) => JSON.parse(execFileSync('aws', [...args, '--output', 'json'], { env: wharf.env }).toString() || '{}');

async function describeTask(taskArn: string): Promise<Task> {
  const { tasks: [task] = [] } = await ecs.send(new DescribeTasksCommand({ tasks: [taskArn] }));
  return task!;
}

async function taskWhen(taskArn: string, status: string, timeoutMs = 60_000): Promise<Task> {
  return eventually(async () => {
    const task = await describeTask(taskArn);
    if (status !== 'STOPPED' && task.lastStatus === 'STOPPED') throw new Error(`task stopped: ${task.stoppedReason}`);
    return task.lastStatus === status ? task : undefined;
  }, `task ${taskArn} ${status}`, timeoutMs);
}

async function register(family: string, containers: ContainerDefinition[], size: { cpu?: string; memory?: string } = {}) {
  const { taskDefinition } = await ecs.send(new RegisterTaskDefinitionCommand({
    family,
    requiresCompatibilities: ['FARGATE'],
    networkMode: 'awsvpc',
    cpu: size.cpu ?? '256',
    memory: size.memory ?? '512',
    containerDefinitions: containers,
  }));
  return taskDefinition!;
}

async function runFargate(family: string, securityGroups?: string[], subnets = [subnet]): Promise<string> {
  const { tasks: [task] = [], failures } = await ecs.send(new RunTaskCommand({
    taskDefinition: family,
    launchType: 'FARGATE',
    networkConfiguration: { awsvpcConfiguration: { subnets, ...(securityGroups && { securityGroups }) } },
  }));
  assert.deepEqual(failures, []);
  started.push(task!.taskArn!);
  return task!.taskArn!;
}

const addressOf = (task: Task) => task.containers![0]!.networkInterfaces![0]!.privateIpv4Address!;

/** An HTTP GET from this host: its body, or `unreachable` when nothing answers within `ms`. */
async function get(url: string, ms = 2000): Promise<string> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(ms) });
    return `${res.status} ${(await res.text()).trim()}`;
  } catch {
    return 'unreachable';
  }
}

/** What a task's first container printed, once it has exited. */
async function outputOf(taskArn: string): Promise<string> {
  const stopped = await taskWhen(taskArn, 'STOPPED');
  return docker('logs', stopped.containers![0]!.runtimeId!);
}

async function securityGroup(name: string, ...rules: Parameters<typeof ingress>[1][]): Promise<string> {
  const { GroupId } = await ec2.send(new CreateSecurityGroupCommand({ GroupName: name, Description: name }));
  for (const rule of rules) await ingress(GroupId!, rule);
  return GroupId!;
}

const ingress = (groupId: string, rule: { port: number; cidr?: string; group?: string }) =>
  ec2.send(new AuthorizeSecurityGroupIngressCommand({
    GroupId: groupId,
    IpPermissions: [{
      IpProtocol: 'tcp',
      FromPort: rule.port,
      ToPort: rule.port,
      ...(rule.cidr && { IpRanges: [{ CidrIp: rule.cidr }] }),
      ...(rule.group && { UserIdGroupPairs: [{ GroupId: rule.group }] }),
    }],
  }));

before(async () => {
  // Long enough to read a stopped task's logs after waiting for others, short enough to see the cleanup (and
  // the subnet network's and firewall chains' linger).
  wharf = await startWharf({ env: { WHARF_TASK_CLEANUP_WAIT: '15s', WHARF_NETWORK_LINGER: '3s' }, hostWide: true });
  ecs = wharf.ecs();
  ec2 = new EC2Client({ endpoint: wharf.endpoint, region: 'us-east-1', credentials: wharf.credentials });
  const { Subnets = [] } = await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'availability-zone', Values: ['us-east-1a'] }] }));
  subnet = Subnets[0]!.SubnetId!;
  const { containerInstanceArns = [] } = await ecs.send(new ListContainerInstancesCommand({}));
  instanceArn = containerInstanceArns[0]!;
});

after(async () => {
  await Promise.all(started.map((task) => ecs.send(new StopTaskCommand({ task })).catch(() => undefined)));
  await wharf?.stop();
  // Whatever this run's agent left (it leaves containers for a restart to adopt) goes.
  const own = `label=wharf.container-instance-arn=${instanceArn}`;
  const leftovers = [own, `label=wharf.pause-of=${instanceArn}`].flatMap((label) => docker('ps', '-aq', '--filter', label).split('\n')).filter(Boolean);
  if (leftovers.length) docker('rm', '-f', ...leftovers);
  const networks = docker('network', 'ls', '-q', '--filter', own).split('\n').filter(Boolean);
  if (networks.length) docker('network', 'rm', ...networks);
});

describe('the VPC basics over the EC2 API', () => {
  test('a default VPC with one default subnet per zone and its default group exist from the start', async () => {
    const { Vpcs = [] } = await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }));
    assert.deepEqual(Vpcs.map((v) => [v.CidrBlock, v.IsDefault, v.State]), [['172.31.0.0/16', true, 'available']]);
    const { AvailabilityZones = [] } = await ec2.send(new DescribeAvailabilityZonesCommand({}));
    assert.deepEqual(AvailabilityZones.map((z) => [z.ZoneName, z.ZoneId]), [['us-east-1a', 'use1-az1'], ['us-east-1b', 'use1-az2'], ['us-east-1c', 'use1-az3']]);
    const { Subnets = [] } = await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [Vpcs[0]!.VpcId!] }] }));
    assert.deepEqual(Subnets.map((s) => [s.AvailabilityZone, s.CidrBlock, s.DefaultForAz, s.AvailableIpAddressCount]).sort(), [
      ['us-east-1a', '172.31.0.0/20', true, 4091],
      ['us-east-1b', '172.31.16.0/20', true, 4091],
      ['us-east-1c', '172.31.32.0/20', true, 4091],
    ]);
    const { SecurityGroups = [] } = await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: ['default'] }] }));
    assert.equal(SecurityGroups[0]!.IpPermissions![0]!.UserIdGroupPairs![0]!.GroupId, SecurityGroups[0]!.GroupId, 'its members reach each other');
  });

  test("VPCs, subnets and groups are made, refused and deleted with EC2's errors", async () => {
    const code = (p: Promise<unknown>, name: string) => assert.rejects(p, (err: Error) => err.name === name || assert.fail(`${err.name}: ${err.message}`));
    const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.20.0.0/16' }));
    const vpcId = Vpc!.VpcId!;
    await code(ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/8' })), 'InvalidVpc.Range');
    await code(ec2.send(new CreateVpcCommand({ CidrBlock: '10.20.0.1/16' })), 'InvalidParameterValue');
    const { Subnet } = await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.20.1.0/24', AvailabilityZone: 'us-east-1b' }));
    assert.equal(Subnet!.AvailableIpAddressCount, 251);
    await code(ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.20.1.128/25' })), 'InvalidSubnet.Conflict');
    await code(ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.30.1.0/24' })), 'InvalidSubnet.Range');
    await code(ec2.send(new CreateSubnetCommand({ VpcId: 'vpc-0000000000000000f', CidrBlock: '10.20.2.0/24' })), 'InvalidVpcID.NotFound');
    const { GroupId } = await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'app', Description: 'app', VpcId: vpcId }));
    await code(ec2.send(new CreateSecurityGroupCommand({ GroupName: 'app', Description: 'app', VpcId: vpcId })), 'InvalidGroup.Duplicate');
    await ingress(GroupId!, { port: 443, cidr: '10.0.0.0/8' });
    await code(ingress(GroupId!, { port: 443, cidr: '10.0.0.0/8' }), 'InvalidPermission.Duplicate');
    await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.0.0.0/8' }] }] }));
    await code(ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.0.0.0/8' }] }] })), 'InvalidPermission.NotFound');
    await code(ec2.send(new DeleteVpcCommand({ VpcId: vpcId })), 'DependencyViolation');
    const [defaultGroup] = (await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }, { Name: 'group-name', Values: ['default'] }] }))).SecurityGroups!;
    await code(ec2.send(new DeleteSecurityGroupCommand({ GroupId: defaultGroup!.GroupId })), 'CannotDelete');
    await ec2.send(new DeleteSecurityGroupCommand({ GroupId }));
    await ec2.send(new DeleteSubnetCommand({ SubnetId: Subnet!.SubnetId }));
    await ec2.send(new DeleteVpcCommand({ VpcId: vpcId }));
    await code(ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] })), 'InvalidVpcID.NotFound');
  });
});

describe('Fargate tasks on real containers', () => {
  test('the AWS CLI runs a Fargate task, reachable at its own address, with its interface as ECS and EC2 show it', async () => {
    const web = await securityGroup('web', { port: 80, cidr: '0.0.0.0/0' });
    aws('ecs', 'register-task-definition', '--family', 'web', '--requires-compatibilities', 'FARGATE', '--network-mode', 'awsvpc',
      '--cpu', '256', '--memory', '512', '--container-definitions', JSON.stringify([{ name: 'web', image: IMAGE, command: serve(80), portMappings: [{ containerPort: 80 }] }]));
    const run = aws('ecs', 'run-task', '--launch-type', 'FARGATE', '--task-definition', 'web',
      '--network-configuration', `awsvpcConfiguration={subnets=[${subnet}],securityGroups=[${web}]}`);
    const taskArn = run.tasks[0].taskArn;
    started.push(taskArn);
    assert.equal(run.tasks[0].lastStatus, 'PROVISIONING');
    await taskWhen(taskArn, 'RUNNING');
    // Seen RUNNING, the task's interface is ATTACHED already, as on AWS.
    const task = await describeTask(taskArn);
    assert.equal(task.attachments?.[0]?.status, 'ATTACHED');
    assert.deepEqual([task.launchType, task.platformVersion, task.containerInstanceArn, task.availabilityZone], ['FARGATE', '1.4.0', undefined, 'us-east-1a']);
    const attachment = task.attachments![0]!;
    assert.equal(attachment.type, 'ElasticNetworkInterface');
    const details = Object.fromEntries(attachment.details!.map((d) => [d.name, d.value]));
    const address = addressOf(task);
    assert.equal(details.privateIPv4Address, address);
    assert.match(address, /^172\.31\.(\d|1[0-5])\.\d+$/, 'in the subnet 172.31.0.0/20');
    assert.equal(await get(`http://${address}/`), '200 wharf');

    const { NetworkInterfaces = [] } = await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [details.networkInterfaceId!] }));
    const eni = NetworkInterfaces[0]!;
    assert.deepEqual([eni.PrivateIpAddress, eni.MacAddress, eni.SubnetId, eni.Status, eni.Groups![0]!.GroupId], [address, details.macAddress, subnet, 'in-use', web]);
    assert.equal(eni.Description, `arn:aws:ecs:us-east-1:000000000000:attachment/${attachment.id}`);
    // The container really has that address and MAC (it shares its pause container's namespace).
    assert.match(docker('exec', task.containers![0]!.runtimeId!, 'ip', 'addr', 'show', 'eth0'), new RegExp(`${details.macAddress}[\\s\\S]*inet ${address.replaceAll('.', '\\.')}/20`));
  });

  test('two tasks listen on the same port side by side, each at its own address', async () => {
    const web = (await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: ['web'] }] }))).SecurityGroups![0]!.GroupId!;
    const a = await runFargate('web', [web]);
    const b = await runFargate('web', [web]);
    const [ta, tb] = [await taskWhen(a, 'RUNNING'), await taskWhen(b, 'RUNNING')];
    assert.notEqual(addressOf(ta), addressOf(tb));
    assert.equal(await get(`http://${addressOf(ta)}/`), '200 wharf');
    assert.equal(await get(`http://${addressOf(tb)}/`), '200 wharf');
    await Promise.all([a, b].map((task) => ecs.send(new StopTaskCommand({ task }))));
  });

  test('security groups: a port not allowed is blocked from the host and from other tasks; a source group lets its members in; egress rules keep tasks in', async () => {
    const clients = await securityGroup('clients');
    const target = await securityGroup('target', { port: 80, cidr: '0.0.0.0/0' }, { port: 8080, group: clients });
    await register('two-ports', [{ name: 'web', image: IMAGE, command: serve(80, 8080) }]);
    const server = await taskWhen(await runFargate('two-ports', [target]), 'RUNNING');
    const address = addressOf(server);
    assert.equal(await get(`http://${address}/`), '200 wharf');
    assert.equal(await get(`http://${address}:8080/`), 'unreachable', 'the host is no member of clients');

    const probe = (name: string) => register(name, [{ name: 'probe', image: IMAGE, command: ['sh', '-c', `timeout 5 wget -qO- http://${address}:8080/ || echo blocked`] }]);
    await probe('probe');
    const member = await runFargate('probe', [clients]);
    const stranger = await runFargate('probe');
    assert.equal(await outputOf(member), 'wharf');
    assert.equal(await outputOf(stranger), 'blocked');

    // Egress: with nothing let out, a member cannot reach the server; a rule to the server's group lets it out again.
    const allOut = { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] };
    await ec2.send(new RevokeSecurityGroupEgressCommand({ GroupId: clients, IpPermissions: [allOut] }));
    assert.equal(await outputOf(await runFargate('probe', [clients])), 'blocked');
    const toTarget = { IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, UserIdGroupPairs: [{ GroupId: target }] };
    await ec2.send(new AuthorizeSecurityGroupEgressCommand({ GroupId: clients, IpPermissions: [toTarget] }));
    assert.equal(await outputOf(await runFargate('probe', [clients])), 'wharf');

    // Rules change while the task runs: the host is let in on 8080 at once.
    await ingress(target, { port: 8080, cidr: '0.0.0.0/0' });
    assert.equal(await eventually(async () => ((await get(`http://${address}:8080/`)) === '200 wharf' ? true : undefined), 'the new rule'), true);
    await ecs.send(new StopTaskCommand({ task: server.taskArn }));
  });

  test('FARGATE_SPOT: `wharf spot-interrupt` stops a spot task with SpotInterruption, as AWS takes its capacity back', async () => {
    await ecs.send(new PutClusterCapacityProvidersCommand({ cluster: 'default', capacityProviders: ['FARGATE', 'FARGATE_SPOT'], defaultCapacityProviderStrategy: [] }));
    await register('spot', [{ name: 'app', image: IMAGE, command: ['sleep', '300'], stopTimeout: 2 }]);
    const { tasks: [task] = [], failures } = await ecs.send(new RunTaskCommand({
      taskDefinition: 'spot',
      capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }],
      networkConfiguration: { awsvpcConfiguration: { subnets: [subnet] } },
    }));
    assert.deepEqual(failures, []);
    started.push(task!.taskArn!);
    assert.equal((await taskWhen(task!.taskArn!, 'RUNNING')).capacityProviderName, 'FARGATE_SPOT');
    const printed = execFileSync(process.execPath, [WHARF_BIN, 'spot-interrupt', '--data-dir', wharf.dataDir, '--task', task!.taskArn!]).toString().trim();
    assert.equal(printed, task!.taskArn);
    const stopped = await taskWhen(task!.taskArn!, 'STOPPED');
    assert.deepEqual([stopped.stopCode, stopped.stoppedReason], ['SpotInterruption', 'Your Spot Task was interrupted.']);
  });

  test('the memory limit kills a hog: exit code 137 and OutOfMemoryError', async () => {
    await register('hog', [{ name: 'hog', image: IMAGE, command: ['sh', '-c', 'x=a; while true; do x=$x$x; done'] }]);
    const stopped = await taskWhen(await runFargate('hog'), 'STOPPED');
    assert.equal(stopped.containers![0]!.exitCode, 137);
    assert.equal(stopped.containers![0]!.reason, 'OutOfMemoryError: Container killed due to memory usage');
    assert.equal(stopped.stopCode, 'EssentialContainerExited');
  });

  test("the CPU limit shows in the container's cgroup; the task's cgroup holds its limits", async () => {
    await register('cpu', [{ name: 'app', image: IMAGE, command: ['sh', '-c', 'cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/cpu.max 2>/dev/null; grep -E ":memory:|^0::" /proc/self/cgroup | head -1'] }], { cpu: '512', memory: '1024' });
    const taskArn = await runFargate('cpu');
    const [quota, cgroup] = (await outputOf(taskArn)).split('\n');
    assert.match(quota!, /^50000( 100000)?$/, 'half a CPU: 50 ms of every 100 ms');
    assert.match(cgroup!, new RegExp(`/wharf/${taskArn.split('/').at(-1)}/`), "made under the task's cgroup");
  });

  test('the task metadata endpoint answers from inside the task, in ECS v4 shapes, and to no one else', async () => {
    await register('meta', [{
      name: 'app',
      image: IMAGE,
      command: ['sh', '-c', 'wget -qO- $ECS_CONTAINER_METADATA_URI_V4; echo; wget -qO- $ECS_CONTAINER_METADATA_URI_V4/task; echo; wget -qO- $ECS_CONTAINER_METADATA_URI_V4/task/stats; echo; echo $ECS_CONTAINER_METADATA_URI_V4 $AWS_EXECUTION_ENV'],
    }]);
    const taskArn = await runFargate('meta');
    const [container, task, stats, env] = (await outputOf(taskArn)).split('\n');
    const own = JSON.parse(container!);
    const meta = JSON.parse(task!);
    const described = await describeTask(taskArn);
    assert.equal(own.Name, 'app');
    assert.equal(own.DockerId, described.containers![0]!.runtimeId);
    assert.equal(own.ContainerARN, described.containers![0]!.containerArn);
    assert.equal(own.Networks[0].NetworkMode, 'awsvpc');
    assert.deepEqual(own.Networks[0].IPv4Addresses, [addressOf(described)]);
    assert.deepEqual(
      [meta.TaskARN, meta.Family, meta.Revision, meta.LaunchType, meta.AvailabilityZone, meta.Limits, meta.Cluster],
      [taskArn, 'meta', '1', 'FARGATE', 'us-east-1a', { CPU: 0.25, Memory: 512 }, described.clusterArn],
    );
    assert.deepEqual(meta.Containers.map((c: { Name: string }) => c.Name), ['app']);
    assert.ok(JSON.parse(stats!)[own.DockerId], 'stats by Docker id');
    const [uri, executionEnv] = env!.split(' ');
    assert.equal(executionEnv, 'AWS_ECS_FARGATE');
    assert.match(uri!, /^http:\/\/172\.31\.0\.1:\d+\/v4\/[0-9a-f]{32}-[0-9a-f]{32}$/);
    assert.equal((await get(uri!)).split(' ')[0], '404', 'not from outside the task');
  });

  test('a Fargate service rolls out a new revision', async () => {
    const td = (body: string) => register('svc', [{ name: 'web', image: IMAGE, command: serve(80), environment: [{ name: 'BODY', value: body }] }]);
    const v1 = await td('one');
    const { service } = await ecs.send(new CreateServiceCommand({
      serviceName: 'fargate-web',
      taskDefinition: v1.taskDefinitionArn,
      desiredCount: 2,
      launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets: [subnet] } },
    }));
    assert.deepEqual([service!.launchType, service!.platformVersion], ['FARGATE', 'LATEST']);
    const runningOf = async (definition: string) => {
      const { taskArns = [] } = await ecs.send(new ListTasksCommand({ serviceName: 'fargate-web', desiredStatus: 'RUNNING' }));
      if (taskArns.length === 0) return [];
      const { tasks = [] } = await ecs.send(new DescribeTasksCommand({ tasks: taskArns }));
      return tasks.filter((t) => t.lastStatus === 'RUNNING' && t.taskDefinitionArn === definition);
    };
    await eventually(async () => ((await runningOf(v1.taskDefinitionArn!)).length === 2 ? true : undefined), 'two tasks of revision 1', 60_000);
    const v2 = await td('two');
    await ecs.send(new UpdateServiceCommand({ service: 'fargate-web', taskDefinition: v2.taskDefinitionArn }));
    const done = await eventually(async () => {
      const { services: [s] = [] } = await ecs.send(new DescribeServicesCommand({ services: ['fargate-web'] }));
      const [d] = s!.deployments!;
      return s!.deployments!.length === 1 && d!.rolloutState === 'COMPLETED' ? s : undefined;
    }, 'the rolling deployment', 120_000);
    assert.equal(done!.taskDefinition, v2.taskDefinitionArn);
    assert.equal(done!.deployments![0]!.launchType, 'FARGATE');
    const tasks = await runningOf(v2.taskDefinitionArn!);
    assert.equal(tasks.length, 2);
    assert.ok(tasks.every((t) => t.launchType === 'FARGATE' && t.group === 'service:fargate-web'));
    await ecs.send(new UpdateServiceCommand({ service: 'fargate-web', desiredCount: 0 }));
    await eventually(async () => ((await runningOf(v2.taskDefinitionArn!)).length === 0 ? true : undefined), 'the service scaled in', 60_000);
  });

  test("refusals with ECS's errors", async () => {
    const refused = (p: Promise<unknown>, name: string, message: RegExp) =>
      assert.rejects(p, (err: Error) => (err.name === name && message.test(err.message)) || assert.fail(`${err.name}: ${err.message}`));
    await refused(ecs.send(new RunTaskCommand({ taskDefinition: 'web', launchType: 'FARGATE', networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-00000000000000000'] } } })),
      'InvalidParameterException', /The subnet ID 'subnet-00000000000000000' does not exist \(ErrorCode: InvalidSubnetID.NotFound\)/);
    await refused(ecs.send(new RunTaskCommand({ taskDefinition: 'web', launchType: 'FARGATE', networkConfiguration: { awsvpcConfiguration: { subnets: [subnet], securityGroups: ['sg-00000000000000000'] } } })),
      'InvalidParameterException', /InvalidGroup.NotFound/);
    await refused(ecs.send(new RegisterTaskDefinitionCommand({ family: 'bad', requiresCompatibilities: ['FARGATE'], networkMode: 'awsvpc', cpu: '256', memory: '4096', containerDefinitions: [{ name: 'a', image: IMAGE }] })),
      'ClientException', /^No Fargate configuration exists for given values: 256 CPU, 4096 memory/);
    await refused(ecs.send(new RegisterTaskDefinitionCommand({ family: 'bad', requiresCompatibilities: ['FARGATE'], networkMode: 'awsvpc', cpu: '256', memory: '512', containerDefinitions: [{ name: 'a', image: IMAGE, privileged: true }] })),
      'ClientException', /Fargate compatible task definitions do not support privileged/);
  });
});

describe('the EC2 launch type', () => {
  test('an awsvpc task on the container instance gets its own address too; every task reads its metadata', async () => {
    const { taskDefinition } = await ecs.send(new RegisterTaskDefinitionCommand({
      family: 'ec2-vpc',
      networkMode: 'awsvpc',
      containerDefinitions: [{ name: 'web', image: IMAGE, memory: 64, command: ['sh', '-c', `wget -qO- $ECS_CONTAINER_METADATA_URI_V4/task; echo; ${serve(80)[2]}`] }],
    }));
    assert.deepEqual(taskDefinition!.compatibilities, ['EC2'], 'no task-level size: not Fargate');
    const web = (await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: ['web'] }] }))).SecurityGroups![0]!.GroupId!;
    const { tasks: [created] = [] } = await ecs.send(new RunTaskCommand({
      taskDefinition: 'ec2-vpc',
      networkConfiguration: { awsvpcConfiguration: { subnets: [subnet], securityGroups: [web] } },
    }));
    started.push(created!.taskArn!);
    const task = await taskWhen(created!.taskArn!, 'RUNNING');
    assert.deepEqual([task.launchType, task.containerInstanceArn], ['EC2', instanceArn]);
    // RUNNING once its container starts: its server listens a moment later, after it has read its metadata.
    await eventually(async () => ((await get(`http://${addressOf(task)}/`)) === '200 wharf' ? true : undefined), 'the task serving');
    const meta = JSON.parse(docker('logs', task.containers![0]!.runtimeId!).split('\n')[0]!);
    assert.deepEqual([meta.TaskARN, meta.LaunchType, meta.Containers[0].Networks[0].IPv4Addresses[0]], [task.taskArn, 'EC2', addressOf(task)]);
    assert.match(meta.VPCID, /^vpc-/);

    await ecs.send(new RegisterTaskDefinitionCommand({
      family: 'ec2-bridge',
      containerDefinitions: [{ name: 'app', image: IMAGE, memory: 64, command: ['sh', '-c', 'wget -qO- $ECS_CONTAINER_METADATA_URI_V4'] }],
    }));
    const { tasks: [bridged] = [] } = await ecs.send(new RunTaskCommand({ taskDefinition: 'ec2-bridge' }));
    const own = JSON.parse(await outputOf(bridged!.taskArn!));
    assert.deepEqual([own.Name, own.Networks[0].NetworkMode], ['app', 'bridge']);
    await ecs.send(new StopTaskCommand({ task: task.taskArn }));
  });
});

describe('after the tasks', () => {
  test('usage records: the billed duration of each stopped Fargate task, at least a minute', async () => {
    const taskArn = await runFargate('hog');
    const stopped = await taskWhen(taskArn, 'STOPPED');
    const db = new Database(join(wharf.dataDir, 'wharf.db'), { readonly: true });
    try {
      const usage = await eventually(async () => {
        // Regional records are stored as `<kind>@<region>`.
        const row = db.prepare("SELECT doc FROM records WHERE kind = 'usage@us-east-1' AND id = ?").get(taskArn) as { doc: string } | undefined;
        return row && JSON.parse(row.doc);
      }, 'the usage record');
      assert.deepEqual([usage.launchType, usage.vcpu, usage.memoryGB, usage.billedSeconds], ['FARGATE', 0.25, 0.5, 60], 'an OOM in seconds is billed a minute');
      assert.ok(stopped.stoppedAt!.getTime() - stopped.createdAt!.getTime() < 60_000);
    } finally {
      db.close();
    }
    // `wharf cost` prices it as AWS bills it: a minute of 0.25 vCPU and 0.5 GB at us-east-1's Fargate prices.
    const report = JSON.parse(execFileSync(process.execPath, [WHARF_BIN, 'cost', '--by', 'family', '--json', '--data-dir', wharf.dataDir]).toString());
    // Both hogs (this one and the memory limit's) ran under a minute each.
    const hog = report.lines.find((l: { key: string }) => l.key === 'hog');
    assert.equal(hog.cost.toFixed(8), ((hog.tasks * (0.25 * 0.04048 + 0.5 * 0.004445)) / 60).toFixed(8));
    assert.equal(typeof report.onEc2.instanceType, 'string');
    assert.match(execFileSync(process.execPath, [WHARF_BIN, 'cost', '--data-dir', wharf.dataDir]).toString(), /^total \d+\.\d{4} USD$/m);
  });

  test('nothing is left once the tasks have stopped: no pause container, network, firewall chain or interface', async () => {
    await Promise.all(started.map((task) => ecs.send(new StopTaskCommand({ task })).catch(() => undefined)));
    await eventually(async () => {
      const { taskArns = [] } = await ecs.send(new ListTasksCommand({ desiredStatus: 'RUNNING' }));
      return taskArns.length === 0 ? true : undefined;
    }, 'every task stopped', 60_000);
    await eventually(async () => {
      const { taskArns = [] } = await ecs.send(new ListTasksCommand({ desiredStatus: 'STOPPED' }));
      const { tasks = [] } = taskArns.length ? await ecs.send(new DescribeTasksCommand({ tasks: taskArns })) : { tasks: [] };
      return tasks.every((t) => t.lastStatus === 'STOPPED') ? true : undefined;
    }, 'every task reported STOPPED', 60_000);
    const own = `label=wharf.container-instance-arn=${instanceArn}`;
    // Only the pause containers kept ready for the next tasks are left; the subnet network goes after its linger.
    const pauses = docker('ps', '-a', '--format', '{{.Names}}', '--filter', `label=wharf.pause-of=${instanceArn}`).split('\n').filter(Boolean);
    assert.deepEqual(pauses.filter((name) => !name.startsWith('wharf-pause-ready-')), [], 'no pause container of a task');
    await eventually(async () => (docker('network', 'ls', '-q', '--filter', own) === '' ? true : undefined), 'the subnet network removed');
    // The firewall's emptied chains leave with the same linger (back-to-back tasks find them hooked in).
    await eventually(async () => (execFileSync('iptables', ['-S']).toString().includes(chainName(instanceArn)) ? undefined : true), 'no firewall chain');
    const { NetworkInterfaces = [] } = await ec2.send(new DescribeNetworkInterfacesCommand({}));
    assert.deepEqual(NetworkInterfaces, []);
    // And the containers themselves, after the cleanup wait.
    await eventually(async () => (docker('ps', '-aq', '--filter', own) === '' ? true : undefined), 'containers cleaned up', 60_000);
  });
});
