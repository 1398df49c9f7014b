// Load balancers end to end: the real `wharf up`, the real ELBv2 SDK client and AWS CLI, real HAProxy and
// real containers. Every request goes to loopback; every load loop is bounded in count and time.
import {
  CreateServiceCommand,
  DeleteServiceCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  type ECSClient,
} from '@aws-sdk/client-ecs';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  SetSecurityGroupsCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DescribeListenersCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  ModifyTargetGroupAttributesCommand,
  type Action,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { eventually, freePort, openSecurityGroup, startWharf, type WharfProcess } from './wharf-process.js';

const IMAGE = 'wharf-test/busybox:latest';
const hasHaproxy = spawnSync('haproxy', ['-v']).status === 0;
const hasTools = spawnSync('openssl', ['version']).status === 0 && spawnSync('aws', ['--version']).status === 0;

let wharf: WharfProcess;
let ecs: ECSClient;
let elb: ElasticLoadBalancingV2Client;

const aws = (...args: string[]) => JSON.parse(execFileSync('aws', [...args, '--output', 'json'], { env: wharf.env }).toString() || '{}');

interface Reply {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** One HTTP request to a listener on loopback, with the Host header a client of its DNS name would send. */
function get(port: number, path = '/', host = 'localhost', agent: Agent | false = false): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent, headers: { host }, timeout: 10_000 }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body: body.trim(), headers: res.headers }));
    });
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end();
  });
}

/** A task definition of busybox httpd answering `body` on / and /api/ (and `health` on /health unless unhealthy). */
async function webDefinition(family: string, body: string, healthy = true): Promise<string> {
  const files = [`mkdir -p /www/api`, `echo ${body} > /www/index.html`, `echo ${body} > /www/api/index.html`, healthy ? 'echo ok > /www/health' : 'true'];
  const { taskDefinition } = await ecs.send(
    new RegisterTaskDefinitionCommand({
      family,
      containerDefinitions: [
        {
          name: 'web',
          image: IMAGE,
          memory: 32,
          portMappings: [{ containerPort: 80, hostPort: 0 }],
          command: ['sh', '-c', `${files.join(' && ')} && exec httpd -f -p 80 -h /www`],
          // httpd as PID 1 ignores SIGTERM (it has no handler): SIGKILL follows after 2 s, not 30.
          stopTimeout: 2,
        },
      ],
    }),
  );
  return taskDefinition!.taskDefinitionArn!;
}

async function targetGroup(name: string, extra: Partial<ConstructorParameters<typeof CreateTargetGroupCommand>[0]> = {}): Promise<string> {
  const { TargetGroups } = await elb.send(
    new CreateTargetGroupCommand({
      Name: name,
      Protocol: 'HTTP',
      Port: 80,
      HealthCheckPath: '/health',
      HealthCheckIntervalSeconds: 5,
      HealthCheckTimeoutSeconds: 2,
      HealthyThresholdCount: 2,
      UnhealthyThresholdCount: 2,
      ...extra,
    }),
  );
  const arn = TargetGroups![0]!.TargetGroupArn!;
  // Tests need not wait five minutes for a target to drain.
  await elb.send(new ModifyTargetGroupAttributesCommand({ TargetGroupArn: arn, Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '3' }] }));
  return arn;
}

const createdServices: string[] = [];

async function service(name: string, taskDefinition: string, tgArn: string, desiredCount = 2, containerPort = 80, containerName = 'web'): Promise<void> {
  createdServices.push(name);
  await ecs.send(
    new CreateServiceCommand({
      serviceName: name,
      taskDefinition,
      desiredCount,
      loadBalancers: [{ targetGroupArn: tgArn, containerName, containerPort }],
      healthCheckGracePeriodSeconds: 0,
      deploymentConfiguration: { maximumPercent: 200, minimumHealthyPercent: 100 },
    }),
  );
}

async function healthyTargets(tgArn: string, count: number): Promise<void> {
  await eventually(async () => {
    const { TargetHealthDescriptions = [] } = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: tgArn }));
    const healthy = TargetHealthDescriptions.filter((d) => d.TargetHealth?.State === 'healthy');
    return healthy.length === count ? true : undefined;
  }, `${count} healthy targets`, 60_000);
}

const forward = (arn: string): Action[] => [{ Type: 'forward', TargetGroupArn: arn }];

