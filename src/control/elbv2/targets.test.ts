// Targets: registration, health as the data plane reports it, draining; the configuration the data plane
// gets; and ECS service tasks as targets (registered when RUNNING, drained before they stop).
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { serviceArn, serviceGroup } from '../../core/arn.js';
import type { ContainerInstanceRecord, ServiceRecord } from '../../core/ecs.js';
import { TARGET_HEALTH } from '../../core/elbv2.js';
import type { AwsError } from '../../core/errors.js';
import { targetHealthKey, type DataPlaneConfig, type LoadBalancerDataPlane, type TargetHealthReport } from '../../core/load-balancer.js';
import { requestStop } from '../../core/task-lifecycle.js';
import { assignmentsFor } from '../ecs/assignments.js';
import { fixture, putCluster, putInstance, putTask, putTaskDefinition, type Fixture } from '../ecs/fixtures.js';
import { createListener } from './create-listener.js';
import { createLoadBalancer } from './create-load-balancer.js';
import { createTargetGroup } from './create-target-group.js';
import { dataPlaneConfig } from './data-plane-config.js';
import { deregisterTargets } from './deregister-targets.js';
import { describeTargetHealth } from './describe-target-health.js';
import { LoadBalancerController } from './load-balancer-controller.js';
import { modifyTargetGroupAttributes } from './modify-target-group-attributes.js';
import { registerTargets } from './register-targets.js';
import { ServiceTargetsController } from './service-targets.js';

const code = (expected: string) => (error: unknown) => (error as AwsError).code === expected;

/** A data plane that records what it is given and reports the health it is told to. */
class FakeDataPlane implements LoadBalancerDataPlane {
  applied: DataPlaneConfig[] = [];
  report: TargetHealthReport = new Map();
  async apply(config: DataPlaneConfig) {
    this.applied.push(config);
    return [];
  }
  async portAvailable() {
    return true;
  }
  async targetHealth() {
    return this.report;
  }
  async close() {}
}

