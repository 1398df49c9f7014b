// Tasks find each other by their Cloud Map names through Wharf's DNS server, which `wharf up` runs on the
// Docker bridge gateway and gives every task as its resolver: an awsvpc service (A record, its ENI address)
// and a bridge service (SRV, its instance's address and host port) are called by name from a bridge task and
// from an awsvpc task, and a killed task's record is gone within a second (the requirement).
// Service Connect: client services (awsvpc and bridge) call a server service by its client alias through their
// tasks' proxies, which spread the calls over every server task and stop sending to one that stopped; the
// requests reach CloudWatch as AWS/ECS RequestCount; DescribeTasks lists each task's proxy container. Servers
// are reached through their own proxies' ingress listeners: awsvpc at the intercepted container port, bridge at
// the host port the proxy's listener is published on.
import { CloudWatchClient, GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import { CreateHttpNamespaceCommand, CreatePrivateDnsNamespaceCommand, CreateServiceCommand, GetOperationCommand, ServiceDiscoveryClient } from '@aws-sdk/client-servicediscovery';
import { AuthorizeSecurityGroupIngressCommand, CreateSecurityGroupCommand, DescribeSubnetsCommand, DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  CreateServiceCommand as CreateEcsServiceCommand,
  DeleteServiceCommand as DeleteEcsServiceCommand,
  DescribeTasksCommand,
  ListContainerInstancesCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  type ECSClient,
  type NetworkConfiguration,
  type PortMapping,
  type Task,
} from '@aws-sdk/client-ecs';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { after, before, test } from 'node:test';
import * as packet from 'dns-packet';
import { eventually, startWharf, type WharfProcess } from './wharf-process.js';

const docker = (...args: string[]) => execFileSync('docker', args).toString().trim();
const IMAGE = 'wharf-test/busybox:latest';

let wharf: WharfProcess;
let ecs: ECSClient;
let instanceArn: string;
let resolver: string;
let awsvpc: NetworkConfiguration;

/** What Wharf's DNS server on the bridge gateway (port 53) answers to `name`, as the tasks ask it. */
async function dig(name: string, type: packet.RecordType = 'A'): Promise<unknown[]> {
  const socket = createSocket('udp4');
  try {
    return await new Promise((resolve, reject) => {
      socket.once('message', (m) => resolve((packet.decode(m) as unknown as { answers: { data: unknown }[] }).answers.map((a) => a.data)));
      socket.once('error', reject);
      socket.send(packet.encode({ type: 'query', id: 7, flags: packet.RECURSION_DESIRED, questions: [{ type, name }] }), 53, resolver);
      setTimeout(() => reject(new Error(`no answer for ${name}`)), 2000);
    });
  } finally {
    socket.close();
  }
}

async function runningTasks(serviceName: string): Promise<Task[]> {
  const { taskArns = [] } = await ecs.send(new ListTasksCommand({ serviceName }));
  const { tasks = [] } = taskArns.length ? await ecs.send(new DescribeTasksCommand({ tasks: taskArns })) : {};
  return tasks.filter((t) => t.lastStatus === 'RUNNING');
}

/** A server answering `body` on `port`, stopping at once on SIGTERM. */
const httpd = (body: string, port: number) => ['sh', '-c', `mkdir -p /www && echo ${body} > /www/index.html && trap "exit 0" TERM; httpd -f -p ${port} -h /www & wait`];

// Calls api by its A name and web through its SRV record, resolving with busybox's nslookup (its own
// resolver, reading the container's resolv.conf; the static busybox's libc lookups cannot load NSS, and its
// wget faults without them: nc speaks HTTP): `Name: <name>` then `Address: <a>`, and
// `<name> service = <priority> <weight> <port> <target>`.
const caller = () => [
  'exec 2>&1; set -ex',
  "address() { nslookup -type=A \"$1\" | sed -n '/^Name:/,$ s/^Address: *//p' | head -1; }",
  'get() { printf "GET / HTTP/1.0\\r\\n\\r\\n" | nc -w 3 "$1" "$2"; }',
  'api=$(address api.calls.local); test -n "$api"',
  'get "$api" 8080 | grep -q api-ok',
  'set -- $(nslookup -type=SRV web.calls.local | grep "service =" | head -1)',
  'web=$(address "$7")',
  'get "$web" "$6" | grep -q web-ok',
].join('\n');

before(async () => {
  wharf = await startWharf({ hostWide: true, env: { WHARF_METRICS_INTERVAL: '1' } });
  ecs = wharf.ecs();
  resolver = docker('network', 'inspect', 'bridge', '-f', '{{(index .IPAM.Config 0).Gateway}}');
  const ec2 = new EC2Client({ endpoint: wharf.endpoint, region: 'us-east-1', credentials: wharf.credentials });
  const vpcId = (await ec2.send(new DescribeVpcsCommand({}))).Vpcs!.find((v) => v.IsDefault)!.VpcId!;
  const { Subnets = [] } = await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'availability-zone', Values: ['us-east-1a'] }] }));
  awsvpc = { awsvpcConfiguration: { subnets: [Subnets[0]!.SubnetId!] } };
  // api's group lets callers on any network in (the default group admits only its own members).
  const { GroupId } = await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'calls-api', Description: 'api callers', VpcId: vpcId }));
  await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }));
  const apiNetwork = { awsvpcConfiguration: { ...awsvpc.awsvpcConfiguration!, securityGroups: [GroupId!] } };
  instanceArn = (await ecs.send(new ListContainerInstancesCommand({}))).containerInstanceArns![0]!;

  const sd = new ServiceDiscoveryClient({ endpoint: wharf.endpoint, region: 'us-east-1', credentials: wharf.credentials });
  const { OperationId } = await sd.send(new CreatePrivateDnsNamespaceCommand({ Name: 'calls.local', Vpc: vpcId }));
  const NamespaceId = (await sd.send(new GetOperationCommand({ OperationId }))).Operation!.Targets!.NAMESPACE!;
  const api = (await sd.send(new CreateServiceCommand({ Name: 'api', NamespaceId, DnsConfig: { DnsRecords: [{ Type: 'A', TTL: 1 }] } }))).Service!;
  const web = (await sd.send(new CreateServiceCommand({ Name: 'web', NamespaceId, DnsConfig: { DnsRecords: [{ Type: 'SRV', TTL: 1 }] } }))).Service!;

  await ecs.send(new RegisterTaskDefinitionCommand({
    family: 'calls-api',
    networkMode: 'awsvpc',
    containerDefinitions: [{ name: 'api', image: IMAGE, memory: 32, command: httpd('api-ok', 8080), portMappings: [{ containerPort: 8080 }], stopTimeout: 2 }],
  }));
  await ecs.send(new RegisterTaskDefinitionCommand({
    family: 'calls-web',
    containerDefinitions: [{ name: 'web', image: IMAGE, memory: 32, command: httpd('web-ok', 80), portMappings: [{ containerPort: 80, hostPort: 0 }], stopTimeout: 2 }],
  }));
  for (const networkMode of ['bridge', 'awsvpc'] as const) {
    await ecs.send(new RegisterTaskDefinitionCommand({
      family: `calls-caller-${networkMode}`,
      networkMode,
      // The bridge caller reaches api across Docker's isolation of bridge networks, as api's security group allows.
      containerDefinitions: [{ name: 'caller', image: IMAGE, memory: 32, command: ['sh', '-c', caller()] }],
    }));
  }
  await ecs.send(new CreateEcsServiceCommand({ serviceName: 'calls-api', taskDefinition: 'calls-api', desiredCount: 1, networkConfiguration: apiNetwork, serviceRegistries: [{ registryArn: api.Arn }] }));
  await ecs.send(new CreateEcsServiceCommand({ serviceName: 'calls-web', taskDefinition: 'calls-web', desiredCount: 1, serviceRegistries: [{ registryArn: web.Arn, containerName: 'web', containerPort: 80 }] }));
});

