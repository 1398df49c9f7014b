import type { DisassociateRouteTableRequest } from '@aws-sdk/client-ec2';
import { InvalidParameterValue } from '../../core/errors.js';
import type { ControlContext } from '../context.js';
import { findAssociation } from './route-table-associations.js';

/** Ends an explicit association: the subnet falls back to its VPC's main table. The main association cannot go. */
export async function disassociateRouteTable(ctx: ControlContext, input: DisassociateRouteTableRequest): Promise<void> {
  await ctx.state.mutate((tx) => {
    const { table, main } = findAssociation(ctx, tx, input.AssociationId!);
    if (main) throw new InvalidParameterValue(`cannot disassociate the main route table association ${input.AssociationId}`);
    tx.put('routeTable', table.RouteTableId, { ...table, Associations: table.Associations.filter((a) => a.RouteTableAssociationId !== input.AssociationId) });
  });
  ctx.log.info('route table disassociated', { associationId: input.AssociationId });
}
