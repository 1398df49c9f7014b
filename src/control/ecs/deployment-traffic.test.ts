// Blue/green, linear and canary traffic behind a Network Load Balancer: the production and test listeners
// (an NLB's listeners stand for the ALB's listener rules) are checked as ECS reads them, and their default
// actions are rewritten to weighted forwards between blue's and green's target groups.
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import type { LoadBalancer } from '@aws-sdk/client-ecs';
import type { AwsError } from '../../core/errors.js';
import { createListener } from '../elbv2/create-listener.js';
import { createLoadBalancer } from '../elbv2/create-load-balancer.js';
import { createRule } from '../elbv2/create-rule.js';
import { createTargetGroup } from '../elbv2/create-target-group.js';
import { describeListeners } from '../elbv2/describe-listeners.js';
import { createService } from './create-service.js';
import { routeTraffic } from './deployment-traffic.js';
import { fixture, putCluster, putTaskDefinition, type Fixture } from './fixtures.js';

const ROLE = 'arn:aws:iam::123456789012:role/ecsInfrastructureRoleForLoadBalancers';
const refusedWith = (message: RegExp) => (error: unknown) => (error as AwsError).code === 'InvalidParameterException' && message.test((error as Error).message);

describe('traffic shifting behind a network load balancer', () => {
  let f: Fixture;
  let blue: string;
  let green: string;
  let production: string;
  let testListener: string;
  let albListener: string;
  let albRule: string;

  beforeEach(async () => {
    f = await fixture();
    await putCluster(f.ctx);
    await putTaskDefinition(f.ctx, 'web', [{ name: 'web', image: 'web', memory: 32, portMappings: [{ containerPort: 80, hostPort: 0 }] }]);
    const tcpGroup = async (name: string) => (await createTargetGroup(f.ctx, { Name: name, Protocol: 'TCP', Port: 80 })).TargetGroups![0]!.TargetGroupArn!;
    blue = await tcpGroup('blue');
    green = await tcpGroup('green');
    const nlb = (await createLoadBalancer(f.ctx, { Name: 'tcp', Type: 'network' })).LoadBalancers![0]!.LoadBalancerArn!;
    const listener = async (port: number) => (await createListener(f.ctx, { LoadBalancerArn: nlb, Port: port, Protocol: 'TCP', DefaultActions: [{ Type: 'forward', TargetGroupArn: blue }] })).Listeners![0]!.ListenerArn!;
    production = await listener(19001);
    testListener = await listener(19002);
    const httpGroup = (await createTargetGroup(f.ctx, { Name: 'http', Protocol: 'HTTP', Port: 80 })).TargetGroups![0]!.TargetGroupArn!;
    const alb = (await createLoadBalancer(f.ctx, { Name: 'web' })).LoadBalancers![0]!.LoadBalancerArn!;
    albListener = (await createListener(f.ctx, { LoadBalancerArn: alb, Port: 19003, DefaultActions: [{ Type: 'forward', TargetGroupArn: httpGroup }] })).Listeners![0]!.ListenerArn!;
    albRule = (await createRule(f.ctx, { ListenerArn: albListener, Priority: 1, Conditions: [{ Field: 'path-pattern', Values: ['/*'] }], Actions: [{ Type: 'forward', TargetGroupArn: httpGroup }] })).Rules![0]!.RuleArn!;
  });

  const loadBalancers = (advanced: Partial<NonNullable<LoadBalancer['advancedConfiguration']>>): LoadBalancer[] => [
    { targetGroupArn: blue, containerName: 'web', containerPort: 80, advancedConfiguration: { alternateTargetGroupArn: green, productionListenerRule: production, roleArn: ROLE, ...advanced } },
  ];
  const create = (serviceName: string, advanced: Partial<NonNullable<LoadBalancer['advancedConfiguration']>> = {}) =>
    createService(f.ctx, { serviceName, taskDefinition: 'web', desiredCount: 1, loadBalancers: loadBalancers(advanced), deploymentConfiguration: { strategy: 'CANARY', bakeTimeInMinutes: 0 } }, f.call);
  /** A listener's default forward weights by target group. */
  const weights = (listenerArn: string) => {
    const action = describeListeners(f.ctx, { ListenerArns: [listenerArn] }).Listeners![0]!.DefaultActions![0]!;
    return Object.fromEntries(action.ForwardConfig!.TargetGroups!.map((g) => [g.TargetGroupArn, g.Weight]));
  };

  it("takes an NLB's listeners as the production and test listener rules, and refuses what ECS does not read as one", async () => {
    await create('nlb', { testListenerRule: testListener });
    const { state } = f.ctx;
    const nlbDefaultRule = state.get('listener', production)!.defaultRuleArn;
    await assert.rejects(create('by-rule', { productionListenerRule: nlbDefaultRule }), refusedWith(/belongs to a Network Load Balancer: name its listener/));
    await assert.rejects(create('alb-listener', { productionListenerRule: albListener }), refusedWith(/belongs to an Application Load Balancer: name one of its listener rules/));
    await assert.rejects(create('nowhere', { testListenerRule: `${production}0` }), refusedWith(/does not exist/));
    assert.equal([...state.all('service')].length, 1);
    // An ALB's listener rule, its default rule included, is still what names an ALB's traffic.
    assert.equal(state.get('rule', albRule)?.RuleArn, albRule);
  });

  it('splits the production listener by the shift, tests green on the test listener, and forwards wholly to the primary after it', async () => {
    const serviceArn = (await create('nlb', { testListenerRule: testListener })).service!.serviceArn!;
    const shift = async (stage: 'PRODUCTION_TRAFFIC_SHIFT' | 'CLEAN_UP', productionPercent: number, rolloutState: 'IN_PROGRESS' | 'COMPLETED' = 'IN_PROGRESS') =>
      f.ctx.state.mutate((tx) => {
        const service = tx.get('service', serviceArn)!;
        const [primary, ...rest] = service.deployments;
        const updated = { ...service, deployments: [{ ...primary!, rolloutState, alternateTargetGroups: true, trafficShift: { stage, stageStartedAt: new Date(0), productionPercent } }, ...rest] };
        tx.put('service', service.serviceArn, updated);
        routeTraffic(f.ctx, tx, updated);
      });
    await shift('PRODUCTION_TRAFFIC_SHIFT', 10);
    assert.deepEqual(weights(production), { [blue]: 90, [green]: 10 });
    assert.deepEqual(weights(testListener), { [blue]: 0, [green]: 100 });
    await shift('PRODUCTION_TRAFFIC_SHIFT', 33.3);
    assert.deepEqual(weights(production), { [blue]: 667, [green]: 333 });
    await shift('CLEAN_UP', 100, 'COMPLETED');
    assert.deepEqual([weights(production), weights(testListener)], [{ [blue]: 0, [green]: 100 }, { [blue]: 0, [green]: 100 }]);
  });
});
