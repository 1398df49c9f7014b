import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { fixture, type Fixture } from '../ecs/fixtures.js';
import { ADDRESS_QUOTA, allocateAddress, describeAddresses, releaseAddress } from './addresses.js';
import { createRouteTable } from './create-route-table.js';
import { createSubnet } from './create-subnet.js';
import { createVpc } from './create-vpc.js';
import { deleteSubnet } from './delete-subnet.js';
import { deleteVpc } from './delete-vpc.js';
import { describeRouteTables } from './describe-route-tables.js';
import { createNatGateway, deleteNatGateway, describeNatGateways } from './nat-gateways.js';
import {
  createVpcEndpoint,
  deleteVpcEndpoints,
  describePrefixLists,
  describeVpcEndpoints,
  describeVpcEndpointServices,
  modifyVpcEndpoint,
} from './vpc-endpoints.js';

let f: Fixture;
beforeEach(async () => {
  f = await fixture();
});

const rejects = (p: Promise<unknown>, code: string) =>
  assert.rejects(p, (err: Error & { code?: string }) => {
    assert.equal(err.code, code, err.message);
    return true;
  });

async function vpcWithSubnet() {
  const { Vpc } = await createVpc(f.ctx, { CidrBlock: '10.9.0.0/16' });
  const { Subnet } = await createSubnet(f.ctx, { VpcId: Vpc!.VpcId!, CidrBlock: '10.9.1.0/24' });
  return { vpcId: Vpc!.VpcId!, subnetId: Subnet!.SubnetId! };
}

test('Elastic IPs: distinct documentation-range addresses, filters, the regional quota, release', async () => {
  const first = await allocateAddress(f.ctx, { Domain: 'vpc', TagSpecifications: [{ ResourceType: 'elastic-ip', Tags: [{ Key: 'Name', Value: 'nat' }] }] });
  const second = await allocateAddress(f.ctx, {});
  assert.match(first.AllocationId!, /^eipalloc-[0-9a-f]{17}$/);
  assert.notEqual(first.PublicIp, second.PublicIp);
  assert.match(first.PublicIp!, /^198\.51\.100\.\d+$/);
  const tagged = await describeAddresses(f.ctx, { Filters: [{ Name: 'tag:Name', Values: ['nat'] }] });
  assert.deepEqual(tagged.Addresses!.map((a) => a.AllocationId), [first.AllocationId]);
  assert.deepEqual((await describeAddresses(f.ctx, { PublicIps: [second.PublicIp!] })).Addresses!.map((a) => a.AllocationId), [second.AllocationId]);
  for (let i = 2; i < ADDRESS_QUOTA; i++) await allocateAddress(f.ctx, {});
  await rejects(allocateAddress(f.ctx, {}), 'AddressLimitExceeded');
  await releaseAddress(f.ctx, { AllocationId: second.AllocationId });
  await rejects(describeAddresses(f.ctx, { AllocationIds: [second.AllocationId!] }), 'InvalidAllocationID.NotFound');
  await rejects(releaseAddress(f.ctx, { AllocationId: second.AllocationId }), 'InvalidAllocationID.NotFound');
});

test('NAT gateways hold their Elastic IP until deleted, block their subnet, and stay visible as deleted', async () => {
  const { vpcId, subnetId } = await vpcWithSubnet();
  const eip = await allocateAddress(f.ctx, {});
  await rejects(createNatGateway(f.ctx, { SubnetId: subnetId }), 'MissingParameter');
  const { NatGateway } = await createNatGateway(f.ctx, { SubnetId: subnetId, AllocationId: eip.AllocationId });
  assert.equal(NatGateway!.State, 'available');
  assert.equal(NatGateway!.VpcId, vpcId);
  assert.equal(NatGateway!.NatGatewayAddresses![0]!.PublicIp, eip.PublicIp);
  assert.equal(NatGateway!.NatGatewayAddresses![0]!.PrivateIp, '10.9.1.254');
  await rejects(createNatGateway(f.ctx, { SubnetId: subnetId, AllocationId: eip.AllocationId }), 'InvalidIPAddress.InUse');
  await rejects(releaseAddress(f.ctx, { AllocationId: eip.AllocationId }), 'InvalidIPAddress.InUse');
  await rejects(deleteSubnet(f.ctx, { SubnetId: subnetId }), 'DependencyViolation');
  const { NatGateways = [] } = await describeNatGateways(f.ctx, { Filter: [{ Name: 'vpc-id', Values: [vpcId] }] });
  assert.deepEqual(NatGateways.map((g) => g.NatGatewayId), [NatGateway!.NatGatewayId]);

  await deleteNatGateway(f.ctx, { NatGatewayId: NatGateway!.NatGatewayId });
  const after = await describeNatGateways(f.ctx, { NatGatewayIds: [NatGateway!.NatGatewayId!] });
  assert.equal(after.NatGateways![0]!.State, 'deleted');
  await rejects(deleteNatGateway(f.ctx, { NatGatewayId: NatGateway!.NatGatewayId }), 'NatGatewayNotFound');
  assert.equal((await describeAddresses(f.ctx, { AllocationIds: [eip.AllocationId!] })).Addresses![0]!.AssociationId, undefined);
  await releaseAddress(f.ctx, { AllocationId: eip.AllocationId });
  await deleteSubnet(f.ctx, { SubnetId: subnetId });
  const privateNat = await createNatGateway(f.ctx, { SubnetId: (await vpcWithSubnet()).subnetId, ConnectivityType: 'private' });
  assert.equal(privateNat.NatGateway!.NatGatewayAddresses![0]!.PublicIp, undefined);
});

