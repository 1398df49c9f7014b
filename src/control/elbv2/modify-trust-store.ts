import type { ModifyTrustStoreInput, ModifyTrustStoreOutput } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { ControlContext } from '../context.js';
import { describeTrustStore, readCaBundle, resolveTrustStore } from './trust-stores.js';

/** Replaces a trust store's CA bundle; its revocations stay. Listeners using it verify with the new one. */
export async function modifyTrustStore(ctx: ControlContext, input: ModifyTrustStoreInput): Promise<ModifyTrustStoreOutput> {
  resolveTrustStore(ctx.state, input.TrustStoreArn!);
  const bundle = await readCaBundle(ctx, input);
  const updated = await ctx.state.mutate((tx) => {
    const store = resolveTrustStore(tx, input.TrustStoreArn!);
    return tx.put('trustStore', store.TrustStoreArn, { ...store, caCertificates: bundle.pem, NumberOfCaCertificates: bundle.count });
  });
  return { TrustStores: [describeTrustStore(updated)] };
}
