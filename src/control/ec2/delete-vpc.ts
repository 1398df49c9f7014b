import type { DeleteVpcRequest } from '@aws-sdk/client-ec2';
import { DEFAULT_SECURITY_GROUP } from '../../core/ec2.js';
import { DependencyViolation } from '../../core/ec2-errors.js';
import type { ControlContext } from '../context.js';
import { resolveVpc } from './lookups.js';
import { networkAclsByVpc, routeTablesByVpc, securityGroupsByVpc, subnetsByVpc } from './indexes.js';

/**
 * A VPC goes once it has no subnets, no security groups but its default one, no route tables but its main
 * one, no internet gateway attached and no endpoint; its default group, main table and default ACL go with it.
 */
export async function deleteVpc(ctx: ControlContext, input: DeleteVpcRequest): Promise<void> {
  await ctx.state.mutate((tx) => {
    const vpc = resolveVpc(tx, input.VpcId!);
    const groups = ctx.state.where(securityGroupsByVpc, vpc.VpcId);
    const tables = ctx.state.where(routeTablesByVpc, vpc.VpcId);
    const gateway = [...ctx.state.all('internetGateway')].some((g) => g.Attachments.some((a) => a.VpcId === vpc.VpcId));
    const endpoint = [...ctx.state.all('vpcEndpoint')].some((e) => e.VpcId === vpc.VpcId);
    if (
      ctx.state.where(subnetsByVpc, vpc.VpcId).length > 0 ||
      groups.some((g) => g.GroupName !== DEFAULT_SECURITY_GROUP) ||
      tables.some((t) => !t.Associations.some((a) => a.Main)) ||
      gateway ||
      endpoint
    ) {
      throw new DependencyViolation(`The vpc '${vpc.VpcId}' has dependencies and cannot be deleted.`);
    }
    for (const g of groups) tx.delete('securityGroup', g.GroupId);
    for (const t of tables) tx.delete('routeTable', t.RouteTableId);
    for (const a of ctx.state.where(networkAclsByVpc, vpc.VpcId)) tx.delete('networkAcl', a.NetworkAclId);
    tx.delete('vpc', vpc.VpcId);
  });
  ctx.log.info('vpc deleted', { vpcId: input.VpcId });
}
