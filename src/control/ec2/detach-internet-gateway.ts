import type { DetachInternetGatewayRequest } from '@aws-sdk/client-ec2';
import { GatewayNotAttached } from '../../core/ec2-errors.js';
import type { ControlContext } from '../context.js';
import { resolveInternetGateway } from './lookups.js';

/** Detaches a gateway from the VPC named; routes to it stay (on AWS they turn blackhole). */
export async function detachInternetGateway(ctx: ControlContext, input: DetachInternetGatewayRequest): Promise<void> {
  await ctx.state.mutate((tx) => {
    const gateway = resolveInternetGateway(tx, input.InternetGatewayId!);
    if (!gateway.Attachments.some((a) => a.VpcId === input.VpcId)) {
      throw new GatewayNotAttached(`resource ${gateway.InternetGatewayId} is not attached to network ${input.VpcId}`);
    }
    tx.put('internetGateway', gateway.InternetGatewayId, { ...gateway, Attachments: [] });
  });
  ctx.log.info('internet gateway detached', { internetGatewayId: input.InternetGatewayId, vpcId: input.VpcId });
}
