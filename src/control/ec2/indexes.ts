// EC2's secondary indexes over the control plane's state (see `defineIndex`).
import { defineIndex } from '../state.js';

export const subnetsByVpc = defineIndex('subnet', (s) => s.VpcId);
export const securityGroupsByVpc = defineIndex('securityGroup', (g) => g.VpcId);
export const networkInterfacesBySubnet = defineIndex('networkInterface', (n) => n.SubnetId);
export const networkInterfacesByTask = defineIndex('networkInterface', (n) => n.taskArn);
export const routeTablesByVpc = defineIndex('routeTable', (t) => t.VpcId);
export const networkAclsByVpc = defineIndex('networkAcl', (a) => a.VpcId);