after(async () => {
  for (const service of ['calls-api', 'calls-web', 'connect-api', 'connect-web', 'connect-client', 'connect-client-bridge']) await ecs?.send(new DeleteEcsServiceCommand({ service, force: true })).catch(() => undefined);
  await wharf?.stop();
  // Whatever this run's agent left (it leaves containers for a restart to adopt) goes.
  if (!instanceArn) return;
  const own = `label=wharf.container-instance-arn=${instanceArn}`;
  const leftovers = [own, `label=wharf.pause-of=${instanceArn}`, `label=wharf.service-connect-of=${instanceArn}`].flatMap((label) => docker('ps', '-aq', '--filter', label).split('\n')).filter(Boolean);
  if (leftovers.length) docker('rm', '-f', ...leftovers);
  const networks = docker('network', 'ls', '-q', '--filter', own).split('\n').filter(Boolean);
  if (networks.length) docker('network', 'rm', ...networks);
});

test('a bridge task and an awsvpc task resolve both services by their Cloud Map names and call them', async () => {
  const [api] = await eventually(async () => ((await runningTasks('calls-api')).length ? runningTasks('calls-api') : undefined), 'the api task RUNNING', 60_000);
  const address = api!.containers![0]!.networkInterfaces![0]!.privateIpv4Address!;
  await eventually(async () => ((await dig('api.calls.local')).includes(address) ? true : undefined), 'api answered by its ENI address');
  await eventually(async () => ((await dig('web.calls.local', 'SRV')).length ? true : undefined), 'web answered by SRV', 60_000);
  for (const mode of ['bridge', 'awsvpc'] as const) {
    const { tasks: [caller] = [] } = await ecs.send(new RunTaskCommand({ taskDefinition: `calls-caller-${mode}`, ...(mode === 'awsvpc' && { networkConfiguration: awsvpc }) }));
    const stopped = await eventually(async () => {
      const { tasks: [t] = [] } = await ecs.send(new DescribeTasksCommand({ tasks: [caller!.taskArn!] }));
      return t?.lastStatus === 'STOPPED' ? t : undefined;
    }, `the ${mode} caller done`, 60_000);
    const output = () => docker('logs', docker('ps', '-aq', '--filter', `label=com.amazonaws.ecs.task-arn=${caller!.taskArn}`));
    assert.equal(stopped.containers![0]!.exitCode, 0, `the ${mode} caller reached both services by name:\n${stopped.containers![0]!.exitCode === 0 ? '' : output()}`);
  }
});

