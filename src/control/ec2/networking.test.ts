import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { fixture, type Fixture } from '../ecs/fixtures.js';
import { associateRouteTable } from './associate-route-table.js';
import { attachInternetGateway } from './attach-internet-gateway.js';
import { authorizeSecurityGroupEgress } from './authorize-security-group-egress.js';
import { createInternetGateway } from './create-internet-gateway.js';
import { createRoute } from './create-route.js';
import { createRouteTable } from './create-route-table.js';
import { createSecurityGroup } from './create-security-group.js';
import { createSubnet } from './create-subnet.js';
import { createTags } from './create-tags.js';
import { createVpc } from './create-vpc.js';
import { deleteInternetGateway } from './delete-internet-gateway.js';
import { deleteTags } from './delete-tags.js';
import { deleteVpc } from './delete-vpc.js';
import { wildcard } from './describe.js';
import { describeAccountAttributes } from './describe-account-attributes.js';
import { describeNetworkAcls } from './describe-network-acls.js';
import { describeRouteTables } from './describe-route-tables.js';
import { describeSecurityGroupRules } from './describe-security-group-rules.js';
import { describeSecurityGroups } from './describe-security-groups.js';
import { describeSubnets } from './describe-subnets.js';
import { describeTags } from './describe-tags.js';
import { describeVpcAttribute } from './describe-vpc-attribute.js';
import { describeVpcs } from './describe-vpcs.js';
import { detachInternetGateway } from './detach-internet-gateway.js';
import { disassociateRouteTable } from './disassociate-route-table.js';
import { modifySecurityGroupRules } from './modify-security-group-rules.js';
import { modifySubnetAttribute } from './modify-subnet-attribute.js';
import { modifyVpcAttribute } from './modify-vpc-attribute.js';
import { revokeSecurityGroupEgress } from './revoke-security-group-egress.js';
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

test("EC2's wildcards: * any run, ? one character, backslash escapes", () => {
  assert.ok(wildcard('web-*').test('web-1'));
  assert.ok(wildcard('a?c').test('abc'));
  assert.ok(!wildcard('a?c').test('ac'));
  assert.ok(wildcard('a\\*').test('a*'));
  assert.ok(!wildcard('a\\*').test('ab'));
  assert.ok(wildcard('1.2').test('1.2') && !wildcard('1.2').test('1x2'));
});

test('VPC filters (isDefault as Terraform sends it, cidr, tags) and attributes', async () => {
  const def = await ensureDefaultVpc(f.ctx);
  const { Vpc } = await createVpc(f.ctx, { CidrBlock: '10.0.0.0/16', TagSpecifications: [{ ResourceType: 'vpc', Tags: [{ Key: 'env', Value: 'prod' }] }] });
  const ids = async (Filters: { Name: string; Values: string[] }[]) => ((await describeVpcs(f.ctx, { Filters })).Vpcs ?? []).map((v) => v.VpcId);
  assert.deepEqual(await ids([{ Name: 'isDefault', Values: ['true'] }]), [def.VpcId]);
  assert.deepEqual(await ids([{ Name: 'is-default', Values: ['false'] }]), [Vpc!.VpcId]);
  assert.deepEqual(await ids([{ Name: 'cidr-block-association.cidr-block', Values: ['10.*'] }]), [Vpc!.VpcId]);
  assert.deepEqual(await ids([{ Name: 'tag-key', Values: ['env'] }, { Name: 'tag:env', Values: ['pr?d'] }]), [Vpc!.VpcId]);
  await rejects(describeVpcs(f.ctx, { Filters: [{ Name: 'is_default', Values: ['true'] }] }), 'InvalidParameterValue', "The filter 'is_default' is invalid");

  const attribute = async (vpcId: string, Attribute: 'enableDnsHostnames' | 'enableDnsSupport') => describeVpcAttribute(f.ctx, { VpcId: vpcId, Attribute });
  assert.deepEqual(await attribute(def.VpcId, 'enableDnsHostnames'), { VpcId: def.VpcId, EnableDnsHostnames: { Value: true } });
  assert.deepEqual(await attribute(Vpc!.VpcId!, 'enableDnsHostnames'), { VpcId: Vpc!.VpcId, EnableDnsHostnames: { Value: false } });
  await modifyVpcAttribute(f.ctx, { VpcId: Vpc!.VpcId!, EnableDnsHostnames: { Value: true } });
  assert.equal((await attribute(Vpc!.VpcId!, 'enableDnsHostnames')).EnableDnsHostnames!.Value, true);
  await rejects(modifyVpcAttribute(f.ctx, { VpcId: Vpc!.VpcId!, EnableDnsSupport: { Value: false } }), 'InvalidParameterValue');
  await rejects(modifyVpcAttribute(f.ctx, { VpcId: Vpc!.VpcId!, EnableDnsSupport: { Value: true }, EnableDnsHostnames: { Value: true } }), 'InvalidParameterCombination');

  const acls = await describeNetworkAcls(f.ctx, { Filters: [{ Name: 'default', Values: ['true'] }, { Name: 'vpc-id', Values: [Vpc!.VpcId!] }] });
  assert.equal(acls.NetworkAcls!.length, 1);
  const { AccountAttributes = [] } = await describeAccountAttributes(f.ctx, { AttributeNames: ['default-vpc'] });
  assert.deepEqual(AccountAttributes, [{ AttributeName: 'default-vpc', AttributeValues: [{ AttributeValue: def.VpcId }] }]);
});

