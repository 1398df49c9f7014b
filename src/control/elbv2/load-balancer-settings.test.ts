// The operations that read and change a load balancer's and a listener's settings after creation: LCU
// reservations, listener attributes, subnets, security groups, IP address types, account limits, IPAM pools
// and resource policies, with ELBv2's errors.
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import type { AwsError } from '../../core/errors.js';
import { fixture, type Fixture } from '../ecs/fixtures.js';
import { createListener } from './create-listener.js';
import { createLoadBalancer } from './create-load-balancer.js';
import { createTargetGroup } from './create-target-group.js';
import { describeAccountLimits } from './describe-account-limits.js';
import { describeCapacityReservation } from './describe-capacity-reservation.js';
import { describeSSLPolicies } from './describe-ssl-policies.js';
import { describeListenerAttributes } from './describe-listener-attributes.js';
import { describeLoadBalancers } from './describe-load-balancers.js';
import { getResourcePolicy } from './get-resource-policy.js';
import { modifyCapacityReservation } from './modify-capacity-reservation.js';
import { modifyIpPools } from './modify-ip-pools.js';
import { modifyListenerAttributes } from './modify-listener-attributes.js';
import { setIpAddressType } from './set-ip-address-type.js';
import { setSecurityGroups } from './set-security-groups.js';
import { setSubnets } from './set-subnets.js';

const code = (expected: string) => (error: unknown) => (error as AwsError).code === expected;
const fixed = [{ Type: 'fixed-response' as const, FixedResponseConfig: { StatusCode: '200' } }];
const MISSING = 'arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer/app/nope/0000000000000000';

