import type { DeleteRouteRequest, Route } from '@aws-sdk/client-ec2';
import { InvalidParameterValue } from '../../core/errors.js';
import { InvalidRouteNotFound } from '../../core/ec2-errors.js';
import type { ControlContext } from '../context.js';
import { resolveRouteTable } from './lookups.js';
import { destinationOf, sameDestination } from './routes.js';

export const routeNotFound = (tableId: string, route: Route) =>
  new InvalidRouteNotFound(
    route.DestinationCidrBlock !== undefined
      ? `no route with destination-cidr-block ${route.DestinationCidrBlock} in route table ${tableId}`
      : `no route with destination-prefix-list-id ${route.DestinationPrefixListId} in route table ${tableId}`,
  );

/** Removes a route by destination; the local route stays. */
export async function deleteRoute(ctx: ControlContext, input: DeleteRouteRequest): Promise<void> {
  await ctx.state.mutate((tx) => {
    const table = resolveRouteTable(tx, input.RouteTableId!);
    const destination = destinationOf(input);
    const route = table.Routes.find((r) => sameDestination(r, destination));
    if (!route) throw routeNotFound(table.RouteTableId, destination);
    if (route.GatewayId === 'local') throw new InvalidParameterValue(`cannot remove local route ${route.DestinationCidrBlock} in route table ${table.RouteTableId}`);
    tx.put('routeTable', table.RouteTableId, { ...table, Routes: table.Routes.filter((r) => r !== route) });
  });
  ctx.log.info('route deleted', { routeTableId: input.RouteTableId });
}
