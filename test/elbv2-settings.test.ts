// ELBv2's settings operations end to end, with the real SDK against `wharf up`: LCU reservations, listener
// attributes (served by HAProxy), SSL policies, subnets, security groups, IP address types, account limits,
// and the protocols Wharf refuses by name.
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  CreateTrustStoreCommand,
  DescribeAccountLimitsCommand,
  DescribeCapacityReservationCommand,
  DescribeListenerAttributesCommand,
  DescribeSSLPoliciesCommand,
  DescribeTrustStoresCommand,
  ElasticLoadBalancingV2Client,
  ModifyCapacityReservationCommand,
  ModifyListenerAttributesCommand,
  SetIpAddressTypeCommand,
  SetSecurityGroupsCommand,
  SetSubnetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { request } from 'node:http';
import { after, before, test } from 'node:test';
import { eventually, freePort, openSecurityGroup, startWharf, type WharfProcess } from './wharf-process.js';

const hasHaproxy = spawnSync('haproxy', ['-v']).status === 0;
let wharf: WharfProcess;
let elb: ElasticLoadBalancingV2Client;

before(async () => {
  wharf = await startWharf();
  elb = new ElasticLoadBalancingV2Client({ endpoint: wharf.endpoint, region: 'us-east-1', credentials: wharf.credentials });
});
after(async () => {
  await wharf?.stop();
});

function head(port: number): Promise<Record<string, string | string[] | undefined> | undefined> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/', timeout: 5000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200 ? res.headers : undefined));
    });
    req.on('error', () => resolve(undefined));
    req.end();
  });
}

test('settings of load balancers and listeners, through the SDK', { skip: !hasHaproxy && 'haproxy missing', timeout: 120_000 }, async () => {
  const clients = await openSecurityGroup(wharf, 'settings-clients');
  const lb = (await elb.send(new CreateLoadBalancerCommand({ Name: 'settings', Type: 'application', SecurityGroups: [clients] }))).LoadBalancers![0]!;
  const arn = lb.LoadBalancerArn!;

  assert.deepEqual((await elb.send(new DescribeCapacityReservationCommand({ LoadBalancerArn: arn }))).CapacityReservationState, []);
  const reserved = await elb.send(new ModifyCapacityReservationCommand({ LoadBalancerArn: arn, MinimumLoadBalancerCapacity: { CapacityUnits: 150 } }));
  assert.equal(reserved.MinimumLoadBalancerCapacity?.CapacityUnits, 150);

  const port = await freePort();
  const listener = (
    await elb.send(
      new CreateListenerCommand({
        LoadBalancerArn: arn,
        Port: port,
        Protocol: 'HTTP',
        DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '200', ContentType: 'text/plain', MessageBody: 'ok' } }],
      }),
    )
  ).Listeners![0]!.ListenerArn!;
  const attributes = (await elb.send(new DescribeListenerAttributesCommand({ ListenerArn: listener }))).Attributes!;
  assert.ok(attributes.some((a) => a.Key === 'routing.http.response.server.enabled' && a.Value === 'true'));
  await elb.send(new ModifyListenerAttributesCommand({ ListenerArn: listener, Attributes: [{ Key: 'routing.http.response.x_frame_options.header_value', Value: 'DENY' }] }));
  const headers = await eventually(async () => {
    const h = await head(port);
    return h?.['x-frame-options'] === 'DENY' ? h : undefined;
  }, 'the listener setting X-Frame-Options');
  assert.equal(headers['x-frame-options'], 'DENY');

  const policies = (await elb.send(new DescribeSSLPoliciesCommand({}))).SslPolicies!;
  assert.ok(policies.some((p) => p.Name === 'ELBSecurityPolicy-TLS13-1-2-2021-06'));
  await assert.rejects(elb.send(new DescribeSSLPoliciesCommand({ Names: ['nope'] })), { name: 'SSLPolicyNotFoundException' });

  const subnets = lb.AvailabilityZones!.map((z) => z.SubnetId!);
  assert.equal((await elb.send(new SetSubnetsCommand({ LoadBalancerArn: arn, Subnets: subnets.slice(0, 2) }))).AvailabilityZones!.length, 2);
  assert.deepEqual((await elb.send(new SetSecurityGroupsCommand({ LoadBalancerArn: arn, SecurityGroups: lb.SecurityGroups! }))).SecurityGroupIds, lb.SecurityGroups);
  assert.equal((await elb.send(new SetIpAddressTypeCommand({ LoadBalancerArn: arn, IpAddressType: 'dualstack' }))).IpAddressType, 'dualstack');
  assert.ok((await elb.send(new DescribeAccountLimitsCommand({}))).Limits!.some((l) => l.Name === 'application-load-balancers'));

  await assert.rejects(elb.send(new CreateTargetGroupCommand({ Name: 'dns', Protocol: 'UDP', Port: 53 })), (e: Error) => e.name === 'UnsupportedProtocolException' && e.message.includes("'UDP'"));

  // Trust stores read their CA bundle from S3: a bundle that is not there is refused as ELBv2 refuses it.
  await assert.rejects(
    elb.send(new CreateTrustStoreCommand({ Name: 'clients', CaCertificatesBundleS3Bucket: 'pki', CaCertificatesBundleS3Key: 'ca.pem' })),
    (e: Error) => e.name === 'CaCertificatesBundleNotFoundException' && e.message.includes('s3://pki/ca.pem does not exist'),
  );
  assert.deepEqual((await elb.send(new DescribeTrustStoresCommand({}))).TrustStores, []);
});
