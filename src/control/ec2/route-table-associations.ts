// Finding a route table association by id, for DisassociateRouteTable and ReplaceRouteTableAssociation.
import { InvalidAssociationIDNotFound } from '../../core/ec2-errors.js';
import type { RouteTableRecord } from '../../core/ec2.js';
import type { ControlContext } from '../context.js';
import type { Transaction } from '../state.js';

export function findAssociation(ctx: Pick<ControlContext, 'state'>, tx: Transaction, associationId: string): { table: RouteTableRecord; main: boolean } {
  for (const stored of ctx.state.all('routeTable')) {
    const table = tx.get('routeTable', stored.RouteTableId);
    const association = table?.Associations.find((a) => a.RouteTableAssociationId === associationId);
    if (table && association) return { table, main: association.Main };
  }
  throw new InvalidAssociationIDNotFound(`The association ID '${associationId}' does not exist`);
}
