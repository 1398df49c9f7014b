// Hardening end to end (issue 9): values that would leave Wharf for another program (HAProxy's configuration
// and runtime API) are refused as AWS refuses them; a listener HAProxy refuses is reported and holds back no
// other load balancer; Fargate refuses what AWS Fargate refuses; the data directory keeps its secrets to
// its owner. The real `wharf up`, the real SDK clients and AWS CLI, the real HAProxy.
import { ListContainerInstancesCommand, PutAttributesCommand, RegisterContainerInstanceCommand, RegisterTaskDefinitionCommand, type ECSClient } from '@aws-sdk/client-ecs';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DeleteListenerCommand,
  DescribeLoadBalancersCommand,
  ElasticLoadBalancingV2Client,
  ModifyListenerCommand,
  type Action,
  type RuleCondition,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { eventually, freePort, openSecurityGroup, startWharf, type WharfProcess } from './wharf-process.js';

const hasHaproxy = spawnSync('haproxy', ['-v']).status === 0;
const hasTools = spawnSync('openssl', ['version']).status === 0 && spawnSync('aws', ['--version']).status === 0;

let wharf: WharfProcess;
let ecs: ECSClient;
let elb: ElasticLoadBalancingV2Client;

function get(port: number, path = '/'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false, timeout: 10_000 }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body: body.trim() }));
    });
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end();
  });
}

const answer = (body: string): Action[] => [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '200', ContentType: 'text/plain', MessageBody: body } }];

/** A load balancer with one HTTP listener answering `body`: its ARN, its listener's ARN and port. */
async function loadBalancer(name: string, body: string): Promise<{ lbArn: string; listenerArn: string; port: number }> {
  const lbArn = (await elb.send(new CreateLoadBalancerCommand({ Name: name, SecurityGroups: [await openSecurityGroup(wharf, name)] }))).LoadBalancers![0]!.LoadBalancerArn!;
  const port = await freePort();
  const listenerArn = (await elb.send(new CreateListenerCommand({ LoadBalancerArn: lbArn, Port: port, Protocol: 'HTTP', DefaultActions: answer(body) }))).Listeners![0]!.ListenerArn!;
  await eventually(async () => ((await get(port).catch(() => undefined))?.body === body ? true : undefined), `${name} serving`);
  return { lbArn, listenerArn, port };
}

/** The call fails with this error code (the SDK's error name). */
async function refused(call: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(call, (e: Error) => {
    assert.equal(e.name, code, e.message);
    return true;
  });
}

