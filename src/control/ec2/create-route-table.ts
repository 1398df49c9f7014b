import type { CreateRouteTableRequest, CreateRouteTableResult } from '@aws-sdk/client-ec2';
import type { ControlContext } from '../context.js';
import { tagsFor } from './describe.js';
import { resolveVpc } from './lookups.js';
import { newRouteTable } from './vpcs.js';

/** A table with the VPC's local route, associated with nothing. Routes are records: Wharf's traffic takes the host's paths. */
export async function createRouteTable(ctx: ControlContext, input: CreateRouteTableRequest): Promise<CreateRouteTableResult> {
  const table = await ctx.state.mutate((tx) => {
    const created = newRouteTable(ctx, resolveVpc(tx, input.VpcId!), tagsFor('route-table', input.TagSpecifications));
    return tx.put('routeTable', created.RouteTableId, created);
  });
  ctx.log.info('route table created', { routeTableId: table.RouteTableId, vpcId: table.VpcId });
  return { RouteTable: table };
}