test('subnet filters and attributes', async () => {
  await ensureDefaultVpc(f.ctx);
  const { Subnets = [] } = await describeSubnets(f.ctx, { Filters: [{ Name: 'default-for-az', Values: ['true'] }, { Name: 'availability-zone', Values: ['us-east-1b'] }] });
  assert.deepEqual(Subnets.map((s) => s.CidrBlock), ['172.31.16.0/20']);
  const subnetId = Subnets[0]!.SubnetId!;
  await modifySubnetAttribute(f.ctx, { SubnetId: subnetId, MapPublicIpOnLaunch: { Value: false } });
  const after = await describeSubnets(f.ctx, { Filters: [{ Name: 'map-public-ip-on-launch', Values: ['false'] }] });
  assert.deepEqual(after.Subnets!.map((s) => s.SubnetId), [subnetId]);
  assert.equal((await describeSubnets(f.ctx, { Filters: [{ Name: 'available-ip-address-count', Values: ['4091'] }] })).Subnets!.length, 3);
});

test('egress rules: the default allow-all, revoked and authorized by content, by id, modified in place; rules described one by one', async () => {
  await ensureDefaultVpc(f.ctx);
  const { GroupId } = await createSecurityGroup(f.ctx, { GroupName: 'app', Description: 'app' });
  const rules = async () => (await describeSecurityGroupRules(f.ctx, { Filters: [{ Name: 'group-id', Values: [GroupId!] }] })).SecurityGroupRules ?? [];
  assert.deepEqual((await rules()).map((r) => [r.IsEgress, r.IpProtocol, r.CidrIpv4]), [[true, '-1', '0.0.0.0/0']]);
  await rejects(
    revokeSecurityGroupEgress(f.ctx, { GroupId, IpPermissions: [{ IpProtocol: '-1', Ipv6Ranges: [{ CidrIpv6: '::/0' }] }] }),
    'InvalidPermission.NotFound',
  );
  await revokeSecurityGroupEgress(f.ctx, { GroupId, IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] });
  assert.deepEqual(await rules(), []);
  const { SecurityGroupRules = [] } = await authorizeSecurityGroupEgress(f.ctx, {
    GroupId,
    IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.0.0.0/8' }] }],
    TagSpecifications: [{ ResourceType: 'security-group-rule', Tags: [{ Key: 'Name', Value: 'https' }] }],
  });
  const ruleId = SecurityGroupRules[0]!.SecurityGroupRuleId!;
  assert.deepEqual(SecurityGroupRules[0]!.Tags, [{ Key: 'Name', Value: 'https' }]);
  await modifySecurityGroupRules(f.ctx, { GroupId, SecurityGroupRules: [{ SecurityGroupRuleId: ruleId, SecurityGroupRule: { IpProtocol: 'tcp', FromPort: 8443, ToPort: 8443, CidrIpv4: '10.0.0.0/8' } }] });
  const [group] = (await describeSecurityGroups(f.ctx, { Filters: [{ Name: 'egress.ip-permission.from-port', Values: ['8443'] }] })).SecurityGroups!;
  assert.equal(group!.GroupId, GroupId);
  assert.deepEqual((await rules()).map((r) => [r.SecurityGroupRuleId, r.FromPort, r.Tags]), [[ruleId, 8443, [{ Key: 'Name', Value: 'https' }]]]);
  await revokeSecurityGroupEgress(f.ctx, { GroupId, SecurityGroupRuleIds: [ruleId] });
  await rejects(revokeSecurityGroupEgress(f.ctx, { GroupId, SecurityGroupRuleIds: [ruleId] }), 'InvalidSecurityGroupRuleId.NotFound');
});

