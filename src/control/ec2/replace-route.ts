import type { ReplaceRouteRequest } from '@aws-sdk/client-ec2';
import type { ControlContext } from '../context.js';
import { resolveRouteTable } from './lookups.js';
import { routeOf, sameDestination } from './routes.js';
import { routeNotFound } from './delete-route.js';

/** Points an existing route (not the local one) at another target. */
export async function replaceRoute(ctx: ControlContext, input: ReplaceRouteRequest): Promise<void> {
  await ctx.state.mutate((tx) => {
    const table = resolveRouteTable(tx, input.RouteTableId!);
    const route = routeOf(tx, table, input);
    const index = table.Routes.findIndex((r) => r.GatewayId !== 'local' && sameDestination(r, route));
    if (index < 0) throw routeNotFound(table.RouteTableId, route);
    tx.put('routeTable', table.RouteTableId, { ...table, Routes: table.Routes.map((r, i) => (i === index ? { ...route, Origin: 'CreateRoute' } : r)) });
  });
  ctx.log.info('route replaced', { routeTableId: input.RouteTableId });
}
