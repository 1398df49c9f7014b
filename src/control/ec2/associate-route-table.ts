import type { AssociateRouteTableRequest, AssociateRouteTableResult } from '@aws-sdk/client-ec2';
import { ec2Id } from '../../core/ec2.js';
import { InvalidParameterCombination, ResourceAlreadyAssociated } from '../../core/ec2-errors.js';
import { InvalidParameterValue } from '../../core/errors.js';
import type { ControlContext } from '../context.js';
import { routeTablesByVpc } from './indexes.js';
import { resolveInternetGateway, resolveRouteTable, resolveSubnet } from './lookups.js';

/** Associates a subnet (or a gateway) of the table's VPC with the table; a subnet has at most one explicit table. */
export async function associateRouteTable(ctx: ControlContext, input: AssociateRouteTableRequest): Promise<AssociateRouteTableResult> {
  if ((input.SubnetId === undefined) === (input.GatewayId === undefined)) throw new InvalidParameterCombination('Exactly one of subnetId or gatewayId must be specified.');
  const associationId = ec2Id('rtbassoc', ctx.ids.id());
  await ctx.state.mutate((tx) => {
    const table = resolveRouteTable(tx, input.RouteTableId!);
    const target = input.SubnetId !== undefined ? resolveSubnet(tx, input.SubnetId) : { VpcId: resolveInternetGateway(tx, input.GatewayId!).Attachments[0]?.VpcId };
    if (target.VpcId !== table.VpcId) throw new InvalidParameterValue(`Route table ${table.RouteTableId} and ${input.SubnetId ?? input.GatewayId} belong to different networks`);
    const taken = ctx.state
      .where(routeTablesByVpc, table.VpcId)
      .some((t) => (tx.get('routeTable', t.RouteTableId) ?? t).Associations.some((a) => !a.Main && (a.SubnetId ?? a.GatewayId) === (input.SubnetId ?? input.GatewayId)));
    if (taken) throw new ResourceAlreadyAssociated(`the specified association for route table ${table.RouteTableId} conflicts with an existing association`);
    const association = {
      Main: false,
      RouteTableAssociationId: associationId,
      RouteTableId: table.RouteTableId,
      ...(input.SubnetId !== undefined ? { SubnetId: input.SubnetId } : { GatewayId: input.GatewayId }),
      AssociationState: { State: 'associated' as const },
    };
    tx.put('routeTable', table.RouteTableId, { ...table, Associations: [...table.Associations, association] });
  });
  ctx.log.info('route table associated', { routeTableId: input.RouteTableId, associationId });
  return { AssociationId: associationId, AssociationState: { State: 'associated' } };
}
