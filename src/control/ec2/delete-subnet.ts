import type { DeleteSubnetRequest } from '@aws-sdk/client-ec2';
import { DependencyViolation } from '../../core/ec2-errors.js';
import type { ControlContext } from '../context.js';
import { resolveSubnet } from './lookups.js';
import { networkInterfacesBySubnet, routeTablesByVpc } from './indexes.js';

/** A subnet goes once no network interface (no task) and no NAT gateway is in it; its route table association goes with it. */
export async function deleteSubnet(ctx: ControlContext, input: DeleteSubnetRequest): Promise<void> {
  await ctx.state.mutate((tx) => {
    const subnet = resolveSubnet(tx, input.SubnetId!);
    const natGateway = [...ctx.state.all('natGateway')].some((g) => g.SubnetId === subnet.SubnetId && g.State !== 'deleted');
    if (ctx.state.where(networkInterfacesBySubnet, subnet.SubnetId).length > 0 || natGateway) {
      throw new DependencyViolation(`The subnet '${subnet.SubnetId}' has dependencies and cannot be deleted.`);
    }
    for (const t of ctx.state.where(routeTablesByVpc, subnet.VpcId)) {
      if (t.Associations.some((a) => a.SubnetId === subnet.SubnetId)) {
        tx.put('routeTable', t.RouteTableId, { ...t, Associations: t.Associations.filter((a) => a.SubnetId !== subnet.SubnetId) });
      }
    }
    tx.delete('subnet', subnet.SubnetId);
  });
  ctx.log.info('subnet deleted', { subnetId: input.SubnetId });
}
