// Deployment strategies end to end: the real `wharf up`, real containers behind a real ALB (HAProxy), the ECS,
// ELBv2 and CloudWatch SDK clients. A blue/green deployment under a bounded load loses no request; a canary
// waits at its PAUSE hook until ContinueServiceDeployment, holds its share, then shifts the rest; an alarm
// during a linear deployment rolls it back. Bake times run on a test minute of two seconds
// (WHARF_DEPLOYMENT_MINUTE, docs/deployments.md). Every wait is bounded.
import {
  ContinueServiceDeploymentCommand,
  CreateServiceCommand,
  CreateTaskSetCommand,
  DeleteServiceCommand,
  DeleteTaskSetCommand,
  DescribeTaskSetsCommand,
  UpdateServicePrimaryTaskSetCommand,
  UpdateTaskSetCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  type DeploymentConfiguration,
  type ECSClient,
  type ServiceDeployment,
} from '@aws-sdk/client-ecs';
import { CloudWatchClient, PutMetricAlarmCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DescribeListenersCommand,
  DescribeRulesCommand,
  ElasticLoadBalancingV2Client,
  ModifyTargetGroupAttributesCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { eventually, freePort, openSecurityGroup, startWharf, type WharfProcess } from './wharf-process.js';

const IMAGE = 'wharf-test/busybox:latest';
const hasHaproxy = spawnSync('haproxy', ['-v']).status === 0;
const ROLE = 'arn:aws:iam::000000000000:role/ecsInfrastructureRoleForLoadBalancers';

let wharf: WharfProcess;
let ecs: ECSClient;
let elb: ElasticLoadBalancingV2Client;
let cw: CloudWatchClient;

/** One GET on a fresh connection: its status and body, or the error's code when it failed. */
function get(port: number, host = 'localhost'): Promise<{ status: number; body: string } | { error: string }> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent: false, headers: { host }, timeout: 10_000 }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body: body.trim() }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
    req.end();
  });
}

/** A bounded load loop: requests one after another until stopped (at most `limit`), counting what came back. */
function load(port: number, limit = 5000) {
  const bodies = new Map<string, number>();
  const failures: string[] = [];
  let stopped = false;
  const done = (async () => {
    for (let i = 0; i < limit && !stopped; i++) {
      const reply = await get(port);
      if ('error' in reply || reply.status !== 200) failures.push(JSON.stringify(reply));
      else bodies.set(reply.body, (bodies.get(reply.body) ?? 0) + 1);
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  return {
    bodies,
    failures,
    stop: async () => {
      stopped = true;
      await done;
    },
  };
}

/** A task definition of busybox httpd answering `body` on / (and ok on /health). */
async function webDefinition(body: string, family = 'shop'): Promise<string> {
  const { taskDefinition } = await ecs.send(
    new RegisterTaskDefinitionCommand({
      family,
      containerDefinitions: [
        {
          name: 'web',
          image: IMAGE,
          memory: 32,
          portMappings: [{ containerPort: 80, hostPort: 0 }],
          command: ['sh', '-c', `mkdir -p /www && echo ${body} > /www/index.html && echo ok > /www/health && exec httpd -f -p 80 -h /www`],
          stopTimeout: 2,
        },
      ],
    }),
  );
  return taskDefinition!.taskDefinitionArn!;
}

async function targetGroup(name: string, protocol: 'HTTP' | 'TCP' = 'HTTP'): Promise<string> {
  const health = protocol === 'HTTP' ? { HealthCheckPath: '/health', HealthCheckTimeoutSeconds: 2 } : { HealthCheckProtocol: 'TCP' as const, HealthCheckTimeoutSeconds: 4 };
  const { TargetGroups } = await elb.send(new CreateTargetGroupCommand({ Name: name, Protocol: protocol, Port: 80, HealthCheckIntervalSeconds: 5, HealthyThresholdCount: 2, ...health }));
  const arn = TargetGroups![0]!.TargetGroupArn!;
  await elb.send(new ModifyTargetGroupAttributesCommand({ TargetGroupArn: arn, Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '3' }] }));
  return arn;
}

/** A rule's forward weights by target group. */
async function weights(ruleArn: string): Promise<Record<string, number>> {
  const { Rules = [] } = await elb.send(new DescribeRulesCommand({ RuleArns: [ruleArn] }));
  const forward = Rules[0]!.Actions!.find((a) => a.Type === 'forward')!;
  return Object.fromEntries((forward.ForwardConfig?.TargetGroups ?? []).map((g) => [g.TargetGroupArn!, g.Weight!]));
}

async function currentServiceDeployment(service = 'shop'): Promise<ServiceDeployment> {
  const { services = [] } = await ecs.send(new DescribeServicesCommand({ services: [service] }));
  const { serviceDeployments = [] } = await ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [services[0]!.currentServiceDeployment!] }));
  return serviceDeployments[0]!;
}