describe('targets', () => {
  let f: Fixture;
  let instance: ContainerInstanceRecord;
  let tgArn: string;
  let plane: FakeDataPlane;
  let controller: LoadBalancerController;
  const health = () => describeTargetHealth(f.ctx, { TargetGroupArn: tgArn }).TargetHealthDescriptions!.map((d) => [d.Target!.Port, d.TargetHealth!.State, d.TargetHealth!.Reason]);
  const backendId = () => tgArn.split('/').at(-1)!;

  beforeEach(async () => {
    f = await fixture();
    instance = await putInstance(f.ctx, await putCluster(f.ctx), '1');
    tgArn = (await createTargetGroup(f.ctx, { Name: 'web', Protocol: 'HTTP', Port: 80, HealthCheckPath: '/health' })).TargetGroups![0]!.TargetGroupArn!;
    plane = new FakeDataPlane();
    controller = new LoadBalancerController(f.ctx, plane);
  });

  const attach = async () => {
    const lbArn = (await createLoadBalancer(f.ctx, { Name: 'web' })).LoadBalancers![0]!.LoadBalancerArn!;
    await createListener(f.ctx, { LoadBalancerArn: lbArn, Port: 8080, DefaultActions: [{ Type: 'forward', TargetGroupArn: tgArn }] });
  };

  it('registers instances by id, refusing unknown ones; unused until a load balancer uses the group', async () => {
    await assert.rejects(registerTargets(f.ctx, { TargetGroupArn: tgArn, Targets: [{ Id: 'i-nope' }] }), code('InvalidTarget'));
    await registerTargets(f.ctx, { TargetGroupArn: tgArn, Targets: [{ Id: instance.ec2InstanceId, Port: 32768 }, { Id: instance.ec2InstanceId }] });
    assert.deepEqual(health(), [[32768, 'unused', 'Target.NotInUse'], [80, 'unused', 'Target.NotInUse']]);
    await attach();
    assert.deepEqual(health()[0], [32768, 'initial', 'Elb.RegistrationInProgress']);
    const asked = describeTargetHealth(f.ctx, { TargetGroupArn: tgArn, Targets: [{ Id: 'i-other', Port: 1 }] }).TargetHealthDescriptions!;
    assert.equal(asked[0]!.TargetHealth!.Reason, 'Target.NotRegistered');
  });

  it("holds AWS's quota of 1,000 targets per target group", async () => {
    const ip = (await createTargetGroup(f.ctx, { Name: 'ips', Protocol: 'HTTP', Port: 80, TargetType: 'ip' })).TargetGroups![0]!.TargetGroupArn!;
    const targets = (from: number, count: number) => Array.from({ length: count }, (_, i) => ({ Id: `10.0.${(from + i) >> 8}.${(from + i) & 255}` }));
    await registerTargets(f.ctx, { TargetGroupArn: ip, Targets: targets(0, 1000) });
    await assert.rejects(registerTargets(f.ctx, { TargetGroupArn: ip, Targets: targets(1000, 1) }), code('TooManyTargets'));
    // Registering one already there again is no new target.
    await registerTargets(f.ctx, { TargetGroupArn: ip, Targets: targets(999, 1) });
  });

  it('serves used target groups with their targets at their hosts, and records the health the data plane reports', async () => {
    await registerTargets(f.ctx, { TargetGroupArn: tgArn, Targets: [{ Id: instance.ec2InstanceId, Port: 32768 }] });
    await attach();
    await controller.tick();
    const config = plane.applied.at(-1)!;
    assert.equal(config.frontends[0]!.port, 8080);
    assert.deepEqual(config.backends[0]!.targets, [{ key: `${instance.ec2InstanceId}:32768`, address: '127.0.0.1', port: 32768, draining: false }]);
    assert.equal(config.backends[0]!.healthCheck!.path, '/health');
    plane.report = new Map([[targetHealthKey(backendId(), `${instance.ec2InstanceId}:32768`), TARGET_HEALTH.healthy]]);
    await controller.tick();
    assert.deepEqual(health(), [[32768, 'healthy', undefined]]);
    // Nothing changed: the data plane is not handed the same configuration again.
    const count = plane.applied.length;
    await controller.tick();
    assert.equal(plane.applied.length, count);
  });

  it('drains deregistered targets for the deregistration delay, then forgets them', async () => {
    await registerTargets(f.ctx, { TargetGroupArn: tgArn, Targets: [{ Id: instance.ec2InstanceId, Port: 32768 }] });
    await attach();
    await modifyTargetGroupAttributes(f.ctx, { TargetGroupArn: tgArn, Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '30' }] });
    await deregisterTargets(f.ctx, { TargetGroupArn: tgArn, Targets: [{ Id: instance.ec2InstanceId, Port: 32768 }] });
    assert.deepEqual(health(), [[32768, 'draining', 'Target.DeregistrationInProgress']]);
    await controller.tick();
    assert.equal(plane.applied.at(-1)!.backends[0]!.targets[0]!.draining, true);
    f.advance(30_000);
    await controller.tick();
    assert.deepEqual(health(), []);
    await assert.rejects(deregisterTargets(f.ctx, { TargetGroupArn: tgArn, Targets: [{ Id: instance.ec2InstanceId, Port: 32768 }] }), code('InvalidTarget'));
  });

  it('derives weighted forwards, redirects and fixed responses for the data plane', async () => {
    const lbArn = (await createLoadBalancer(f.ctx, { Name: 'web' })).LoadBalancers![0]!.LoadBalancerArn!;
    const other = (await createTargetGroup(f.ctx, { Name: 'other', Protocol: 'HTTP', Port: 80 })).TargetGroups![0]!.TargetGroupArn!;
    await createListener(f.ctx, {
      LoadBalancerArn: lbArn,
      Port: 8080,
      DefaultActions: [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: tgArn, Weight: 3 }, { TargetGroupArn: other, Weight: 1 }] } }],
    });
    await createListener(f.ctx, { LoadBalancerArn: lbArn, Port: 8081, DefaultActions: [{ Type: 'redirect', RedirectConfig: { Port: '8080', StatusCode: 'HTTP_301' } }] });
    const config = dataPlaneConfig(f.ctx.state, { address: '127.0.0.1', instanceAddress: () => '127.0.0.1' });
    assert.deepEqual(config.frontends[0]!.rules[0]!.action, { type: 'forward', targetGroups: [{ backendId: tgArn.split('/').at(-1), weight: 3 }, { backendId: other.split('/').at(-1), weight: 1 }] });
    assert.deepEqual(config.frontends[1]!.rules[0]!.action, { type: 'redirect', protocol: '#{protocol}', host: '#{host}', port: '8080', path: '/#{path}', query: '#{query}', statusCode: 301 });
    assert.equal(config.backends.length, 2);
  });

  describe('ECS service tasks', () => {
    let service: ServiceRecord;
    let services: ServiceTargetsController;

    beforeEach(async () => {
      await attach();
      await modifyTargetGroupAttributes(f.ctx, { TargetGroupArn: tgArn, Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '5' }] });
      const definition = await putTaskDefinition(f.ctx, 'web');
      const arn = serviceArn(f.ctx.partition, 'default', 'web');
      service = {
        serviceArn: arn,
        serviceName: 'web',
        clusterArn: instance.clusterArn,
        status: 'ACTIVE',
        desiredCount: 1,
        taskDefinition: definition.taskDefinitionArn,
        launchType: 'EC2',
        schedulingStrategy: 'REPLICA',
        deploymentConfiguration: { maximumPercent: 200, minimumHealthyPercent: 100 },
        deployments: [],
        events: [],
        createdAt: f.ctx.clock.now(),
        tags: [],
        version: 1,
        loadBalancers: [{ targetGroupArn: tgArn, containerName: 'web', containerPort: 80 }],
      };
      await f.ctx.state.mutate((tx) => tx.put('service', arn, service));
      services = new ServiceTargetsController(f.ctx);
    });

    const runningTask = async () => {
      const task = await putTask(f.ctx, { clusterArn: instance.clusterArn, instanceArn: instance.containerInstanceArn, taskDefinitionArn: service.taskDefinition }, { lastStatus: 'RUNNING', desiredStatus: 'RUNNING', group: serviceGroup('web') });
      const bound = { ...task, containers: task.containers.map((c) => ({ ...c, networkBindings: [{ containerPort: 80, hostPort: 32800, protocol: 'tcp' as const }] })) };
      return f.ctx.state.mutate((tx) => tx.put('task', task.taskArn, bound));
    };

    it('registers a RUNNING task at its host port and carries the target health to the task', async () => {
      const task = await runningTask();
      await services.pass();
      assert.deepEqual(f.ctx.state.get('task', task.taskArn)!.loadBalancerTargets, [{ targetGroupArn: tgArn, Id: instance.ec2InstanceId, Port: 32800 }]);
      assert.deepEqual(health(), [[32800, 'initial', 'Elb.RegistrationInProgress']]);
      plane.report = new Map([[targetHealthKey(backendId(), `${instance.ec2InstanceId}:32800`), TARGET_HEALTH.healthy]]);
      await controller.tick();
      await services.pass();
      assert.equal(f.ctx.state.get('task', task.taskArn)!.loadBalancerTargets![0]!.health, 'healthy');
    });

    it('holds a stopping task running while its target drains, then lets its agent stop it', async () => {
      const task = await runningTask();
      await services.pass();
      const registered = f.ctx.state.get('task', task.taskArn)!;
      await f.ctx.state.mutate((tx) => tx.put('task', task.taskArn, requestStop(registered, { stopCode: 'UserInitiated', stoppedReason: 'done' }, f.ctx.clock.now())));
      assert.equal(f.ctx.state.get('task', task.taskArn)!.lastStatus, 'DEACTIVATING');
      await services.pass();
      assert.deepEqual(health(), [[32800, 'draining', 'Target.DeregistrationInProgress']]);
      assert.equal(assignmentsFor(f.ctx.state, instance.containerInstanceArn)[0]!.desiredStatus, 'RUNNING');
      f.advance(5_000);
      await controller.tick();
      await services.pass();
      assert.equal(f.ctx.state.get('task', task.taskArn)!.lastStatus, 'STOPPING');
      assert.equal(assignmentsFor(f.ctx.state, instance.containerInstanceArn)[0]!.desiredStatus, 'STOPPED');
    });
  });
});