before(async () => {
  if (!hasHaproxy) return;
  wharf = await startWharf();
  ecs = wharf.ecs();
  elb = new ElasticLoadBalancingV2Client({ endpoint: wharf.endpoint, region: 'us-east-1', credentials: wharf.credentials });
});
after(async () => {
  // Services would replace the tasks Wharf's stop drains: delete them first (their tasks drain, then stop).
  for (const name of createdServices) await ecs.send(new DeleteServiceCommand({ service: name, force: true }));
  await wharf?.stop();
});

describe('application load balancer', { skip: !hasHaproxy && 'haproxy is not installed' }, () => {
  let port: number;
  let lbArn: string;
  let dnsName: string;
  let tgA: string;
  let tgB: string;
  let listenerArn: string;
  let publicGroup: string;

  before(async () => {
    port = await freePort();
    // An ALB's security groups decide who connects (the VPC's default group lets no one in from outside it).
    publicGroup = await openSecurityGroup(wharf, 'alb-web');
    const { LoadBalancers } = await elb.send(new CreateLoadBalancerCommand({ Name: 'web', Type: 'application', SecurityGroups: [publicGroup] }));
    lbArn = LoadBalancers![0]!.LoadBalancerArn!;
    dnsName = LoadBalancers![0]!.DNSName!;
    tgA = await targetGroup('svc-a');
    tgB = await targetGroup('svc-b');
    const { Listeners } = await elb.send(new CreateListenerCommand({ LoadBalancerArn: lbArn, Port: port, Protocol: 'HTTP', DefaultActions: forward(tgA) }));
    listenerArn = Listeners![0]!.ListenerArn!;
    await elb.send(new CreateRuleCommand({ ListenerArn: listenerArn, Priority: 10, Conditions: [{ Field: 'path-pattern', Values: ['/api/*'] }], Actions: forward(tgB) }));
    await elb.send(new CreateRuleCommand({ ListenerArn: listenerArn, Priority: 20, Conditions: [{ Field: 'host-header', Values: ['b.example.com'] }], Actions: forward(tgB) }));
    await service('svc-a', await webDefinition('svc-a', 'svc-a'), tgA);
    await service('svc-b', await webDefinition('svc-b', 'svc-b'), tgB);
    await healthyTargets(tgA, 2);
    await healthyTargets(tgB, 2);
  });

  test('routes by path and by host to two services, spreading across their tasks', async () => {
    assert.equal((await get(port, '/', dnsName)).body, 'svc-a');
    assert.equal((await get(port, '/api/', dnsName)).body, 'svc-b');
    assert.equal((await get(port, '/', 'b.example.com')).body, 'svc-b');
    // The DNS name resolves to this host (curl resolves *.localhost to loopback itself).
    assert.equal(execFileSync('curl', ['-s', `http://${dnsName}:${port}/`]).toString().trim(), 'svc-a');
    const { taskArns = [] } = await ecs.send(new ListTasksCommand({ serviceName: 'svc-a' }));
    const { tasks = [] } = await ecs.send(new DescribeTasksCommand({ tasks: taskArns }));
    const hostPorts = tasks.map((t) => t.containers![0]!.networkBindings![0]!.hostPort);
    const { TargetHealthDescriptions = [] } = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: tgA }));
    assert.deepEqual(TargetHealthDescriptions.map((d) => d.Target!.Port).sort(), hostPorts.sort());
  });

  test('weighted forward, fixed response and redirect', async () => {
    await elb.send(
      new CreateRuleCommand({
        ListenerArn: listenerArn,
        Priority: 30,
        Conditions: [{ Field: 'host-header', Values: ['split.example.com'] }],
        Actions: [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: tgA, Weight: 1 }, { TargetGroupArn: tgB, Weight: 1 }] } }],
      }),
    );
    await elb.send(new CreateRuleCommand({ ListenerArn: listenerArn, Priority: 40, Conditions: [{ Field: 'path-pattern', Values: ['/teapot'] }], Actions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '418', ContentType: 'text/plain', MessageBody: 'short and stout' } }] }));
    await elb.send(new CreateRuleCommand({ ListenerArn: listenerArn, Priority: 50, Conditions: [{ Field: 'path-pattern', Values: ['/old/*'] }], Actions: [{ Type: 'redirect', RedirectConfig: { Path: '/new/#{path}', StatusCode: 'HTTP_301' } }] }));
    const teapot = await eventually(async () => {
      const reply = await get(port, '/teapot');
      return reply.status === 418 ? reply : undefined;
    }, 'the fixed-response rule');
    assert.equal(teapot.body, 'short and stout');
    const moved = await get(port, '/old/page?x=1', 'shop.example.com');
    assert.equal(moved.status, 301);
    assert.equal(moved.headers.location, `http://shop.example.com:${port}/new/old/page?x=1`);
    // Half the requests to each group: forty requests see both (all forty to one: a chance of 2^-39).
    const seen = new Set<string>();
    for (let i = 0; i < 40 && seen.size < 2; i++) seen.add((await get(port, '/', 'split.example.com')).body);
    assert.deepEqual([...seen].sort(), ['svc-a', 'svc-b']);
  });

  test("the load balancer's security groups decide who connects, and follow SetSecurityGroups at once", async () => {
    const { GroupId: inside } = aws('ec2', 'create-security-group', '--group-name', 'alb-inside', '--description', 'the VPC only');
    aws('ec2', 'authorize-security-group-ingress', '--group-id', inside, '--protocol', 'tcp', '--port', String(port), '--cidr', '172.31.0.0/16');
    await elb.send(new SetSecurityGroupsCommand({ LoadBalancerArn: lbArn, SecurityGroups: [inside] }));
    await eventually(async () => ((await get(port, '/teapot').catch(() => undefined)) === undefined ? true : undefined), 'the host refused');
    await elb.send(new SetSecurityGroupsCommand({ LoadBalancerArn: lbArn, SecurityGroups: [publicGroup] }));
    await eventually(async () => ((await get(port, '/teapot').catch(() => undefined))?.status === 418 ? true : undefined), 'the host let in again');
  });

  test('HTTPS with an imported certificate', { skip: !hasTools && 'openssl or aws CLI missing' }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wharf-cert-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=web.example.com', '-addext', 'subjectAltName=DNS:web.example.com', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    const { CertificateArn } = aws('acm', 'import-certificate', '--certificate', `fileb://${join(dir, 'cert.pem')}`, '--private-key', `fileb://${join(dir, 'key.pem')}`);
    const described = aws('acm', 'describe-certificate', '--certificate-arn', CertificateArn);
    assert.equal(described.Certificate.DomainName, 'web.example.com');
    assert.equal(described.Certificate.Type, 'IMPORTED');
    const httpsPort = await freePort();
    await elb.send(new CreateListenerCommand({ LoadBalancerArn: lbArn, Port: httpsPort, Protocol: 'HTTPS', Certificates: [{ CertificateArn }], DefaultActions: forward(tgA) }));
    const body = await eventually(async () => {
      const out = spawnSync('curl', ['-s', '--cacert', join(dir, 'cert.pem'), '--resolve', `web.example.com:${httpsPort}:127.0.0.1`, `https://web.example.com:${httpsPort}/`]);
      return out.status === 0 ? out.stdout.toString().trim() : undefined;
    }, 'the HTTPS listener');
    assert.equal(body, 'svc-a');
    assert.deepEqual(aws('acm', 'list-certificates').CertificateSummaryList.map((c: { CertificateArn: string }) => c.CertificateArn), [CertificateArn]);
    // In use by a listener: ACM refuses to delete it.
    assert.throws(() => execFileSync('aws', ['acm', 'delete-certificate', '--certificate-arn', CertificateArn], { env: wharf.env, stdio: 'pipe' }), /ResourceInUseException/);
  });

  test('bad input gets ELBv2 error codes and leaves the data plane serving', async () => {
    const fails = (args: string[], codeName: string) =>
      assert.throws(() => execFileSync('aws', ['elbv2', ...args], { env: wharf.env, stdio: 'pipe' }), (e: Error & { stderr: Buffer }) => e.stderr.toString().includes(`(${codeName})`));
    const unknownArn = lbArn.slice(0, -1) + (lbArn.endsWith('0') ? '1' : '0'); // differs from the real one
    fails(['describe-load-balancers', '--load-balancer-arns', unknownArn], 'LoadBalancerNotFound');
    fails(['create-load-balancer', '--name', 'web', '--type', 'network'], 'DuplicateLoadBalancerName');
    fails(['create-listener', '--load-balancer-arn', lbArn, '--port', String(port), '--protocol', 'HTTP', '--default-actions', `Type=forward,TargetGroupArn=${tgB}`], 'DuplicateListener');
    fails(['create-rule', '--listener-arn', listenerArn, '--priority', '10', '--conditions', 'Field=path-pattern,Values=/x', '--actions', `Type=forward,TargetGroupArn=${tgA}`], 'PriorityInUse');
    const tcp = aws('elbv2', 'create-target-group', '--name', 'tcp-wrong', '--protocol', 'TCP', '--port', '7').TargetGroups[0].TargetGroupArn;
    fails(['create-rule', '--listener-arn', listenerArn, '--priority', '99', '--conditions', 'Field=path-pattern,Values=/x', '--actions', `Type=forward,TargetGroupArn=${tcp}`], 'InvalidConfigurationRequest');
    fails(['create-listener', '--load-balancer-arn', lbArn, '--port', '1', '--protocol', 'HTTPS', '--certificates', 'CertificateArn=arn:aws:acm:us-east-1:000000000000:certificate/nope', '--default-actions', `Type=forward,TargetGroupArn=${tgA}`], 'CertificateNotFound');
    assert.equal((await get(port, '/api/')).body, 'svc-b');
  });

  test('a task whose target fails its health check leaves rotation and is replaced', async () => {
    const tgSick = await targetGroup('sick');
    await elb.send(new CreateRuleCommand({ ListenerArn: listenerArn, Priority: 60, Conditions: [{ Field: 'host-header', Values: ['sick.example.com'] }], Actions: forward(tgSick) }));
    await service('sick', await webDefinition('sick', 'sick', false), tgSick, 1);
    const stopped = await eventually(async () => {
      const { taskArns = [] } = await ecs.send(new ListTasksCommand({ serviceName: 'sick', desiredStatus: 'STOPPED' }));
      if (taskArns.length === 0) return undefined;
      const { tasks = [] } = await ecs.send(new DescribeTasksCommand({ tasks: taskArns }));
      return tasks.find((t) => t.stoppedReason?.includes('ELB health checks'));
    }, 'the unhealthy task replaced', 90_000);
    assert.match(stopped.stoppedReason!, new RegExp(`Task failed ELB health checks in \\(target-group ${tgSick}\\)`));
    const { services = [] } = await ecs.send(new DescribeServicesCommand({ services: ['sick'] }));
    assert.ok(services[0]!.events!.some((e) => e.message?.includes('health checks')));
  });

  test('deregistration drains: a task scaled in is DEACTIVATING, still running, while its target drains', async () => {
    await ecs.send(new UpdateServiceCommand({ service: 'svc-b', desiredCount: 1 }));
    const draining = await eventually(async () => {
      const { TargetHealthDescriptions = [] } = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: tgB }));
      return TargetHealthDescriptions.find((d) => d.TargetHealth?.State === 'draining');
    }, 'a draining target');
    assert.equal(draining.TargetHealth!.Reason, 'Target.DeregistrationInProgress');
    const { taskArns = [] } = await ecs.send(new ListTasksCommand({ serviceName: 'svc-b', desiredStatus: 'STOPPED' }));
    const { tasks = [] } = await ecs.send(new DescribeTasksCommand({ tasks: taskArns }));
    const leaving = tasks.find((t) => t.containers![0]!.networkBindings![0]!.hostPort === draining.Target!.Port)!;
    assert.equal(leaving.lastStatus, 'DEACTIVATING');
    assert.equal(execFileSync('docker', ['inspect', '-f', '{{.State.Running}}', leaving.containers![0]!.runtimeId!]).toString().trim(), 'true');
    // Requests go to the remaining target only.
    for (let i = 0; i < 4; i++) assert.equal((await get(port, '/api/')).body, 'svc-b');
    await eventually(async () => {
      const { tasks: [task] = [] } = await ecs.send(new DescribeTasksCommand({ tasks: [leaving.taskArn!] }));
      return task?.lastStatus === 'STOPPED' ? true : undefined;
    }, 'the drained task to stop');
    const { TargetHealthDescriptions = [] } = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: tgB }));
    assert.deepEqual(TargetHealthDescriptions.map((d) => d.TargetHealth!.State), ['healthy']);
  });

  test('a rolling deployment under constant load fails no request, and drains before stopping', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 4 });
    const v2 = await webDefinition('svc-a', 'svc-a-v2');
    let failures = 0;
    let served = 0;
    let done = false;
    const bodies = new Set<string>();
    const deadline = Date.now() + 180_000;
    // Four clients, each at most 20 000 requests, ending when the deployment completes or three minutes pass.
    const client = async () => {
      for (let i = 0; i < 20_000 && !done && Date.now() < deadline; i++) {
        try {
          const reply = await get(port, '/', 'localhost', agent);
          if (reply.status === 200) {
            served++;
            bodies.add(reply.body);
          } else failures++;
        } catch {
          failures++;
        }
      }
    };
    const load = Promise.all([client(), client(), client(), client()]);
    await ecs.send(new UpdateServiceCommand({ service: 'svc-a', taskDefinition: v2 }));
    await eventually(async () => {
      const { services = [] } = await ecs.send(new DescribeServicesCommand({ services: ['svc-a'] }));
      const s = services[0]!;
      return s.deployments!.length === 1 && s.deployments![0]!.rolloutState === 'COMPLETED' && s.runningCount === 2 ? true : undefined;
    }, 'the deployment to complete', 170_000);
    // Let the old tasks' targets finish draining under load too.
    await eventually(async () => {
      const { TargetHealthDescriptions = [] } = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: tgA }));
      return TargetHealthDescriptions.length === 2 ? true : undefined;
    }, 'old targets drained');
    done = true;
    await load;
    agent.destroy();
    assert.equal(failures, 0, `${failures} of ${served + failures} requests failed`);
    assert.ok(bodies.has('svc-a') && bodies.has('svc-a-v2'), `served ${[...bodies]}`);
    assert.equal((await get(port, '/')).body, 'svc-a-v2');
  });

  test('HAProxy is started again by Wharf when it dies', async () => {
    // The oldest process of that command line is the master (pgrep never matches itself).
    const pid = Number(execFileSync('pgrep', ['-o', '-f', `haproxy -W -db -f ${join(wharf.dataDir, 'haproxy')}`]).toString().trim());
    assert.ok(pid > 0);
    process.kill(pid, 'SIGKILL');
    const reply = await eventually(async () => get(port, '/api/').catch(() => undefined), 'HAProxy back');
    assert.equal(reply.body, 'svc-b');
    assert.ok(readFileSync(join(wharf.dataDir, 'haproxy', 'haproxy.cfg'), 'utf8').includes(`bind 127.0.0.1:${port}`));
  });

  test('the listener is described as created', async () => {
    const { Listeners = [] } = await elb.send(new DescribeListenersCommand({ LoadBalancerArn: lbArn }));
    assert.ok(Listeners.some((l) => l.Port === port && l.Protocol === 'HTTP'));
  });
});