/** Waits for the current service deployment to reach `status`, noting each lifecycle stage seen on the way. */
async function deployed(status: ServiceDeployment['status'], stages: Set<string> = new Set(), service = 'shop'): Promise<ServiceDeployment> {
  return eventually(async () => {
    const sd = await currentServiceDeployment(service);
    if (sd.lifecycleStage) stages.add(sd.lifecycleStage);
    return sd.status === status ? sd : undefined;
  }, `the service deployment ${status}`, 180_000);
}

async function deploy(body: string, deploymentConfiguration?: DeploymentConfiguration): Promise<void> {
  await ecs.send(new UpdateServiceCommand({ service: 'shop', taskDefinition: await webDefinition(body), ...(deploymentConfiguration && { deploymentConfiguration }) }));
}

before(async () => {
  if (!hasHaproxy) return;
  wharf = await startWharf({ env: { WHARF_DEPLOYMENT_MINUTE: '2s' } });
  ecs = wharf.ecs();
  const clientOptions = { endpoint: wharf.endpoint, region: 'us-east-1', credentials: wharf.credentials };
  elb = new ElasticLoadBalancingV2Client(clientOptions);
  cw = new CloudWatchClient(clientOptions);
});
after(async () => {
  for (const service of ['shop', 'external', 'relay']) await ecs?.send(new DeleteServiceCommand({ service, force: true })).catch(() => undefined);
  await wharf?.stop();
});