test('gateway endpoints route their prefix list in their tables; interface endpoints take the default group; both block the VPC', async () => {
  const { vpcId, subnetId } = await vpcWithSubnet();
  const { RouteTable } = await createRouteTable(f.ctx, { VpcId: vpcId });
  const tableId = RouteTable!.RouteTableId!;
  await rejects(createVpcEndpoint(f.ctx, { VpcId: vpcId, ServiceName: 'com.amazonaws.us-east-1.nope' }), 'InvalidServiceName');
  await rejects(createVpcEndpoint(f.ctx, { VpcId: vpcId, ServiceName: 'com.amazonaws.us-east-1.ecr.dkr' }), 'InvalidParameter');

  const { VpcEndpoint } = await createVpcEndpoint(f.ctx, { VpcId: vpcId, ServiceName: 'com.amazonaws.us-east-1.s3', RouteTableIds: [tableId] });
  const endpointId = VpcEndpoint!.VpcEndpointId!;
  assert.equal(VpcEndpoint!.State, 'available');
  const { PrefixLists = [] } = await describePrefixLists(f.ctx, { Filters: [{ Name: 'prefix-list-name', Values: ['com.amazonaws.us-east-1.s3'] }] });
  assert.equal(PrefixLists[0]!.PrefixListId, 'pl-63a5400a');
  const routes = async () => (await describeRouteTables(f.ctx, { RouteTableIds: [tableId] })).RouteTables![0]!.Routes!;
  assert.deepEqual((await routes()).filter((r) => r.GatewayId === endpointId).map((r) => r.DestinationPrefixListId), ['pl-63a5400a']);
  await modifyVpcEndpoint(f.ctx, { VpcEndpointId: endpointId, RemoveRouteTableIds: [tableId] });
  assert.equal((await routes()).some((r) => r.GatewayId === endpointId), false);

  const iface = await createVpcEndpoint(f.ctx, { VpcId: vpcId, VpcEndpointType: 'Interface', ServiceName: 'com.amazonaws.us-east-1.ecr.dkr', SubnetIds: [subnetId] });
  assert.deepEqual(iface.VpcEndpoint!.Groups!.map((g) => g.GroupName), ['default']);
  const byType = await describeVpcEndpoints(f.ctx, { Filters: [{ Name: 'vpc-endpoint-type', Values: ['Interface'] }] });
  assert.deepEqual(byType.VpcEndpoints!.map((e) => e.VpcEndpointId), [iface.VpcEndpoint!.VpcEndpointId]);
  const services = await describeVpcEndpointServices(f.ctx, { ServiceNames: ['com.amazonaws.us-east-1.s3'] });
  assert.deepEqual(services.ServiceDetails!.map((s) => s.ServiceType![0]!.ServiceType).sort(), ['Gateway', 'Interface']);

  const { Unsuccessful = [] } = await deleteVpcEndpoints(f.ctx, { VpcEndpointIds: [endpointId, 'vpce-00000000000000000'] });
  assert.deepEqual(Unsuccessful.map((u) => [u.ResourceId, u.Error!.Code]), [['vpce-00000000000000000', 'InvalidVpcEndpointId.NotFound']]);
  await deleteSubnet(f.ctx, { SubnetId: subnetId });
  await rejects(deleteVpc(f.ctx, { VpcId: vpcId }), 'DependencyViolation');
});
