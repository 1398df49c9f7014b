import type { DeleteTrustStoreInput, DeleteTrustStoreOutput } from '@aws-sdk/client-elastic-load-balancing-v2';
import { TrustStoreInUse } from '../../core/elbv2-errors.js';
import type { ControlContext } from '../context.js';
import { listenersUsing, resolveTrustStore } from './trust-stores.js';

/** Deletes a trust store no listener uses (TrustStoreInUse otherwise, as ELBv2). */
export async function deleteTrustStore(ctx: ControlContext, input: DeleteTrustStoreInput): Promise<DeleteTrustStoreOutput> {
  const arn = input.TrustStoreArn!;
  await ctx.state.mutate((tx) => {
    resolveTrustStore(tx, arn);
    const user = listenersUsing(ctx.state, arn)[0];
    if (user) throw new TrustStoreInUse(`Trust store '${arn}' is in use by listener '${user.ListenerArn}'`);
    tx.delete('trustStore', arn);
  });
  ctx.log.info('trust store deleted', { trustStoreArn: arn });
  return {};
}