describe('ELBv2 settings after creation', () => {
  let f: Fixture;
  let alb: string;
  let nlb: string;

  beforeEach(async () => {
    f = await fixture();
    alb = (await createLoadBalancer(f.ctx, { Name: 'web', Type: 'application' })).LoadBalancers![0]!.LoadBalancerArn!;
    nlb = (await createLoadBalancer(f.ctx, { Name: 'tcp', Type: 'network' })).LoadBalancers![0]!.LoadBalancerArn!;
  });

  it('reports no LCU reservation until one is set, then provisions it across zones; two decreases a day', async () => {
    assert.deepEqual(describeCapacityReservation(f.ctx, { LoadBalancerArn: alb }), { DecreaseRequestsRemaining: 2, CapacityReservationState: [] });
    const set = await modifyCapacityReservation(f.ctx, { LoadBalancerArn: alb, MinimumLoadBalancerCapacity: { CapacityUnits: 300 } });
    assert.equal(set.MinimumLoadBalancerCapacity!.CapacityUnits, 300);
    assert.deepEqual(set.CapacityReservationState!.map((z) => [z.State!.Code, z.EffectiveCapacityUnits]), [['provisioned', 100], ['provisioned', 100], ['provisioned', 100]]);
    await modifyCapacityReservation(f.ctx, { LoadBalancerArn: alb, MinimumLoadBalancerCapacity: { CapacityUnits: 200 } });
    const reset = await modifyCapacityReservation(f.ctx, { LoadBalancerArn: alb, ResetCapacityReservation: true });
    assert.deepEqual([reset.MinimumLoadBalancerCapacity, reset.DecreaseRequestsRemaining], [undefined, 0]);
    await modifyCapacityReservation(f.ctx, { LoadBalancerArn: alb, MinimumLoadBalancerCapacity: { CapacityUnits: 500 } });
    await assert.rejects(modifyCapacityReservation(f.ctx, { LoadBalancerArn: alb, MinimumLoadBalancerCapacity: { CapacityUnits: 400 } }), code('CapacityDecreaseRequestLimitExceeded'));
    f.advance(24 * 60 * 60 * 1000);
    assert.equal(describeCapacityReservation(f.ctx, { LoadBalancerArn: alb }).DecreaseRequestsRemaining, 2);
    await assert.rejects(modifyCapacityReservation(f.ctx, { LoadBalancerArn: alb }), code('ValidationError'));
    assert.throws(() => describeCapacityReservation(f.ctx, { LoadBalancerArn: MISSING }), code('LoadBalancerNotFound'));
  });

  it('lists listener attributes by protocol with their defaults, and checks changes', async () => {
    const http = (await createListener(f.ctx, { LoadBalancerArn: alb, Port: 8080, Protocol: 'HTTP', DefaultActions: fixed })).Listeners![0]!.ListenerArn!;
    const attributes = Object.fromEntries(describeListenerAttributes(f.ctx, { ListenerArn: http }).Attributes!.map((a) => [a.Key, a.Value]));
    assert.equal(attributes['routing.http.response.server.enabled'], 'true');
    assert.equal(attributes['routing.http.response.x_frame_options.header_value'], '');
    assert.equal(attributes['routing.http.request.x_amzn_tls_version.header_name'], undefined);
    const changed = await modifyListenerAttributes(f.ctx, { ListenerArn: http, Attributes: [{ Key: 'routing.http.response.x_frame_options.header_value', Value: 'DENY' }] });
    assert.ok(changed.Attributes!.some((a) => a.Key === 'routing.http.response.x_frame_options.header_value' && a.Value === 'DENY'));
    await assert.rejects(modifyListenerAttributes(f.ctx, { ListenerArn: http, Attributes: [{ Key: 'tcp.idle_timeout.seconds', Value: '100' }] }), code('ValidationError'));
    await assert.rejects(modifyListenerAttributes(f.ctx, { ListenerArn: http, Attributes: [{ Key: 'routing.http.response.server.enabled', Value: 'no' }] }), code('ValidationError'));
    await assert.rejects(modifyListenerAttributes(f.ctx, { ListenerArn: http, Attributes: [{ Key: 'routing.http.response.x_frame_options.header_value', Value: 'a\nb' }] }), code('ValidationError'));

    const group = (await createTargetGroup(f.ctx, { Name: 'echo', Protocol: 'TCP', Port: 7 })).TargetGroups![0]!.TargetGroupArn!;
    const forward = [{ Type: 'forward' as const, TargetGroupArn: group }];
    const tcp = (await createListener(f.ctx, { LoadBalancerArn: nlb, Port: 8081, Protocol: 'TCP', DefaultActions: forward })).Listeners![0]!.ListenerArn!;
    assert.deepEqual(describeListenerAttributes(f.ctx, { ListenerArn: tcp }).Attributes, [{ Key: 'tcp.idle_timeout.seconds', Value: '350' }]);
    await assert.rejects(modifyListenerAttributes(f.ctx, { ListenerArn: tcp, Attributes: [{ Key: 'tcp.idle_timeout.seconds', Value: '59' }] }), code('ValidationError'));
  });

  it('moves a load balancer to other subnets of its VPC and records security groups and IP address types', async () => {
    const lb = describeLoadBalancers(f.ctx, { LoadBalancerArns: [alb] }).LoadBalancers![0]!;
    const subnets = lb.AvailabilityZones!.map((z) => z.SubnetId!);
    const moved = await setSubnets(f.ctx, { LoadBalancerArn: alb, Subnets: subnets.slice(0, 2) });
    assert.deepEqual(moved.AvailabilityZones!.map((z) => z.SubnetId), subnets.slice(0, 2));
    await assert.rejects(setSubnets(f.ctx, { LoadBalancerArn: alb, Subnets: subnets.slice(0, 1) }), code('ValidationError'));
    await assert.rejects(setSubnets(f.ctx, { LoadBalancerArn: alb, Subnets: ['subnet-00000000'] }), code('SubnetNotFound'));
    await assert.rejects(setSubnets(f.ctx, { LoadBalancerArn: nlb, Subnets: subnets.slice(0, 1) }), code('InvalidConfigurationRequest'));

    const groups = lb.SecurityGroups!;
    assert.equal(groups.length, 1);
    assert.deepEqual((await setSecurityGroups(f.ctx, { LoadBalancerArn: alb, SecurityGroups: groups })).SecurityGroupIds, groups);
    await assert.rejects(setSecurityGroups(f.ctx, { LoadBalancerArn: alb, SecurityGroups: ['sg-00000000'] }), code('InvalidSecurityGroup'));
    await assert.rejects(setSecurityGroups(f.ctx, { LoadBalancerArn: alb, SecurityGroups: [] }), code('ValidationError'));
    await assert.rejects(setSecurityGroups(f.ctx, { LoadBalancerArn: nlb, SecurityGroups: groups }), code('InvalidConfigurationRequest'));

    assert.equal((await setIpAddressType(f.ctx, { LoadBalancerArn: alb, IpAddressType: 'dualstack' })).IpAddressType, 'dualstack');
    await assert.rejects(setIpAddressType(f.ctx, { LoadBalancerArn: nlb, IpAddressType: 'dualstack-without-public-ipv4' }), code('InvalidConfigurationRequest'));

    const pools = await modifyIpPools(f.ctx, { LoadBalancerArn: alb, IpamPools: { Ipv4IpamPoolId: 'ipam-pool-0123456789abcdef0' } });
    assert.equal(pools.IpamPools!.Ipv4IpamPoolId, 'ipam-pool-0123456789abcdef0');
    assert.deepEqual(await modifyIpPools(f.ctx, { LoadBalancerArn: alb, RemoveIpamPools: ['ipv4'] }), {});
  });

  it("answers AWS's default limits in pages, and no resource policy for what is not a shared trust store", () => {
    const first = describeAccountLimits(f.ctx, { PageSize: 5 });
    assert.equal(first.Limits!.length, 5);
    const rest = describeAccountLimits(f.ctx, { Marker: first.NextMarker! });
    assert.ok(rest.Limits!.some((l) => l.Name === 'targets-per-target-group' && l.Max === '1000'));
    assert.throws(() => getResourcePolicy(f.ctx, { ResourceArn: alb }), code('ResourceNotFound'));
  });

  it('describes the predefined SSL policies and refuses unknown ones, in DescribeSSLPolicies and on listeners', async () => {
    const [policy] = describeSSLPolicies(f.ctx, { Names: ['ELBSecurityPolicy-TLS13-1-2-2021-06'] }).SslPolicies!;
    assert.deepEqual(policy!.SslProtocols, ['TLSv1.2', 'TLSv1.3']);
    assert.deepEqual(policy!.Ciphers![0], { Name: 'TLS_AES_128_GCM_SHA256', Priority: 1 });
    assert.throws(() => describeSSLPolicies(f.ctx, { Names: ['ELBSecurityPolicy-Nope'] }), code('SSLPolicyNotFound'));
    const cert = [{ CertificateArn: 'arn:aws:acm:us-east-1:000000000000:certificate/none' }];
    await assert.rejects(createListener(f.ctx, { LoadBalancerArn: alb, Port: 8443, Protocol: 'HTTPS', SslPolicy: 'ELBSecurityPolicy-Nope', Certificates: cert, DefaultActions: fixed }));
  });

  it('refuses UDP and TCP_UDP, and alb targets, naming the value', async () => {
    const udp = (error: unknown) => (error as AwsError).code === 'UnsupportedProtocol' && /'UDP'.*UDP/.test((error as Error).message);
    await assert.rejects(createTargetGroup(f.ctx, { Name: 'dns', Protocol: 'UDP', Port: 53 }), udp);
    await assert.rejects(createTargetGroup(f.ctx, { Name: 'dns', Protocol: 'TCP_UDP', Port: 53 }), code('UnsupportedProtocol'));
    await assert.rejects(createListener(f.ctx, { LoadBalancerArn: nlb, Port: 53, Protocol: 'UDP', DefaultActions: [] }), udp);
    await assert.rejects(createTargetGroup(f.ctx, { Name: 'alb', Protocol: 'TCP', Port: 80, TargetType: 'alb' }), (e: Error) => e.message.includes("'alb'"));
  });
});
