import type { ReplaceRouteTableAssociationRequest, ReplaceRouteTableAssociationResult } from '@aws-sdk/client-ec2';
import { ec2Id } from '../../core/ec2.js';
import { InvalidParameterValue } from '../../core/errors.js';
import type { ControlContext } from '../context.js';
import { findAssociation } from './route-table-associations.js';
import { resolveRouteTable } from './lookups.js';

/** Moves an association (a subnet's, or the VPC's main one) to another table of the same VPC, under a new id. */
export async function replaceRouteTableAssociation(
  ctx: ControlContext,
  input: ReplaceRouteTableAssociationRequest,
): Promise<ReplaceRouteTableAssociationResult> {
  const newId = ec2Id('rtbassoc', ctx.ids.id());
  await ctx.state.mutate((tx) => {
    const { table } = findAssociation(ctx, tx, input.AssociationId!);
    const target = resolveRouteTable(tx, input.RouteTableId!);
    if (target.VpcId !== table.VpcId) throw new InvalidParameterValue(`Route table ${target.RouteTableId} belongs to a different network`);
    const old = table.Associations.find((a) => a.RouteTableAssociationId === input.AssociationId)!;
    tx.put('routeTable', table.RouteTableId, { ...table, Associations: table.Associations.filter((a) => a !== old) });
    const current = tx.get('routeTable', target.RouteTableId)!;
    tx.put('routeTable', target.RouteTableId, { ...current, Associations: [...current.Associations, { ...old, RouteTableAssociationId: newId, RouteTableId: target.RouteTableId }] });
  });
  ctx.log.info('route table association replaced', { associationId: input.AssociationId, newAssociationId: newId });
  return { NewAssociationId: newId, AssociationState: { State: 'associated' } };
}
