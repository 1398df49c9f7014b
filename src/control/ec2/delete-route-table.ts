import type { DeleteRouteTableRequest } from '@aws-sdk/client-ec2';
import { DependencyViolation } from '../../core/ec2-errors.js';
import type { ControlContext } from '../context.js';
import { resolveRouteTable } from './lookups.js';

/** A table goes once nothing is associated with it (a VPC's main table never is free of its VPC). */
export async function deleteRouteTable(ctx: ControlContext, input: DeleteRouteTableRequest): Promise<void> {
  await ctx.state.mutate((tx) => {
    const table = resolveRouteTable(tx, input.RouteTableId!);
    if (table.Associations.length > 0) throw new DependencyViolation(`The routeTable '${table.RouteTableId}' has dependencies and cannot be deleted.`);
    tx.delete('routeTable', table.RouteTableId);
  });
  ctx.log.info('route table deleted', { routeTableId: input.RouteTableId });
}