describe('hardening', { skip: !hasHaproxy && 'haproxy is not installed' }, () => {
  before(async () => {
    // Held: its listeners failed to come up in time beside the other suites once (not understood yet).
    wharf = await startWharf({ hostWide: true });
    ecs = wharf.ecs();
    elb = new ElasticLoadBalancingV2Client({ endpoint: wharf.endpoint, region: 'us-east-1', credentials: wharf.credentials });
  });
  after(async () => {
    await wharf?.stop();
  });

  test('rule conditions that would write HAProxy configuration are refused as ELBv2 refuses them', async () => {
    const { listenerArn, port } = await loadBalancer('conditions', 'conditions');
    const rule = (Conditions: RuleCondition[]) => elb.send(new CreateRuleCommand({ ListenerArn: listenerArn, Priority: 10, Conditions, Actions: answer('rule') }));
    const injected = 'x\nfrontend evil\n  bind 127.0.0.1:2375';
    await refused(rule([{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: injected, Values: ['v'] } }]), 'ValidationError');
    await refused(rule([{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-Env', Values: [injected] } }]), 'ValidationError');
    await refused(rule([{ Field: 'http-request-method', HttpRequestMethodConfig: { Values: [`GET ${injected}`] } }]), 'ValidationError');
    await refused(rule([{ Field: 'query-string', QueryStringConfig: { Values: [{ Key: injected, Value: 'v' }] } }]), 'ValidationError');
    await refused(rule([{ Field: 'query-string', QueryStringConfig: { Values: [{ Key: 'k', Value: injected }] } }]), 'ValidationError');
    await refused(rule([{ Field: 'path-pattern', PathPatternConfig: { Values: [`/${injected}`] } }]), 'ValidationError');
    await refused(rule([{ Field: 'host-header', HostHeaderConfig: { Values: [injected] } }]), 'ValidationError');
    const redirect = (RedirectConfig: NonNullable<Action['RedirectConfig']>) =>
      elb.send(new CreateRuleCommand({ ListenerArn: listenerArn, Priority: 11, Conditions: [{ Field: 'path-pattern', Values: ['/r'] }], Actions: [{ Type: 'redirect', RedirectConfig }] }));
    await refused(redirect({ StatusCode: 'HTTP_302', Host: injected }), 'ValidationError');
    await refused(redirect({ StatusCode: 'HTTP_302', Path: `/${injected}` }), 'ValidationError');
    await refused(redirect({ StatusCode: 'HTTP_302', Query: injected }), 'ValidationError');
    await refused(redirect({ StatusCode: 'HTTP_302', Port: '80;x' }), 'ValidationError');
    // What ELBv2 accepts is served as written, quotes and all.
    await rule([{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: "X-It's", Values: ['a "quoted" $value'] } }, { Field: 'path-pattern', Values: ["/it's"] }]);
    assert.equal((await get(port)).body, 'conditions');
  });

  test('health checks: a path that would write configuration is refused; matchers are bounded by the codes, not their count', async () => {
    const base = { Protocol: 'HTTP' as const, Port: 80 };
    await refused(elb.send(new CreateTargetGroupCommand({ ...base, Name: 'bad-path', HealthCheckPath: '/health\n  server evil 127.0.0.1:2375' })), 'ValidationError');
    await refused(elb.send(new CreateTargetGroupCommand({ ...base, Name: 'bad-codes', Matcher: { HttpCode: '200-600' } })), 'ValidationError');
    await refused(elb.send(new CreateTargetGroupCommand({ ...base, Name: 'low-codes', Matcher: { HttpCode: '100' } })), 'ValidationError');
    // Ten thousand ranges name at most the 300 codes between 200 and 499: served as one range.
    const many = Array.from({ length: 10_000 }, () => '200-499').join(',');
    const tg = (await elb.send(new CreateTargetGroupCommand({ ...base, Name: 'many-codes', Matcher: { HttpCode: many } }))).TargetGroups![0]!;
    const { listenerArn, port } = await loadBalancer('codes', 'codes');
    await elb.send(new ModifyListenerCommand({ ListenerArn: listenerArn, DefaultActions: [{ Type: 'forward', TargetGroupArn: tg.TargetGroupArn }] }));
    const config = await eventually(async () => {
      const text = readFileSync(join(wharf.dataDir, 'haproxy', 'haproxy.cfg'), 'utf8');
      return text.includes('http-check expect status 200-499\n') ? text : undefined;
    }, 'the matcher in the configuration');
    assert.ok(config.length < 100_000);
    // No target: ELBv2's 503.
    await eventually(async () => ((await get(port)).status === 503 ? true : undefined), 'the listener forwarding');
  });

  test('the host address of a container instance is an attribute ECS validates, and never an address HAProxy is given unchecked', async () => {
    const [instanceArn] = await eventually(async () => {
      const { containerInstanceArns } = await ecs.send(new ListContainerInstancesCommand({}));
      return containerInstanceArns?.length ? containerInstanceArns : undefined;
    }, 'the local agent');
    const put = (value: string) => ecs.send(new PutAttributesCommand({ attributes: [{ name: 'wharf.host-address', value, targetId: instanceArn }] }));
    await refused(put('127.0.0.1;shutdown sessions server tg/t1'), 'InvalidParameterException');
    await refused(put('127.0.0.1\nset server'), 'InvalidParameterException');
    await refused(
      ecs.send(new RegisterContainerInstanceCommand({ cluster: 'default', attributes: [{ name: 'wharf.host-address', value: '127.0.0.1;disable frontend x' }] })),
      'InvalidParameterException',
    );
  });

  test('a listener HAProxy refuses is reported on its load balancer, and the other load balancers keep changing', { skip: !hasTools && 'openssl or aws CLI missing' }, async () => {
    const a = await loadBalancer('steady', 'a1');
    const b = await loadBalancer('impaired', 'b1');
    // ACM imports a 1024-bit RSA key (as AWS's ACM does); this host's OpenSSL refuses to serve it.
    const dir = mkdtempSync(join(tmpdir(), 'wharf-weak-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:1024', '-nodes', '-days', '2', '-subj', '/CN=weak.example.com', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    const imported = execFileSync('aws', ['acm', 'import-certificate', '--certificate', `fileb://${join(dir, 'cert.pem')}`, '--private-key', `fileb://${join(dir, 'key.pem')}`, '--output', 'json'], { env: wharf.env });
    const { CertificateArn } = JSON.parse(imported.toString()) as { CertificateArn: string };
    const httpsPort = await freePort();
    const weak = (await elb.send(new CreateListenerCommand({ LoadBalancerArn: b.lbArn, Port: httpsPort, Protocol: 'HTTPS', Certificates: [{ CertificateArn }], DefaultActions: answer('weak') }))).Listeners![0]!;
    const state = async (arn: string) => (await elb.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [arn] }))).LoadBalancers![0]!.State!;
    const impaired = await eventually(async () => ((await state(b.lbArn)).Code === 'active_impaired' ? state(b.lbArn) : undefined), 'the load balancer impaired');
    assert.match(impaired.Reason!, new RegExp(`listener ${weak.ListenerArn}.*refused`));
    // The other load balancer changes as before, and the impaired one's other listener still serves.
    await elb.send(new ModifyListenerCommand({ ListenerArn: a.listenerArn, DefaultActions: answer('a2') }));
    await eventually(async () => ((await get(a.port)).body === 'a2' ? true : undefined), 'the change to the other load balancer');
    assert.equal((await get(b.port)).body, 'b1');
    assert.equal((await state(a.lbArn)).Code, 'active');
    assert.match(wharf.logs(), /haproxy refused a listener/);
    // Without the refused listener, the load balancer is active again.
    await elb.send(new DeleteListenerCommand({ ListenerArn: weak.ListenerArn }));
    await eventually(async () => ((await state(b.lbArn)).Code === 'active' ? true : undefined), 'the load balancer active again');
  });

  test('Fargate refuses what AWS Fargate refuses: added capabilities but SYS_PTRACE, devices, tmpfs, shared memory, security options', async () => {
    const fargate = (extra: object) =>
      ecs.send(new RegisterTaskDefinitionCommand({ family: 'isolated', requiresCompatibilities: ['FARGATE'], networkMode: 'awsvpc', cpu: '256', memory: '512', containerDefinitions: [{ name: 'app', image: 'wharf-test/busybox:latest', ...extra }] }));
    for (const extra of [
      { linuxParameters: { capabilities: { add: ['SYS_ADMIN'] } } },
      { linuxParameters: { devices: [{ hostPath: '/dev/kmsg' }] } },
      { linuxParameters: { tmpfs: [{ containerPath: '/scratch', size: 64 }] } },
      { linuxParameters: { sharedMemorySize: 1024 } },
      { dockerSecurityOptions: ['seccomp:unconfined'] },
      { privileged: true },
    ]) {
      await assert.rejects(fargate(extra), (e: Error) => e.name === 'ClientException' && /Fargate compatible task definitions/.test(e.message));
    }
    const { taskDefinition } = await fargate({ linuxParameters: { capabilities: { add: ['SYS_PTRACE'] } } });
    assert.deepEqual(taskDefinition!.compatibilities, ['EC2', 'FARGATE']);
  });

  test('the data directory is its owner\'s alone: 0700, and every file in it 0600 from the next start on, whatever made it', async () => {
    const mode = (path: string) => statSync(path).mode & 0o777;
    assert.equal(mode(wharf.dataDir), 0o700);
    for (const file of ['wharf.db', 'wharf.db-wal', 'credentials.json', 'server-secret', 'settings.json']) {
      if (existsSync(join(wharf.dataDir, file))) assert.equal(mode(join(wharf.dataDir, file)), 0o600, file);
    }
    // Whoever loosened them (an operator's cp, another umask), the next start takes them back.
    chmodSync(wharf.dataDir, 0o755);
    chmodSync(join(wharf.dataDir, 'wharf.db'), 0o644);
    await wharf.restart();
    const loose: string[] = [];
    const walk = (dir: string): void => {
      if (mode(dir) !== 0o700) loose.push(`${dir} ${mode(dir).toString(8)}`);
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (!entry.isSymbolicLink() && (mode(path) & 0o077) !== 0) loose.push(`${path} ${mode(path).toString(8)}`);
      }
    };
    walk(wharf.dataDir);
    assert.deepEqual(loose, []);
  });

  test('HAProxy workers run as the unprivileged haproxy user', { skip: (process.getuid?.() !== 0 || spawnSync('id', ['haproxy']).status !== 0) && 'not root, or no haproxy user' }, () => {
    const users = execFileSync('ps', ['-o', 'user=,args=', '-C', 'haproxy']).toString().split('\n').filter((l) => l.includes(wharf.dataDir));
    assert.ok(users.some((l) => l.startsWith('haproxy ')), users.join('\n'));
  });
});
