// EC2's networking surface on the gateway (the EC2 query protocol, XML answers): each operation of
// models/ec2.json Wharf serves, bound to its control-plane function. VPCs, subnets and security groups are
// enforced for awsvpc tasks; route tables, gateways, NAT gateways, Elastic IPs and endpoints are records
// the tools that manage VPCs read back. The rest of EC2 is not served.
import { allocateAddress, associateAddress, describeAddresses, describeAddressesAttribute, disassociateAddress, releaseAddress } from '../control/ec2/addresses.js';
import { associateRouteTable } from '../control/ec2/associate-route-table.js';
import { attachInternetGateway } from '../control/ec2/attach-internet-gateway.js';
import { authorizeSecurityGroupEgress } from '../control/ec2/authorize-security-group-egress.js';
import { authorizeSecurityGroupIngress } from '../control/ec2/authorize-security-group-ingress.js';
import { createInternetGateway } from '../control/ec2/create-internet-gateway.js';
import { createRoute } from '../control/ec2/create-route.js';
import { createRouteTable } from '../control/ec2/create-route-table.js';
import { createSecurityGroup } from '../control/ec2/create-security-group.js';
import { createSubnet } from '../control/ec2/create-subnet.js';
import { createTags } from '../control/ec2/create-tags.js';
import { createVpc } from '../control/ec2/create-vpc.js';
import { deleteInternetGateway } from '../control/ec2/delete-internet-gateway.js';
import { deleteRoute } from '../control/ec2/delete-route.js';
import { deleteRouteTable } from '../control/ec2/delete-route-table.js';
import { deleteSecurityGroup } from '../control/ec2/delete-security-group.js';
import { deleteSubnet } from '../control/ec2/delete-subnet.js';
import { deleteTags } from '../control/ec2/delete-tags.js';
import { deleteVpc } from '../control/ec2/delete-vpc.js';
import { describeAccountAttributes } from '../control/ec2/describe-account-attributes.js';
import { describeAvailabilityZones } from '../control/ec2/describe-availability-zones.js';
import { describeInternetGateways } from '../control/ec2/describe-internet-gateways.js';
import { describeNetworkAcls } from '../control/ec2/describe-network-acls.js';
import { describeNetworkInterfaces } from '../control/ec2/describe-network-interfaces.js';
import { describeRouteTables } from '../control/ec2/describe-route-tables.js';
import { describeSecurityGroupRules } from '../control/ec2/describe-security-group-rules.js';
import { describeSecurityGroups } from '../control/ec2/describe-security-groups.js';
import { describeSubnets } from '../control/ec2/describe-subnets.js';
import { describeTags } from '../control/ec2/describe-tags.js';
import { describeVpcAttribute } from '../control/ec2/describe-vpc-attribute.js';
import { describeVpcs } from '../control/ec2/describe-vpcs.js';
import { detachInternetGateway } from '../control/ec2/detach-internet-gateway.js';
import { disassociateRouteTable } from '../control/ec2/disassociate-route-table.js';
import { createNatGateway, deleteNatGateway, describeNatGateways } from '../control/ec2/nat-gateways.js';
import { modifySecurityGroupRules } from '../control/ec2/modify-security-group-rules.js';
import { modifySubnetAttribute } from '../control/ec2/modify-subnet-attribute.js';
import { modifyVpcAttribute } from '../control/ec2/modify-vpc-attribute.js';
import { replaceRoute } from '../control/ec2/replace-route.js';
import { replaceRouteTableAssociation } from '../control/ec2/replace-route-table-association.js';
import { revokeSecurityGroupEgress } from '../control/ec2/revoke-security-group-egress.js';
import { revokeSecurityGroupIngress } from '../control/ec2/revoke-security-group-ingress.js';
import {
  createVpcEndpoint,
  deleteVpcEndpoints,
  describePrefixLists,
  describeVpcEndpoints,
  describeVpcEndpointServices,
  modifyVpcEndpoint,
} from '../control/ec2/vpc-endpoints.js';
import { ensureDefaultVpc, upgradeRecords } from '../control/ec2/vpcs.js';
import { describeInstances, describeInstanceStatus } from '../control/ec2/describe-instances.js';
import { instanceController } from '../control/ec2/instance-controller.js';
import { startInstancesOperation, stopInstancesOperation, terminateInstancesOperation } from '../control/ec2/instance-states.js';
import {
  createLaunchTemplate,
  createLaunchTemplateVersion,
  deleteLaunchTemplate,
  deleteLaunchTemplateVersions,
  describeLaunchTemplates,
  describeLaunchTemplateVersions,
  modifyLaunchTemplate,
} from '../control/ec2/launch-templates.js';
import { runSpotInstanceInterruptions } from '../control/ec2/spot-instance-interruptions.js';
import { runInstances } from '../control/ec2/run-instances.js';
import { describeInstanceAttribute, modifyInstanceAttribute } from '../control/ec2/instance-attributes.js';
import { describeInstanceTypes } from '../control/ec2/describe-instance-types.js';
import { createKeyPair, deleteKeyPair, describeKeyPairs, importKeyPair } from '../control/ec2/key-pairs.js';
import { loadModel } from '../protocol/model.js';
import type { ServiceModule } from './module.js';

