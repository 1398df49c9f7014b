import type { DeleteInternetGatewayRequest } from '@aws-sdk/client-ec2';
import { DependencyViolation } from '../../core/ec2-errors.js';
import type { ControlContext } from '../context.js';
import { resolveInternetGateway } from './lookups.js';

/** A gateway goes once detached. */
export async function deleteInternetGateway(ctx: ControlContext, input: DeleteInternetGatewayRequest): Promise<void> {
  await ctx.state.mutate((tx) => {
    const gateway = resolveInternetGateway(tx, input.InternetGatewayId!);
    if (gateway.Attachments.length > 0) throw new DependencyViolation(`The internetGateway '${gateway.InternetGatewayId}' has dependencies and cannot be deleted.`);
    tx.delete('internetGateway', gateway.InternetGatewayId);
  });
  ctx.log.info('internet gateway deleted', { internetGatewayId: input.InternetGatewayId });
}
