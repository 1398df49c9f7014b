import type { DeleteSubnetRequest } from '@aws-sdk/client-ec2';
import { DependencyViolation } from '../../core/ec2-errors.js';
import type { ControlContext } from '../context.js';
import { resolveSubnet } from './lookups.js';
import { networkInterfacesBySubnet } from './indexes.js';

/** A subnet goes once no network interface is in it (no task runs there). */
export async function deleteSubnet(ctx: ControlContext, input: DeleteSubnetRequest): Promise<void> {
  await ctx.state.mutate((tx) => {
    const subnet = resolveSubnet(tx, input.SubnetId!);
    if (ctx.state.where(networkInterfacesBySubnet, subnet.SubnetId).length > 0) {
      throw new DependencyViolation(`The subnet '${subnet.SubnetId}' has dependencies and cannot be deleted.`);
    }
    tx.delete('subnet', subnet.SubnetId);
  });
  ctx.log.info('subnet deleted', { subnetId: input.SubnetId });
}
