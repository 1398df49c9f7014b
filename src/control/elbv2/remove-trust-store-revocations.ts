import type { RemoveTrustStoreRevocationsInput, RemoveTrustStoreRevocationsOutput } from '@aws-sdk/client-elastic-load-balancing-v2';
import { RevocationIdNotFound } from '../../core/elbv2-errors.js';
import type { ControlContext } from '../context.js';
import { resolveTrustStore } from './trust-stores.js';

export async function removeTrustStoreRevocations(ctx: ControlContext, input: RemoveTrustStoreRevocationsInput): Promise<RemoveTrustStoreRevocationsOutput> {
  const ids = input.RevocationIds ?? [];
  await ctx.state.mutate((tx) => {
    const store = resolveTrustStore(tx, input.TrustStoreArn!);
    const missing = ids.find((id) => !store.revocations.some((r) => r.RevocationId === id));
    if (missing !== undefined) throw new RevocationIdNotFound(`Revocation ID '${missing}' not found`);
    const kept = store.revocations.filter((r) => !ids.includes(r.RevocationId));
    tx.put('trustStore', store.TrustStoreArn, { ...store, revocations: kept, TotalRevokedEntries: kept.reduce((sum, r) => sum + r.NumberOfRevokedEntries, 0) });
  });
  return {};
}
