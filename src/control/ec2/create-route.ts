import type { CreateRouteRequest, CreateRouteResult } from '@aws-sdk/client-ec2';
import { RouteAlreadyExists } from '../../core/ec2-errors.js';
import type { ControlContext } from '../context.js';
import { resolveRouteTable } from './lookups.js';
import { routeOf, sameDestination } from './routes.js';

/** Adds a route; one route per destination. */
export async function createRoute(ctx: ControlContext, input: CreateRouteRequest): Promise<CreateRouteResult> {
  await ctx.state.mutate((tx) => {
    const table = resolveRouteTable(tx, input.RouteTableId!);
    const route = routeOf(tx, table, input);
    if (table.Routes.some((r) => sameDestination(r, route))) {
      throw new RouteAlreadyExists(`The route identified by ${route.DestinationCidrBlock ?? route.DestinationPrefixListId} already exists.`);
    }
    tx.put('routeTable', table.RouteTableId, { ...table, Routes: [...table.Routes, route] });
  });
  ctx.log.info('route created', { routeTableId: input.RouteTableId });
  return { Return: true };
}
