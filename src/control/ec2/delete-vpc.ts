import type { DeleteVpcRequest } from '@aws-sdk/client-ec2';
import { DEFAULT_SECURITY_GROUP } from '../../core/ec2.js';
import { DependencyViolation } from '../../core/ec2-errors.js';
import type { ControlContext } from '../context.js';
import { resolveVpc } from './lookups.js';
import { securityGroupsByVpc, subnetsByVpc } from './indexes.js';

/** A VPC goes once it has no subnets and no security groups but its default one, which goes with it. */
export async function deleteVpc(ctx: ControlContext, input: DeleteVpcRequest): Promise<void> {
  await ctx.state.mutate((tx) => {
    const vpc = resolveVpc(tx, input.VpcId!);
    const groups = ctx.state.where(securityGroupsByVpc, vpc.VpcId);
    if (ctx.state.where(subnetsByVpc, vpc.VpcId).length > 0 || groups.some((g) => g.GroupName !== DEFAULT_SECURITY_GROUP)) {
      throw new DependencyViolation(`The vpc '${vpc.VpcId}' has dependencies and cannot be deleted.`);
    }
    for (const g of groups) tx.delete('securityGroup', g.GroupId);
    tx.delete('vpc', vpc.VpcId);
  });
  ctx.log.info('vpc deleted', { vpcId: input.VpcId });
}