export const ec2: ServiceModule = {
  binding: (ctx) => ({
    model: loadModel('ec2'),
    handlers: {
      CreateVpc: (input) => createVpc(ctx, input),
      DescribeVpcs: (input) => describeVpcs(ctx, input),
      DeleteVpc: (input) => deleteVpc(ctx, input),
      DescribeVpcAttribute: (input) => describeVpcAttribute(ctx, input),
      ModifyVpcAttribute: (input) => modifyVpcAttribute(ctx, input),
      CreateSubnet: (input) => createSubnet(ctx, input),
      DescribeSubnets: (input) => describeSubnets(ctx, input),
      DeleteSubnet: (input) => deleteSubnet(ctx, input),
      ModifySubnetAttribute: (input) => modifySubnetAttribute(ctx, input),
      CreateSecurityGroup: (input) => createSecurityGroup(ctx, input),
      DescribeSecurityGroups: (input) => describeSecurityGroups(ctx, input),
      DeleteSecurityGroup: (input) => deleteSecurityGroup(ctx, input),
      AuthorizeSecurityGroupIngress: (input) => authorizeSecurityGroupIngress(ctx, input),
      RevokeSecurityGroupIngress: (input) => revokeSecurityGroupIngress(ctx, input),
      AuthorizeSecurityGroupEgress: (input) => authorizeSecurityGroupEgress(ctx, input),
      RevokeSecurityGroupEgress: (input) => revokeSecurityGroupEgress(ctx, input),
      DescribeSecurityGroupRules: (input) => describeSecurityGroupRules(ctx, input),
      ModifySecurityGroupRules: (input) => modifySecurityGroupRules(ctx, input),
      CreateTags: (input) => createTags(ctx, input),
      DeleteTags: (input) => deleteTags(ctx, input),
      DescribeTags: (input) => describeTags(ctx, input),
      CreateInternetGateway: (input) => createInternetGateway(ctx, input),
      AttachInternetGateway: (input) => attachInternetGateway(ctx, input),
      DetachInternetGateway: (input) => detachInternetGateway(ctx, input),
      DeleteInternetGateway: (input) => deleteInternetGateway(ctx, input),
      DescribeInternetGateways: (input) => describeInternetGateways(ctx, input),
      CreateRouteTable: (input) => createRouteTable(ctx, input),
      DeleteRouteTable: (input) => deleteRouteTable(ctx, input),
      DescribeRouteTables: (input) => describeRouteTables(ctx, input),
      CreateRoute: (input) => createRoute(ctx, input),
      ReplaceRoute: (input) => replaceRoute(ctx, input),
      DeleteRoute: (input) => deleteRoute(ctx, input),
      AssociateRouteTable: (input) => associateRouteTable(ctx, input),
      DisassociateRouteTable: (input) => disassociateRouteTable(ctx, input),
      ReplaceRouteTableAssociation: (input) => replaceRouteTableAssociation(ctx, input),
      DescribeNetworkAcls: (input) => describeNetworkAcls(ctx, input),
      DescribeNetworkInterfaces: (input) => describeNetworkInterfaces(ctx, input),
      DescribeAvailabilityZones: (input) => describeAvailabilityZones(ctx, input),
      DescribeAccountAttributes: (input) => describeAccountAttributes(ctx, input),
      AllocateAddress: (input) => allocateAddress(ctx, input),
      ReleaseAddress: (input) => releaseAddress(ctx, input),
      AssociateAddress: (input) => associateAddress(ctx, input),
      DisassociateAddress: (input) => disassociateAddress(ctx, input),
      DescribeAddresses: (input) => describeAddresses(ctx, input),
      DescribeAddressesAttribute: (input) => describeAddressesAttribute(ctx, input),
      CreateNatGateway: (input) => createNatGateway(ctx, input),
      DeleteNatGateway: (input) => deleteNatGateway(ctx, input),
      DescribeNatGateways: (input) => describeNatGateways(ctx, input),
      CreateVpcEndpoint: (input) => createVpcEndpoint(ctx, input),
      ModifyVpcEndpoint: (input) => modifyVpcEndpoint(ctx, input),
      DeleteVpcEndpoints: (input) => deleteVpcEndpoints(ctx, input),
      DescribeVpcEndpoints: (input) => describeVpcEndpoints(ctx, input),
      DescribeVpcEndpointServices: (input) => describeVpcEndpointServices(ctx, input),
      DescribePrefixLists: (input) => describePrefixLists(ctx, input),
      RunInstances: (input) => runInstances(ctx, input),
      DescribeInstances: (input) => describeInstances(ctx, input),
      DescribeInstanceStatus: (input) => describeInstanceStatus(ctx, input),
      StartInstances: (input) => startInstancesOperation(ctx, input),
      StopInstances: (input) => stopInstancesOperation(ctx, input),
      TerminateInstances: (input) => terminateInstancesOperation(ctx, input),
      CreateLaunchTemplate: (input, call) => createLaunchTemplate(ctx, input, call),
      CreateLaunchTemplateVersion: (input, call) => createLaunchTemplateVersion(ctx, input, call),
      ModifyLaunchTemplate: (input) => modifyLaunchTemplate(ctx, input),
      DeleteLaunchTemplate: (input) => deleteLaunchTemplate(ctx, input),
      DeleteLaunchTemplateVersions: (input) => deleteLaunchTemplateVersions(ctx, input),
      DescribeLaunchTemplates: (input) => describeLaunchTemplates(ctx, input),
      DescribeLaunchTemplateVersions: (input) => describeLaunchTemplateVersions(ctx, input),
      DescribeInstanceTypes: (input) => describeInstanceTypes(ctx, input),
      ModifyInstanceAttribute: (input) => modifyInstanceAttribute(ctx, input),
      DescribeInstanceAttribute: (input) => describeInstanceAttribute(ctx, input),
      CreateKeyPair: (input) => createKeyPair(ctx, input),
      ImportKeyPair: (input) => importKeyPair(ctx, input),
      DescribeKeyPairs: (input) => describeKeyPairs(ctx, input),
      DeleteKeyPair: (input) => deleteKeyPair(ctx, input),
    },
  }),
  controllers: (ctx, signal) => [
    instanceController(ctx, signal),
    ...(ctx.spotInterruptionsPerHour ? [runSpotInstanceInterruptions(ctx, signal, ctx.spotInterruptionsPerHour)] : []),
  ],
  authorization: { taggedKinds: ['vpc', 'subnet', 'securityGroup', 'networkInterface', 'internetGateway', 'routeTable', 'networkAcl', 'natGateway', 'elasticIp', 'vpcEndpoint', 'instance', 'launchTemplate', 'keyPair'] },
  ensureDefaults: async (ctx) => {
    await upgradeRecords(ctx);
    await ensureDefaultVpc(ctx);
  },
};