test("a killed task's record is gone within a second", async () => {
  const [web] = await runningTasks('calls-web');
  const taskId = web!.taskArn!.split('/').at(-1)!;
  const listed = async () => (await dig('web.calls.local', 'SRV')).some((d) => (d as { target: string }).target.startsWith(taskId));
  assert.ok(await listed(), 'the web task answered');
  docker('kill', docker('ps', '-q', '--filter', `label=com.amazonaws.ecs.task-arn=${web!.taskArn}`));
  // The deadline is the issue's: answers change within a second of the task's state change.
  await eventually(async () => ((await listed()) ? undefined : true), 'the killed task gone from the answers', 1000);
});

test('Service Connect: bridge and awsvpc clients reach every server task by its alias through their proxies, and a stopped one no more', async () => {
  const sd = new ServiceDiscoveryClient({ endpoint: wharf.endpoint, region: 'us-east-1', credentials: wharf.credentials });
  await sd.send(new CreateHttpNamespaceCommand({ Name: 'connect' }));
  const ec2 = new EC2Client({ endpoint: wharf.endpoint, region: 'us-east-1', credentials: wharf.credentials });
  const vpcId = (await ec2.send(new DescribeVpcsCommand({}))).Vpcs!.find((v) => v.IsDefault)!.VpcId!;
  const { GroupId } = await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'connect-api', Description: 'api', VpcId: vpcId }));
  await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }));
  const register = (family: string, networkMode: 'awsvpc' | 'bridge', command: string, portMappings?: PortMapping[]) =>
    ecs.send(new RegisterTaskDefinitionCommand({ family, networkMode, containerDefinitions: [{ name: family, image: IMAGE, memory: 32, stopTimeout: 2, command: ['sh', '-c', command], portMappings }] }));
  // Each server task answers with its own address.
  await register('connect-api', 'awsvpc', 'mkdir -p /www && echo "answer $(ip -4 -o addr show scope global | awk \'{print $4}\' | cut -d/ -f1) ." > /www/index.html && trap "exit 0" TERM; httpd -f -p 8080 -h /www & wait', [
    { containerPort: 8080, name: 'http', appProtocol: 'http' },
  ]);
  // A bridge server, reached through its proxy's ingress listener (published on an ephemeral host port).
  await register('connect-web', 'bridge', 'mkdir -p /www && echo web-answer > /www/index.html && trap "exit 0" TERM; httpd -f -p 8080 -h /www & wait', [
    { containerPort: 8080, hostPort: 0, name: 'web', appProtocol: 'http' },
  ]);
  // A client calls the aliases as its hosts file resolves them (busybox's static nc reads no hosts file itself):
  // in an awsvpc task, the proxy's loopback listeners; in a bridge task, the proxy container's address.
  const client = [
    'trap "exit 0" TERM; host() { awk -v n="$1" \'$2==n {print $1; exit}\' /etc/hosts; }; a=$(host api.connect); w=$(host web.connect); echo "alias $a"',
    'while true; do printf "GET / HTTP/1.0\\r\\n\\r\\n" | nc -w 2 "$a" 80 | grep answer || echo failed; printf "GET / HTTP/1.0\\r\\n\\r\\n" | nc -w 2 "$w" 81 | grep web-answer || echo web-failed; sleep 0.2; done',
  ].join('; ');
  await register('connect-client', 'awsvpc', client);
  await register('connect-client-bridge', 'bridge', client);
  await ecs.send(new CreateEcsServiceCommand({
    serviceName: 'connect-api', taskDefinition: 'connect-api', desiredCount: 2,
    networkConfiguration: { awsvpcConfiguration: { ...awsvpc.awsvpcConfiguration!, securityGroups: [GroupId!] } },
    serviceConnectConfiguration: { enabled: true, namespace: 'connect', services: [{ portName: 'http', discoveryName: 'api', clientAliases: [{ port: 80, dnsName: 'api.connect' }] }] },
  }));
  await ecs.send(new CreateEcsServiceCommand({
    serviceName: 'connect-web', taskDefinition: 'connect-web', desiredCount: 1,
    serviceConnectConfiguration: { enabled: true, namespace: 'connect', services: [{ portName: 'web', clientAliases: [{ port: 81, dnsName: 'web.connect' }], timeout: { idleTimeoutSeconds: 30, perRequestTimeoutSeconds: 5 } }] },
  }));
  const servers = await eventually(async () => {
    const running = await runningTasks('connect-api');
    return running.length === 2 ? running : undefined;
  }, 'both server tasks RUNNING', 60_000);
  const [web] = await eventually(async () => ((await runningTasks('connect-web')).length ? runningTasks('connect-web') : undefined), 'the bridge server RUNNING', 60_000);
  // Its proxy's ingress listener is published on a host port, which is where Cloud Map has the task.
  const [ingress] = web!.containers![0]!.networkBindings!;
  assert.ok(ingress && ingress.hostPort! > 0, 'the bridge proxy publishes its ingress listener');
  // DescribeTasks lists each task's proxy first, as ECS does, with its Docker container's id.
  for (const server of servers) {
    const [proxy, app] = server.containers!;
    assert.match(proxy!.name!, /^ecs-service-connect-[0-9A-Za-z]{5}$/);
    assert.equal(app!.name, 'connect-api');
    assert.equal(proxy!.lastStatus, 'RUNNING');
    assert.equal(docker('inspect', '-f', '{{.Name}}', proxy!.runtimeId!), `/ecs-connect-api-1-${proxy!.name}-${server.taskArn!.split('/').at(-1)}`);
    assert.deepEqual(server.attachments!.find((a) => a.type === 'ServiceConnect')!.details, [{ name: 'ContainerName', value: proxy!.name }]);
  }
  await eventually(async () => {
    const { tasks = [] } = await ecs.send(new DescribeTasksCommand({ tasks: servers.map((t) => t.taskArn!) }));
    return tasks.every((t) => t.containers![0]!.healthStatus === 'HEALTHY') ? true : undefined;
  }, 'each proxy HEALTHY while it serves');
  // In each awsvpc server's namespace, its port's connections go to its proxy's ingress listener (ECS's intercept).
  for (const server of servers) {
    const pause = docker('ps', '-q', '--filter', `name=internalecspause-${server.taskArn!.split('/').at(-1)}`);
    const rules = execFileSync('nsenter', ['-t', docker('inspect', '-f', '{{.State.Pid}}', pause), '-n', 'iptables', '-w', '-t', 'nat', '-S', 'PREROUTING']).toString();
    assert.match(rules, /--dport 8080 -j REDIRECT --to-ports 15000/);
  }
  await ecs.send(new CreateEcsServiceCommand({
    serviceName: 'connect-client', taskDefinition: 'connect-client', desiredCount: 1, networkConfiguration: awsvpc,
    serviceConnectConfiguration: { enabled: true, namespace: 'connect' },
  }));
  await ecs.send(new CreateEcsServiceCommand({ serviceName: 'connect-client-bridge', taskDefinition: 'connect-client-bridge', desiredCount: 1, serviceConnectConfiguration: { enabled: true, namespace: 'connect' } }));
  const clients = await Promise.all(['connect-client', 'connect-client-bridge'].map((name) =>
    eventually(async () => (await runningTasks(name))[0], `${name} RUNNING`, 60_000)));
  const lines = (t: Task) => docker('logs', docker('ps', '-q', '--filter', `label=com.amazonaws.ecs.task-arn=${t.taskArn}`, '--filter', `label=com.amazonaws.ecs.container-name=${t.containers!.at(-1)!.name}`)).split('\n');
  const answersFrom = (t: Task) => (line: string) => line === `answer ${t.containers!.at(-1)!.networkInterfaces![0]!.privateIpv4Address} .`;
  for (const c of clients) {
    await eventually(async () => (servers.every((t) => lines(c).some(answersFrom(t))) ? true : undefined), `answers from both server tasks to ${c.group}`, 30_000);
    await eventually(async () => (lines(c).includes('web-answer') ? true : undefined), `answers from the bridge server to ${c.group}`, 30_000);
  }
  assert.match(lines(clients[0]!)[0]!, /^alias 127\.255\.0\.1$/, 'the alias resolves to the proxy in the awsvpc task');
  const bridgeProxy = clients[1]!.containers![0]!;
  assert.equal(lines(clients[1]!)[0], `alias ${docker('inspect', '-f', '{{.NetworkSettings.IPAddress}}', bridgeProxy.runtimeId!)}`, "the alias resolves to the bridge task's proxy container");

  await ecs.send(new StopTaskCommand({ task: servers[0]!.taskArn }));
  await eventually(async () => {
    const { tasks: [t] = [] } = await ecs.send(new DescribeTasksCommand({ tasks: [servers[0]!.taskArn!] }));
    return t?.lastStatus === 'STOPPED' ? true : undefined;
  }, 'the stopped server task STOPPED', 30_000);
  for (const c of clients) {
    const from = lines(c).length;
    await eventually(async () => (lines(c).length > from + 10 ? true : undefined), 'ten more calls', 30_000);
    const after = lines(c).slice(from);
    assert.ok(!after.some(answersFrom(servers[0]!)), 'the stopped task answers no more');
    assert.ok(!after.some((l) => l.endsWith('failed')), `no call of ${c.group} failed:\n${after.join('\n')}`);
    assert.ok(after.some(answersFrom(servers[1]!)), 'the other task answers');
  }

  const cloudwatch = new CloudWatchClient({ endpoint: wharf.endpoint, region: 'us-east-1', credentials: wharf.credentials });
  const requests = async () => {
    const { Datapoints = [] } = await cloudwatch.send(new GetMetricStatisticsCommand({
      Namespace: 'AWS/ECS', MetricName: 'RequestCount', Statistics: ['Sum'], Period: 60,
      StartTime: new Date(Date.now() - 600_000), EndTime: new Date(Date.now() + 60_000),
      Dimensions: [{ Name: 'ClusterName', Value: 'default' }, { Name: 'ServiceName', Value: 'connect-api' }, { Name: 'DiscoveryName', Value: 'api' }],
    }));
    return Datapoints.reduce((sum, d) => sum + (d.Sum ?? 0), 0);
  };
  await eventually(async () => ((await requests()) > 10 ? true : undefined), 'RequestCount of the server service in CloudWatch', 30_000);

  // The proxy is essential: one killed stops its task, as ECS stops a task whose essential container exited.
  docker('kill', web!.containers![0]!.runtimeId!);
  const killed = await eventually(async () => {
    const { tasks: [t] = [] } = await ecs.send(new DescribeTasksCommand({ tasks: [web!.taskArn!] }));
    return t?.lastStatus === 'STOPPED' ? t : undefined;
  }, 'the task of the killed proxy STOPPED', 30_000);
  assert.equal(killed.stopCode, 'EssentialContainerExited');
  assert.equal(killed.containers![0]!.exitCode, 137);
});
