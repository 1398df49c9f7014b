// Load balancers, target groups, listeners and rules through their control functions, with ELBv2's errors.
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import type { AwsError } from '../../core/errors.js';
import { fixture, putCluster, putInstance, type Fixture } from '../ecs/fixtures.js';
import { createListener } from './create-listener.js';
import { createLoadBalancer } from './create-load-balancer.js';
import { createRule } from './create-rule.js';
import { createTargetGroup } from './create-target-group.js';
import { deleteLoadBalancer } from './delete-load-balancer.js';
import { deleteRule } from './delete-rule.js';
import { deleteTargetGroup } from './delete-target-group.js';
import { describeLoadBalancers } from './describe-load-balancers.js';
import { describeRules } from './describe-rules.js';
import { describeTargetGroups } from './describe-target-groups.js';
import { describeTags } from './describe-tags.js';
import { addTags } from './add-tags.js';
import { modifyLoadBalancerAttributes } from './modify-load-balancer-attributes.js';
import { modifyRule } from './modify-rule.js';
import { modifyTargetGroup } from './modify-target-group.js';
import { setRulePriorities } from './set-rule-priorities.js';

const code = (expected: string) => (error: unknown) => (error as AwsError).code === expected;

describe('ELBv2 control functions', () => {
  let f: Fixture;
  let lbArn: string;
  let tgArn: string;
  let tcpArn: string;

  beforeEach(async () => {
    f = await fixture();
    await putInstance(f.ctx, await putCluster(f.ctx), '1');
    const { LoadBalancers } = await createLoadBalancer(f.ctx, { Name: 'web', Type: 'application' });
    lbArn = LoadBalancers![0]!.LoadBalancerArn!;
    tgArn = (await createTargetGroup(f.ctx, { Name: 'web', Protocol: 'HTTP', Port: 80 })).TargetGroups![0]!.TargetGroupArn!;
    tcpArn = (await createTargetGroup(f.ctx, { Name: 'echo', Protocol: 'TCP', Port: 7 })).TargetGroups![0]!.TargetGroupArn!;
  });

  const forward = (arn: string) => [{ Type: 'forward' as const, TargetGroupArn: arn }];

  it('creates load balancers with a localhost DNS name, idempotently, refusing the same name with other settings', async () => {
    const [lb] = describeLoadBalancers(f.ctx, {}).LoadBalancers!;
    assert.match(lb!.DNSName!, /^web-[0-9a-f]{16}\.us-east-1\.elb\.localhost$/);
    assert.match(lb!.LoadBalancerArn!, /:loadbalancer\/app\/web\/[0-9a-f]{16}$/);
    assert.equal(lb!.AvailabilityZones!.length, 3);
    const again = await createLoadBalancer(f.ctx, { Name: 'web', Type: 'application' });
    assert.equal(again.LoadBalancers![0]!.LoadBalancerArn, lbArn);
    await assert.rejects(createLoadBalancer(f.ctx, { Name: 'web', Type: 'network' }), code('DuplicateLoadBalancerName'));
    await assert.rejects(createLoadBalancer(f.ctx, { Name: '-bad' }), code('ValidationError'));
    assert.throws(() => describeLoadBalancers(f.ctx, { Names: ['nope'] }), code('LoadBalancerNotFound'));
  });

  it('fills health-check defaults by protocol and checks them', async () => {
    const groups = describeTargetGroups(f.ctx, { TargetGroupArns: [tgArn, tcpArn] }).TargetGroups!;
    const http = groups.find((g) => g.TargetGroupArn === tgArn);
    const tcp = groups.find((g) => g.TargetGroupArn === tcpArn);
    assert.deepEqual([http!.HealthCheckPath, http!.Matcher?.HttpCode, http!.HealthCheckTimeoutSeconds, http!.HealthyThresholdCount], ['/', '200', 6, 5]);
    assert.deepEqual([tcp!.HealthCheckProtocol, tcp!.HealthCheckTimeoutSeconds, tcp!.HealthCheckPath], ['TCP', 10, undefined]);
    await assert.rejects(createTargetGroup(f.ctx, { Name: 'x', Protocol: 'HTTP', Port: 80, HealthCheckIntervalSeconds: 5, HealthCheckTimeoutSeconds: 5 }), code('ValidationError'));
    await assert.rejects(createTargetGroup(f.ctx, { Name: 'web', Protocol: 'HTTP', Port: 8080 }), code('DuplicateTargetGroupName'));
    const modified = await modifyTargetGroup(f.ctx, { TargetGroupArn: tgArn, HealthCheckPath: '/health', Matcher: { HttpCode: '200-299' } });
    assert.equal(modified.TargetGroups![0]!.HealthCheckPath, '/health');
  });

  it('creates listeners with ELBv2 errors for duplicates, protocols, certificates and target groups', async () => {
    const { Listeners } = await createListener(f.ctx, { LoadBalancerArn: lbArn, Port: 8080, Protocol: 'HTTP', DefaultActions: forward(tgArn) });
    assert.deepEqual(Listeners![0]!.DefaultActions, [
      { Type: 'forward', TargetGroupArn: tgArn, ForwardConfig: { TargetGroups: [{ TargetGroupArn: tgArn, Weight: 1 }], TargetGroupStickinessConfig: { Enabled: false } } },
    ]);
    assert.deepEqual(describeTargetGroups(f.ctx, { LoadBalancerArn: lbArn }).TargetGroups!.map((tg) => tg.TargetGroupArn), [tgArn]);
    const again = await createListener(f.ctx, { LoadBalancerArn: lbArn, Port: 8080, Protocol: 'HTTP', DefaultActions: forward(tgArn) });
    assert.equal(again.Listeners![0]!.ListenerArn, Listeners![0]!.ListenerArn);
    const fixed = [{ Type: 'fixed-response' as const, FixedResponseConfig: { StatusCode: '404' } }];
    await assert.rejects(createListener(f.ctx, { LoadBalancerArn: lbArn, Port: 8080, Protocol: 'HTTP', DefaultActions: fixed }), code('DuplicateListener'));
    await assert.rejects(createListener(f.ctx, { LoadBalancerArn: lbArn, Port: 8081, Protocol: 'TCP', DefaultActions: fixed }), code('ValidationError'));
    await assert.rejects(createListener(f.ctx, { LoadBalancerArn: lbArn, Port: 8443, Protocol: 'HTTPS', DefaultActions: fixed }), code('ValidationError'));
    const missingCert = [{ CertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/0000' }];
    await assert.rejects(createListener(f.ctx, { LoadBalancerArn: lbArn, Port: 8443, Protocol: 'HTTPS', Certificates: missingCert, DefaultActions: fixed }), code('CertificateNotFound'));
    await assert.rejects(createListener(f.ctx, { LoadBalancerArn: lbArn, Port: 8082, DefaultActions: forward(tcpArn) }), code('InvalidConfigurationRequest'));
    await assert.rejects(createListener(f.ctx, { LoadBalancerArn: lbArn, Port: 8082, DefaultActions: forward(`${tgArn}0`) }), code('TargetGroupNotFound'));
    await assert.rejects(createListener(f.ctx, { LoadBalancerArn: `${lbArn}0`, Port: 8082, DefaultActions: fixed }), code('LoadBalancerNotFound'));
    // Every listener binds on this host: another load balancer cannot take the same port.
    const other = (await createLoadBalancer(f.ctx, { Name: 'other' })).LoadBalancers![0]!.LoadBalancerArn!;
    await assert.rejects(createListener(f.ctx, { LoadBalancerArn: other, Port: 8080, DefaultActions: fixed }), code('InvalidConfigurationRequest'));
    // A target group in use cannot be deleted.
    await assert.rejects(deleteTargetGroup(f.ctx, { TargetGroupArn: tgArn }), code('ResourceInUse'));
    // Weights are 0 to 999; a stickiness duration is 1 s to 7 days, and an ALB's enabled stickiness needs one.
    const weighted = (Weight: number, stickiness = {}) => [{ Type: 'forward' as const, ForwardConfig: { TargetGroups: [{ TargetGroupArn: tgArn, Weight }], TargetGroupStickinessConfig: { Enabled: false, ...stickiness } } }];
    for (const actions of [weighted(1000), weighted(-1), weighted(1, { Enabled: true }), weighted(1, { Enabled: true, DurationSeconds: 604_801 })])
      await assert.rejects(createListener(f.ctx, { LoadBalancerArn: lbArn, Port: 8083, DefaultActions: actions }), code('ValidationError'));
    const { Listeners: [sticky] = [] } = await createListener(f.ctx, { LoadBalancerArn: lbArn, Port: 8083, DefaultActions: weighted(999, { Enabled: true, DurationSeconds: 60 }) });
    assert.deepEqual(sticky!.DefaultActions![0]!.ForwardConfig, { TargetGroups: [{ TargetGroupArn: tgArn, Weight: 999 }], TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 60 } });
  });

  it('keeps rules in priority order with the default rule last, refusing priorities in use', async () => {
    const listenerArn = (await createListener(f.ctx, { LoadBalancerArn: lbArn, Port: 8080, DefaultActions: forward(tgArn) })).Listeners![0]!.ListenerArn!;
    const rule = (priority: number, path: string) =>
      createRule(f.ctx, { ListenerArn: listenerArn, Priority: priority, Conditions: [{ Field: 'path-pattern', Values: [path] }], Actions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '200', MessageBody: path } }] });
    const b = (await rule(20, '/b')).Rules![0]!;
    const a = (await rule(10, '/a')).Rules![0]!;
    assert.deepEqual(a.Conditions, [{ Field: 'path-pattern', Values: ['/a'], PathPatternConfig: { Values: ['/a'] } }]);
    await assert.rejects(rule(10, '/c'), code('PriorityInUse'));
    const listed = describeRules(f.ctx, { ListenerArn: listenerArn }).Rules!;
    assert.deepEqual(listed.map((r) => r.Priority), ['10', '20', 'default']);
    assert.equal(listed[2]!.IsDefault, true);
    // Swapping two priorities in one call is allowed; taking a third rule's is not.
    await setRulePriorities(f.ctx, { RulePriorities: [{ RuleArn: a.RuleArn, Priority: 20 }, { RuleArn: b.RuleArn, Priority: 10 }] });
    assert.deepEqual(describeRules(f.ctx, { ListenerArn: listenerArn }).Rules!.map((r) => r.Conditions?.[0]?.Values?.[0]), ['/b', '/a', undefined]);
    await assert.rejects(setRulePriorities(f.ctx, { RulePriorities: [{ RuleArn: a.RuleArn, Priority: 10 }] }), code('PriorityInUse'));
    // The default rule's actions are the listener's.
    await modifyRule(f.ctx, { RuleArn: listed[2]!.RuleArn, Actions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '503' } }] });
    assert.equal(describeRules(f.ctx, { RuleArns: [listed[2]!.RuleArn!] }).Rules![0]!.Actions![0]!.FixedResponseConfig!.StatusCode, '503');
    await assert.rejects(deleteRule(f.ctx, { RuleArn: listed[2]!.RuleArn }), code('OperationNotPermitted'));
    await assert.rejects(
      createRule(f.ctx, { ListenerArn: listenerArn, Priority: 5, Conditions: [{ Field: 'cookie', Values: ['x'] }], Actions: forward(tgArn) }),
      code('ValidationError'),
    );
  });

  it("holds AWS's quota of 100 rules per load balancer, over all its listeners", async () => {
    const listeners = await Promise.all(
      [8080, 8081].map(async (Port) => (await createListener(f.ctx, { LoadBalancerArn: lbArn, Port, DefaultActions: forward(tgArn) })).Listeners![0]!.ListenerArn!),
    );
    const rule = (i: number) =>
      createRule(f.ctx, { ListenerArn: listeners[i % 2]!, Priority: i + 1, Conditions: [{ Field: 'path-pattern', Values: [`/${i}`] }], Actions: forward(tgArn) });
    for (let i = 0; i < 100; i++) await rule(i);
    await assert.rejects(rule(100), code('TooManyRules'));
  });

  it('tags, attributes and deletion protection', async () => {
    await addTags(f.ctx, { ResourceArns: [lbArn, tgArn], Tags: [{ Key: 'team', Value: 'web' }] });
    assert.deepEqual(describeTags(f.ctx, { ResourceArns: [tgArn] }).TagDescriptions![0]!.Tags, [{ Key: 'team', Value: 'web' }]);
    await assert.rejects(addTags(f.ctx, { ResourceArns: [lbArn], Tags: [{ Key: 'a' }, { Key: 'a' }] }), code('DuplicateTagKeys'));
    await assert.rejects(modifyLoadBalancerAttributes(f.ctx, { LoadBalancerArn: lbArn, Attributes: [{ Key: 'nope', Value: '1' }] }), code('ValidationError'));
    await modifyLoadBalancerAttributes(f.ctx, { LoadBalancerArn: lbArn, Attributes: [{ Key: 'deletion_protection.enabled', Value: 'true' }] });
    await assert.rejects(deleteLoadBalancer(f.ctx, { LoadBalancerArn: lbArn }), code('OperationNotPermitted'));
    await modifyLoadBalancerAttributes(f.ctx, { LoadBalancerArn: lbArn, Attributes: [{ Key: 'deletion_protection.enabled', Value: 'false' }] });
    await createListener(f.ctx, { LoadBalancerArn: lbArn, Port: 8080, DefaultActions: forward(tgArn) });
    await deleteLoadBalancer(f.ctx, { LoadBalancerArn: lbArn });
    assert.equal(f.ctx.state.count('listener'), 0);
    await deleteTargetGroup(f.ctx, { TargetGroupArn: tgArn });
  });
});
