// EC2's VPC basics on the gateway (the EC2 query protocol, XML answers): each operation of models/ec2.json
// Wharf serves, bound to its control-plane function. Task network interfaces show in
// DescribeNetworkInterfaces; the rest of EC2 is not served.
import { authorizeSecurityGroupIngress } from '../control/ec2/authorize-security-group-ingress.js';
import { createSecurityGroup } from '../control/ec2/create-security-group.js';
import { createSubnet } from '../control/ec2/create-subnet.js';
import { createVpc } from '../control/ec2/create-vpc.js';
import { deleteSecurityGroup } from '../control/ec2/delete-security-group.js';
import { deleteSubnet } from '../control/ec2/delete-subnet.js';
import { deleteVpc } from '../control/ec2/delete-vpc.js';
import { describeAvailabilityZones } from '../control/ec2/describe-availability-zones.js';
import { describeNetworkInterfaces } from '../control/ec2/describe-network-interfaces.js';
import { describeSecurityGroups } from '../control/ec2/describe-security-groups.js';
import { describeSubnets } from '../control/ec2/describe-subnets.js';
import { describeVpcs } from '../control/ec2/describe-vpcs.js';
import { revokeSecurityGroupIngress } from '../control/ec2/revoke-security-group-ingress.js';
import { loadModel } from '../protocol/model.js';
import type { ServiceModule } from './module.js';
import { ensureDefaultVpc } from '../control/ec2/vpcs.js';

export const ec2: ServiceModule = {
  binding: (ctx) => ({
    model: loadModel('ec2'),
    handlers: {
      CreateVpc: (input) => createVpc(ctx, input),
      DescribeVpcs: (input) => describeVpcs(ctx, input),
      DeleteVpc: (input) => deleteVpc(ctx, input),
      CreateSubnet: (input) => createSubnet(ctx, input),
      DescribeSubnets: (input) => describeSubnets(ctx, input),
      DeleteSubnet: (input) => deleteSubnet(ctx, input),
      CreateSecurityGroup: (input) => createSecurityGroup(ctx, input),
      DescribeSecurityGroups: (input) => describeSecurityGroups(ctx, input),
      DeleteSecurityGroup: (input) => deleteSecurityGroup(ctx, input),
      AuthorizeSecurityGroupIngress: (input) => authorizeSecurityGroupIngress(ctx, input),
      RevokeSecurityGroupIngress: (input) => revokeSecurityGroupIngress(ctx, input),
      DescribeNetworkInterfaces: (input) => describeNetworkInterfaces(ctx, input),
      DescribeAvailabilityZones: (input) => describeAvailabilityZones(ctx, input),
    },
  }),
  authorization: { taggedKinds: ['vpc', 'subnet', 'securityGroup', 'networkInterface'] },
  ensureDefaults: async (ctx) => {
    await ensureDefaultVpc(ctx);
  },
};
