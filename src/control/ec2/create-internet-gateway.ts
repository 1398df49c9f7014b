import type { CreateInternetGatewayRequest, CreateInternetGatewayResult } from '@aws-sdk/client-ec2';
import type { ControlContext } from '../context.js';
import { tagsFor } from './describe.js';
import { newInternetGateway } from './vpcs.js';

/** A gateway attached to no VPC yet. Wharf's tasks reach out through the host; the gateway is a record routes name. */
export async function createInternetGateway(ctx: ControlContext, input: CreateInternetGatewayRequest): Promise<CreateInternetGatewayResult> {
  const gateway = newInternetGateway(ctx, tagsFor('internet-gateway', input.TagSpecifications));
  await ctx.state.mutate((tx) => tx.put('internetGateway', gateway.InternetGatewayId, gateway));
  ctx.log.info('internet gateway created', { internetGatewayId: gateway.InternetGatewayId });
  return { InternetGateway: gateway as unknown as CreateInternetGatewayResult['InternetGateway'] };
}