describe('network load balancer', { skip: !hasHaproxy && 'haproxy is not installed' }, () => {
  test('TCP listener to a TCP echo service', async () => {
    const port = await freePort();
    const { LoadBalancers } = await elb.send(new CreateLoadBalancerCommand({ Name: 'echo', Type: 'network' }));
    const tg = await targetGroup('echo', { Protocol: 'TCP', Port: 7, HealthCheckPath: undefined, HealthCheckProtocol: 'TCP', HealthCheckTimeoutSeconds: 4 });
    await elb.send(new CreateListenerCommand({ LoadBalancerArn: LoadBalancers![0]!.LoadBalancerArn, Port: port, Protocol: 'TCP', DefaultActions: forward(tg) }));
    const { taskDefinition } = await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'echo',
        // nc as PID 1 ignores SIGTERM, as httpd does: SIGKILL after 2 s, not 30.
        containerDefinitions: [{ name: 'echo', image: IMAGE, memory: 32, portMappings: [{ containerPort: 7, hostPort: 0 }], command: ['nc', '-ll', '-p', '7', '-e', 'cat'], stopTimeout: 2 }],
      }),
    );
    await service('echo', taskDefinition!.taskDefinitionArn!, tg, 1, 7, 'echo');
    await healthyTargets(tg, 1);
    const echoed = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.write('hello through the NLB\n'));
      let data = '';
      socket.on('data', (d) => {
        data += d;
        if (data.includes('\n')) {
          socket.end();
          resolve(data.trim());
        }
      });
      socket.on('error', reject);
      socket.setTimeout(10_000, () => socket.destroy(new Error('no echo')));
    });
    assert.equal(echoed, 'hello through the NLB');
  });
});