describe('deployment strategies behind an application load balancer', { skip: !hasHaproxy && 'haproxy is not installed' }, () => {
  let port: number;
  let testPort: number;
  let blue: string;
  let green: string;
  let productionRule: string;
  let testRule: string;
  let testListener: string;

  before(async () => {
    port = await freePort();
    testPort = await freePort();
    const publicGroup = await openSecurityGroup(wharf, 'alb-shop');
    const { LoadBalancers } = await elb.send(new CreateLoadBalancerCommand({ Name: 'shop', Type: 'application', SecurityGroups: [publicGroup] }));
    const lbArn = LoadBalancers![0]!.LoadBalancerArn!;
    blue = await targetGroup('shop-blue');
    green = await targetGroup('shop-green');
    const forwardBlue = [{ Type: 'forward' as const, TargetGroupArn: blue }];
    const listener = async (p: number) => (await elb.send(new CreateListenerCommand({ LoadBalancerArn: lbArn, Port: p, Protocol: 'HTTP', DefaultActions: forwardBlue }))).Listeners![0]!.ListenerArn!;
    const rule = async (listenerArn: string) =>
      (await elb.send(new CreateRuleCommand({ ListenerArn: listenerArn, Priority: 10, Conditions: [{ Field: 'path-pattern', Values: ['/*'] }], Actions: forwardBlue }))).Rules![0]!.RuleArn!;
    productionRule = await rule(await listener(port));
    testListener = await listener(testPort);
    testRule = await rule(testListener);
  });

  test('strategies combined with what ECS forbids are refused, and nothing is created', async () => {
    const base = { serviceName: 'refused', taskDefinition: await webDefinition('v0'), desiredCount: 1 };
    const refused = async (deploymentConfiguration: DeploymentConfiguration, message: RegExp) =>
      assert.rejects(ecs.send(new CreateServiceCommand({ ...base, deploymentConfiguration })), (e: Error) => e.name === 'InvalidParameterException' && message.test(e.message));
    await refused({ strategy: 'BLUE_GREEN' }, /bakeTimeInMinutes/);
    await refused({ strategy: 'BLUE_GREEN', bakeTimeInMinutes: 1, canaryConfiguration: { canaryPercent: 10 } }, /canaryConfiguration/);
    await refused({ strategy: 'LINEAR', linearConfiguration: { stepPercent: 2 } }, /stepPercent/);
    await refused({ strategy: 'CANARY', canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 1441 } }, /canaryBakeTimeInMinutes/);
    await refused({ strategy: 'ROLLING', lifecycleHooks: [{ hookTargetArn: 'arn:aws:lambda:us-east-1:000000000000:function:f', roleArn: ROLE, lifecycleStages: ['POST_SCALE_UP'] }] }, /lifecycleHooks/);
    const { services = [] } = await ecs.send(new DescribeServicesCommand({ services: ['refused'] }));
    assert.equal(services.length, 0);
  });

  test('blue/green under load: green tested, production switched with no failed request, then blue scaled down', async (t) => {
    await ecs.send(
      new CreateServiceCommand({
        serviceName: 'shop',
        taskDefinition: await webDefinition('v1'),
        desiredCount: 2,
        healthCheckGracePeriodSeconds: 0,
        loadBalancers: [{ targetGroupArn: blue, containerName: 'web', containerPort: 80, advancedConfiguration: { alternateTargetGroupArn: green, productionListenerRule: productionRule, testListenerRule: testRule, roleArn: ROLE } }],
        deploymentConfiguration: {
          strategy: 'BLUE_GREEN',
          bakeTimeInMinutes: 2,
          lifecycleHooks: [{ hookTargetArn: 'arn:aws:lambda:us-east-1:000000000000:function:smoke', roleArn: ROLE, lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'] }],
        },
      }),
    );
    await deployed('SUCCESSFUL');
    await eventually(async () => {
      const reply = await get(port);
      return 'body' in reply && reply.body === 'v1' ? true : undefined;
    }, 'v1 served', 60_000);
    assert.deepEqual(await weights(productionRule), { [green]: 0, [blue]: 100 });

    const traffic = load(port);
    const stages = new Set<string>();
    await deploy('v2');
    // While both run (BAKE_TIME), the test listener rule forwards to green.
    await eventually(async () => {
      const sd = await currentServiceDeployment();
      if (sd.lifecycleStage) stages.add(sd.lifecycleStage);
      return sd.lifecycleStage === 'BAKE_TIME' ? true : undefined;
    }, 'the bake time', 120_000);
    assert.deepEqual(await weights(testRule), { [blue]: 0, [green]: 100 });
    // The data plane follows the rule a moment later.
    await eventually(async () => {
      const tested = await get(testPort);
      return 'body' in tested && tested.body === 'v2' ? true : undefined;
    }, 'the test listener on green', 30_000);
    const sd = await deployed('SUCCESSFUL', stages);
    await traffic.stop();

    t.diagnostic(`requests through the switch: ${JSON.stringify(Object.fromEntries(traffic.bodies))}, failed: ${traffic.failures.length}`);
    assert.deepEqual(traffic.failures, []);
    assert.ok((traffic.bodies.get('v1') ?? 0) > 0 && (traffic.bodies.get('v2') ?? 0) > 0, JSON.stringify([...traffic.bodies]));
    assert.deepEqual(await weights(productionRule), { [blue]: 0, [green]: 100 });
    assert.equal(sd.lifecycleStage, 'CLEAN_UP');
    for (const stage of ['BAKE_TIME', 'CLEAN_UP']) assert.ok(stages.has(stage), `${stage} in ${[...stages]}`);
    const reply = await get(port);
    assert.ok('body' in reply && reply.body === 'v2');
    // Blue's tasks are gone; the new revision is green's target group; the hook was reported, not run.
    const { services = [] } = await ecs.send(new DescribeServicesCommand({ services: ['shop'] }));
    assert.deepEqual(services[0]!.deployments!.map((d) => [d.status, d.runningCount]), [['PRIMARY', 2]]);
    const { serviceRevisions = [] } = await ecs.send(new DescribeServiceRevisionsCommand({ serviceRevisionArns: [sd.targetServiceRevision!.arn!] }));
    assert.deepEqual(serviceRevisions[0]!.resolvedConfiguration?.loadBalancers, [{ targetGroupArn: green, productionListenerRule: productionRule }]);
    assert.ok(services[0]!.events!.some((e) => /lifecycle hook .*smoke at POST_TEST_TRAFFIC_SHIFT was not invoked/.test(e.message!)));
  });

  test('a canary waits at its PAUSE hook until continued, holds its 10% for its bake time, then takes all production traffic', async () => {
    await deploy('v3', {
      strategy: 'CANARY',
      bakeTimeInMinutes: 0,
      canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 3 },
      lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['PRE_PRODUCTION_TRAFFIC_SHIFT'] }],
    });
    // v3 is on blue's side now (each deployment takes the other side): tested there, production still on green.
    const paused = await eventually(async () => {
      const sd = await currentServiceDeployment();
      return sd.lifecycleHookDetails?.[0]?.status === 'AWAITING_ACTION' ? sd : undefined;
    }, 'the PAUSE hook awaiting action', 120_000);
    assert.deepEqual([paused.lifecycleStage, paused.lifecycleHookDetails![0]!.targetType], ['POST_TEST_TRAFFIC_SHIFT', 'PAUSE']);
    assert.deepEqual([await weights(productionRule), await weights(testRule)], [{ [blue]: 0, [green]: 100 }, { [green]: 0, [blue]: 100 }]);
    const serviceDeploymentArn = paused.serviceDeploymentArn!;
    await assert.rejects(ecs.send(new ContinueServiceDeploymentCommand({ serviceDeploymentArn, hookId: 'ecs-pause-nope' })), (e: Error) => e.name === 'InvalidParameterException');
    await ecs.send(new ContinueServiceDeploymentCommand({ serviceDeploymentArn, hookId: paused.lifecycleHookDetails![0]!.hookId!, action: 'CONTINUE' }));
    await eventually(async () => ((await weights(productionRule))[blue] === 10 ? true : undefined), 'the canary weights', 120_000);
    assert.deepEqual(await weights(productionRule), { [green]: 90, [blue]: 10 });
    // The service deployment shows the shares it asks for: the canary's to green, the rest to blue.
    const canary = await currentServiceDeployment();
    assert.deepEqual(
      [canary.lifecycleStage, canary.targetServiceRevision?.requestedProductionTrafficWeight, canary.targetServiceRevision?.requestedTestTrafficWeight, canary.sourceServiceRevisions?.[0]?.requestedProductionTrafficWeight],
      ['PRODUCTION_TRAFFIC_SHIFT', 10, 100, 90],
    );
    await deployed('SUCCESSFUL');
    assert.deepEqual(await weights(productionRule), { [green]: 0, [blue]: 100 });
    const reply = await get(port);
    assert.ok('body' in reply && reply.body === 'v3');
  });

  test('an alarm going to ALARM during a linear deployment rolls it back to blue', async () => {
    await cw.send(new PutMetricAlarmCommand({ AlarmName: 'shop-5xx', Namespace: 'Shop', MetricName: 'Errors', Statistic: 'Sum', Period: 60, EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' }));
    await deploy('v4', {
      strategy: 'LINEAR',
      bakeTimeInMinutes: 0,
      linearConfiguration: { stepPercent: 50, stepBakeTimeInMinutes: 30 },
      lifecycleHooks: [], // UpdateService keeps the fields it is not given: the canary's PAUSE hook goes
      alarms: { enable: true, rollback: true, alarmNames: ['shop-5xx'] },
    });
    await eventually(async () => ((await weights(productionRule))[green] === 50 ? true : undefined), 'half the traffic on green', 120_000);
    await cw.send(new SetAlarmStateCommand({ AlarmName: 'shop-5xx', StateValue: 'ALARM', StateReason: 'errors in the canary' }));
    const sd = await deployed('ROLLBACK_SUCCESSFUL');
    assert.deepEqual(sd.alarms?.triggeredAlarmNames, ['shop-5xx']);
    assert.deepEqual(await weights(productionRule), { [green]: 0, [blue]: 100 });
    const reply = await get(port);
    assert.ok('body' in reply && reply.body === 'v3');
  });

  test('an external controller drives task sets: scale, primary, load balancer per task set, deletion', async () => {
    const tg = await targetGroup('external-v1');
    await elb.send(new CreateRuleCommand({ ListenerArn: testListener, Priority: 5, Conditions: [{ Field: 'host-header', Values: ['external.example.com'] }], Actions: [{ Type: 'forward', TargetGroupArn: tg }] }));
    await ecs.send(new CreateServiceCommand({ serviceName: 'external', desiredCount: 2, deploymentController: { type: 'EXTERNAL' } }));
    const base = { cluster: 'default', service: 'external' };
    const { taskSet: v1 } = await ecs.send(
      new CreateTaskSetCommand({ ...base, taskDefinition: await webDefinition('ext-v1', 'external'), externalId: 'v1', loadBalancers: [{ targetGroupArn: tg, containerName: 'web', containerPort: 80 }] }),
    );
    const { taskSet: v2 } = await ecs.send(new CreateTaskSetCommand({ ...base, taskDefinition: await webDefinition('ext-v2', 'external'), externalId: 'v2', scale: { value: 50, unit: 'PERCENT' } }));
    await ecs.send(new UpdateServicePrimaryTaskSetCommand({ ...base, primaryTaskSet: v1!.taskSetArn! }));
    const steady = async (expected: [string, number, number][]) =>
      eventually(async () => {
        const { taskSets = [] } = await ecs.send(new DescribeTaskSetsCommand(base));
        const seen = taskSets.map((ts) => [ts.externalId!, ts.computedDesiredCount!, ts.runningCount!, ts.stabilityStatus!]);
        return JSON.stringify(seen) === JSON.stringify(expected.map((e) => [...e, 'STEADY_STATE'])) ? taskSets : undefined;
      }, `task sets ${JSON.stringify(expected)}`, 120_000);
    const sets = await steady([['v1', 2, 2], ['v2', 1, 1]]);
    assert.equal(sets[0]!.status, 'PRIMARY');
    await eventually(async () => {
      const reply = await get(testPort, 'external.example.com');
      return 'body' in reply && reply.body === 'ext-v1' ? true : undefined;
    }, 'the primary task set behind its load balancer', 60_000);
    // The controller moves everything to v2, then removes v1.
    await ecs.send(new UpdateTaskSetCommand({ ...base, taskSet: v2!.id!, scale: { value: 100, unit: 'PERCENT' } }));
    await ecs.send(new UpdateServicePrimaryTaskSetCommand({ ...base, primaryTaskSet: v2!.id! }));
    await ecs.send(new UpdateTaskSetCommand({ ...base, taskSet: v1!.id!, scale: { value: 0, unit: 'PERCENT' } }));
    await steady([['v2', 2, 2], ['v1', 0, 0]]);
    await ecs.send(new DeleteTaskSetCommand({ ...base, taskSet: v1!.id! }));
    await steady([['v2', 2, 2]]);
    const { services = [] } = await ecs.send(new DescribeServicesCommand({ services: ['external'] }));
    assert.deepEqual([services[0]!.runningCount, services[0]!.taskSets!.length, services[0]!.deployments], [2, 1, []]);
    await assert.rejects(ecs.send(new CreateTaskSetCommand({ cluster: 'default', service: 'shop', taskDefinition: await webDefinition('x') })), (e: Error) => e.name === 'InvalidParameterException' && /external deployment controllers/.test(e.message));
  });
});

describe('deployment strategies behind a network load balancer', { skip: !hasHaproxy && 'haproxy is not installed' }, () => {
  test("a canary shifts the NLB listener's default action from blue to green", async () => {
    const port = await freePort();
    const { LoadBalancers } = await elb.send(new CreateLoadBalancerCommand({ Name: 'relay', Type: 'network' }));
    const blue = await targetGroup('relay-blue', 'TCP');
    const green = await targetGroup('relay-green', 'TCP');
    const { Listeners } = await elb.send(new CreateListenerCommand({ LoadBalancerArn: LoadBalancers![0]!.LoadBalancerArn!, Port: port, Protocol: 'TCP', DefaultActions: [{ Type: 'forward', TargetGroupArn: blue }] }));
    const listener = Listeners![0]!.ListenerArn!;
    const listenerWeights = async () => {
      const { Listeners: [described] = [] } = await elb.send(new DescribeListenersCommand({ ListenerArns: [listener] }));
      return Object.fromEntries(described!.DefaultActions![0]!.ForwardConfig!.TargetGroups!.map((g) => [g.TargetGroupArn!, g.Weight!]));
    };
    const serves = (body: string) =>
      eventually(async () => {
        const reply = await get(port);
        return 'body' in reply && reply.body === body ? true : undefined;
      }, `${body} through the NLB`, 60_000);
    await ecs.send(
      new CreateServiceCommand({
        serviceName: 'relay',
        taskDefinition: await webDefinition('n1', 'relay'),
        desiredCount: 1,
        healthCheckGracePeriodSeconds: 0,
        loadBalancers: [{ targetGroupArn: blue, containerName: 'web', containerPort: 80, advancedConfiguration: { alternateTargetGroupArn: green, productionListenerRule: listener, roleArn: ROLE } }],
        deploymentConfiguration: { strategy: 'CANARY', bakeTimeInMinutes: 0, canaryConfiguration: { canaryPercent: 20, canaryBakeTimeInMinutes: 3 } },
      }),
    );
    await deployed('SUCCESSFUL', undefined, 'relay');
    await serves('n1');
    assert.deepEqual(await listenerWeights(), { [blue]: 100, [green]: 0 });
    await ecs.send(new UpdateServiceCommand({ service: 'relay', taskDefinition: await webDefinition('n2', 'relay') }));
    await eventually(async () => ((await listenerWeights())[green] === 20 ? true : undefined), 'the canary on the NLB listener', 120_000);
    const sd = await deployed('SUCCESSFUL', undefined, 'relay');
    assert.deepEqual([sd.lifecycleStage, sd.targetServiceRevision?.requestedProductionTrafficWeight, sd.sourceServiceRevisions?.[0]?.requestedProductionTrafficWeight], ['CLEAN_UP', 100, 0]);
    assert.deepEqual(await listenerWeights(), { [blue]: 0, [green]: 100 });
    await serves('n2');
  });
});