test('internet gateways and route tables: attach, routes, associations, and what blocks deletion', async () => {
  const { Vpc } = await createVpc(f.ctx, { CidrBlock: '10.1.0.0/16' });
  const vpcId = Vpc!.VpcId!;
  const { Subnet } = await createSubnet(f.ctx, { VpcId: vpcId, CidrBlock: '10.1.1.0/24' });
  const main = (await describeRouteTables(f.ctx, { Filters: [{ Name: 'association.main', Values: ['true'] }, { Name: 'vpc-id', Values: [vpcId] }] })).RouteTables!;
  assert.deepEqual(main[0]!.Routes, [{ DestinationCidrBlock: '10.1.0.0/16', GatewayId: 'local', Origin: 'CreateRouteTable', State: 'active' }]);

  const gatewayId = (await createInternetGateway(f.ctx, {})).InternetGateway!.InternetGatewayId!;
  const { RouteTable } = await createRouteTable(f.ctx, { VpcId: vpcId });
  const tableId = RouteTable!.RouteTableId!;
  await rejects(createRoute(f.ctx, { RouteTableId: tableId, DestinationCidrBlock: '0.0.0.0/0', GatewayId: gatewayId }), 'InvalidParameterValue');
  await attachInternetGateway(f.ctx, { InternetGatewayId: gatewayId, VpcId: vpcId });
  await rejects(attachInternetGateway(f.ctx, { InternetGatewayId: gatewayId, VpcId: vpcId }), 'Resource.AlreadyAssociated');
  await createRoute(f.ctx, { RouteTableId: tableId, DestinationCidrBlock: '0.0.0.0/0', GatewayId: gatewayId });
  await rejects(createRoute(f.ctx, { RouteTableId: tableId, DestinationCidrBlock: '0.0.0.0/0', GatewayId: gatewayId }), 'RouteAlreadyExists');
  const { AssociationId } = await associateRouteTable(f.ctx, { RouteTableId: tableId, SubnetId: Subnet!.SubnetId });
  await rejects(associateRouteTable(f.ctx, { RouteTableId: tableId, SubnetId: Subnet!.SubnetId }), 'Resource.AlreadyAssociated');
  const found = await describeRouteTables(f.ctx, { Filters: [{ Name: 'association.route-table-association-id', Values: [AssociationId!] }] });
  assert.deepEqual(found.RouteTables!.map((t) => t.RouteTableId), [tableId]);
  await rejects(deleteInternetGateway(f.ctx, { InternetGatewayId: gatewayId }), 'DependencyViolation');
  await disassociateRouteTable(f.ctx, { AssociationId });
  await rejects(disassociateRouteTable(f.ctx, { AssociationId }), 'InvalidAssociationID.NotFound');
  await detachInternetGateway(f.ctx, { InternetGatewayId: gatewayId, VpcId: vpcId });
  await rejects(detachInternetGateway(f.ctx, { InternetGatewayId: gatewayId, VpcId: vpcId }), 'Gateway.NotAttached');
  await deleteInternetGateway(f.ctx, { InternetGatewayId: gatewayId });
});

test('tags on any resource by id; DescribeTags over all of them', async () => {
  const { Vpc } = await createVpc(f.ctx, { CidrBlock: '10.2.0.0/16' });
  const gatewayId = (await createInternetGateway(f.ctx, {})).InternetGateway!.InternetGatewayId!;
  await createTags(f.ctx, { Resources: [Vpc!.VpcId!, gatewayId], Tags: [{ Key: 'team', Value: 'a' }] });
  await createTags(f.ctx, { Resources: [gatewayId], Tags: [{ Key: 'team', Value: 'b' }] });
  const { Tags = [] } = await describeTags(f.ctx, { Filters: [{ Name: 'key', Values: ['team'] }] });
  assert.deepEqual(Tags.map((t) => [t.ResourceType, t.Value]).sort(), [['internet-gateway', 'b'], ['vpc', 'a']]);
  await deleteTags(f.ctx, { Resources: [gatewayId], Tags: [{ Key: 'team', Value: 'a' }] });
  assert.equal((await describeTags(f.ctx, { Filters: [{ Name: 'resource-id', Values: [gatewayId] }] })).Tags!.length, 1, 'a value that does not match deletes nothing');
  await deleteTags(f.ctx, { Resources: [gatewayId] });
  assert.equal((await describeTags(f.ctx, { Filters: [{ Name: 'resource-id', Values: [gatewayId] }] })).Tags!.length, 0);
  await rejects(createTags(f.ctx, { Resources: ['vpc-00000000000000000'], Tags: [{ Key: 'k', Value: 'v' }] }), 'InvalidVpcID.NotFound');
  await rejects(createTags(f.ctx, { Resources: ['bogus'], Tags: [{ Key: 'k', Value: 'v' }] }), 'InvalidID');
  await deleteVpc(f.ctx, { VpcId: Vpc!.VpcId! });
  assert.equal([...f.ctx.state.all('routeTable')].length + [...f.ctx.state.all('networkAcl')].length, 0, 'the main table and default ACL go with the VPC');
});
