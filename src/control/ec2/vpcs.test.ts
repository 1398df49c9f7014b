import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { fixture, type Fixture } from '../ecs/fixtures.js';
import { authorizeSecurityGroupIngress } from './authorize-security-group-ingress.js';
import { createSecurityGroup } from './create-security-group.js';
import { createSubnet } from './create-subnet.js';
import { createVpc } from './create-vpc.js';
import { deleteSecurityGroup } from './delete-security-group.js';
import { deleteSubnet } from './delete-subnet.js';
import { deleteVpc } from './delete-vpc.js';
import { describeAvailabilityZones } from './describe-availability-zones.js';
import { describeSecurityGroups } from './describe-security-groups.js';
import { describeSubnets } from './describe-subnets.js';
import { describeVpcs } from './describe-vpcs.js';
import { ensureDefaultVpc } from './vpcs.js';

let f: Fixture;
beforeEach(async () => {
  f = await fixture();
});

const rejects = (p: Promise<unknown>, code: string, message?: string) =>
  assert.rejects(p, (err: Error & { code?: string }) => {
    assert.equal(err.code, code);
    if (message) assert.equal(err.message, message);
    return true;
  });

test('the default VPC: 172.31.0.0/16, a default /20 per zone, the default group; made once', async () => {
  const vpc = await ensureDefaultVpc(f.ctx);
  assert.equal(await ensureDefaultVpc(f.ctx), vpc);
  assert.match(vpc.VpcId, /^vpc-[0-9a-f]{17}$/);
  const { Subnets = [] } = await describeSubnets(f.ctx, {});
  assert.deepEqual(Subnets.map((s) => [s.CidrBlock, s.AvailabilityZone, s.AvailabilityZoneId, s.DefaultForAz, s.AvailableIpAddressCount]), [
    ['172.31.0.0/20', 'us-east-1a', 'use1-az1', true, 4091],
    ['172.31.16.0/20', 'us-east-1b', 'use1-az2', true, 4091],
    ['172.31.32.0/20', 'us-east-1c', 'use1-az3', true, 4091],
  ]);
  const { SecurityGroups = [] } = await describeSecurityGroups(f.ctx, { GroupNames: ['default'] });
  assert.equal(SecurityGroups[0]!.VpcId, vpc.VpcId);
  const { AvailabilityZones = [] } = await describeAvailabilityZones(f.ctx, { Filters: [{ Name: 'zone-name', Values: ['*b'] }] });
  assert.deepEqual(AvailabilityZones.map((z) => z.ZoneName), ['us-east-1b']);
  await rejects(describeAvailabilityZones(f.ctx, { ZoneNames: ['us-east-1z'] }), 'InvalidParameterValue', 'Invalid availability zone: [us-east-1z]');
});

test("VPCs and subnets: ranges, conflicts, filters and dependencies, with EC2's errors", async () => {
  const { Vpc } = await createVpc(f.ctx, { CidrBlock: '10.0.0.0/16', TagSpecifications: [{ ResourceType: 'vpc', Tags: [{ Key: 'Name', Value: 'app' }] }] });
  const vpcId = Vpc!.VpcId!;
  await rejects(createVpc(f.ctx, { CidrBlock: '10.0.0.0/15' }), 'InvalidVpc.Range', "The CIDR '10.0.0.0/15' is invalid.");
  await rejects(createVpc(f.ctx, { CidrBlock: 'ten' }), 'InvalidParameterValue');
  await rejects(createVpc(f.ctx, {}), 'MissingParameter');
  const { Vpcs = [] } = await describeVpcs(f.ctx, { Filters: [{ Name: 'tag:Name', Values: ['app'] }] });
  assert.deepEqual(Vpcs.map((v) => v.VpcId), [vpcId]);
  await rejects(describeVpcs(f.ctx, { Filters: [{ Name: 'colour', Values: ['red'] }] }), 'InvalidParameterValue', "The filter 'colour' is invalid");
  await rejects(describeVpcs(f.ctx, { VpcIds: ['vpc-00000000000000000'] }), 'InvalidVpcID.NotFound', "The vpc ID 'vpc-00000000000000000' does not exist");

  const { Subnet } = await createSubnet(f.ctx, { VpcId: vpcId, CidrBlock: '10.0.1.0/28', AvailabilityZone: 'us-east-1c' });
  assert.deepEqual([Subnet!.AvailableIpAddressCount, Subnet!.AvailabilityZone, Subnet!.DefaultForAz], [11, 'us-east-1c', false]);
  await rejects(createSubnet(f.ctx, { VpcId: vpcId, CidrBlock: '10.0.1.0/24' }), 'InvalidSubnet.Conflict', "The CIDR '10.0.1.0/24' conflicts with another subnet");
  await rejects(createSubnet(f.ctx, { VpcId: vpcId, CidrBlock: '10.1.0.0/24' }), 'InvalidSubnet.Range');
  await rejects(createSubnet(f.ctx, { VpcId: vpcId, CidrBlock: '10.0.2.0/29' }), 'InvalidSubnet.Range');
  await rejects(createSubnet(f.ctx, { VpcId: vpcId, CidrBlock: '10.0.2.0/24', AvailabilityZone: 'us-west-2a' }), 'InvalidParameterValue');
  await rejects(deleteVpc(f.ctx, { VpcId: vpcId }), 'DependencyViolation', `The vpc '${vpcId}' has dependencies and cannot be deleted.`);
  await deleteSubnet(f.ctx, { SubnetId: Subnet!.SubnetId });
  await rejects(deleteSubnet(f.ctx, { SubnetId: Subnet!.SubnetId }), 'InvalidSubnetID.NotFound');
  await deleteVpc(f.ctx, { VpcId: vpcId });
  assert.equal([...f.ctx.state.all('securityGroup')].length, 0, "the VPC's default group goes with it");
});

test('security groups: names, rules naming other groups, what cannot be deleted', async () => {
  await ensureDefaultVpc(f.ctx);
  const { GroupId: web } = await createSecurityGroup(f.ctx, { GroupName: 'web', Description: 'web' });
  const { GroupId: db } = await createSecurityGroup(f.ctx, { GroupName: 'db', Description: 'db' });
  await rejects(createSecurityGroup(f.ctx, { GroupName: 'web', Description: 'again' }), 'InvalidGroup.Duplicate');
  await rejects(createSecurityGroup(f.ctx, { GroupName: 'sg-x', Description: 'x' }), 'InvalidParameterValue');
  const { SecurityGroupRules = [] } = await authorizeSecurityGroupIngress(f.ctx, {
    GroupId: db,
    IpPermissions: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupName: 'web' }] }],
  });
  assert.deepEqual([SecurityGroupRules[0]!.ReferencedGroupInfo!.GroupId, SecurityGroupRules[0]!.IsEgress], [web, false]);
  await rejects(deleteSecurityGroup(f.ctx, { GroupId: web }), 'DependencyViolation', `resource ${web} has a dependent object`);
  const defaultGroup = (await describeSecurityGroups(f.ctx, { GroupNames: ['default'] })).SecurityGroups![0]!;
  await rejects(deleteSecurityGroup(f.ctx, { GroupName: 'default' }), 'CannotDelete', `the specified group: "${defaultGroup.GroupId}" name: "default" cannot be deleted by a user`);
  await deleteSecurityGroup(f.ctx, { GroupId: db });
  await deleteSecurityGroup(f.ctx, { GroupName: 'web' });
  await rejects(describeSecurityGroups(f.ctx, { GroupIds: [web!] }), 'InvalidGroup.NotFound');
});
