import type { AddTrustStoreRevocationsInput, AddTrustStoreRevocationsOutput } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { TrustStoreRevocationRecord } from '../../core/elbv2.js';
import { InvalidRevocationContent, TooManyTrustStoreRevocationEntries } from '../../core/elbv2-errors.js';
import type { ControlContext } from '../context.js';
import { readRevocationList, resolveTrustStore } from './trust-stores.js';

/** ELBv2's quota of revoked entries per trust store. */
const MAX_REVOKED_ENTRIES = 500_000;

/** Adds certificate revocation lists (CRLs in S3) to a trust store; listeners verifying with it refuse their serials. */
export async function addTrustStoreRevocations(ctx: ControlContext, input: AddTrustStoreRevocationsInput): Promise<AddTrustStoreRevocationsOutput> {
  resolveTrustStore(ctx.state, input.TrustStoreArn!);
  const contents = input.RevocationContents ?? [];
  const lists: { pem: string; entries: number }[] = [];
  for (const content of contents) {
    if ((content.RevocationType ?? 'CRL') !== 'CRL') throw new InvalidRevocationContent(`Revocation type '${content.RevocationType}' is not supported: use 'CRL'`);
    lists.push(await readRevocationList(ctx, content));
  }
  const { store, added } = await ctx.state.mutate((tx) => {
    const store = resolveTrustStore(tx, input.TrustStoreArn!);
    let next = Math.max(0, ...store.revocations.map((r) => r.RevocationId)) + 1;
    const added: TrustStoreRevocationRecord[] = lists.map((l) => ({ RevocationId: next++, RevocationType: 'CRL', NumberOfRevokedEntries: l.entries, content: l.pem }));
    const total = store.TotalRevokedEntries + added.reduce((sum, r) => sum + r.NumberOfRevokedEntries, 0);
    if (total > MAX_REVOKED_ENTRIES) throw new TooManyTrustStoreRevocationEntries(`A trust store can have at most ${MAX_REVOKED_ENTRIES} revoked entries`);
    return { store: tx.put('trustStore', store.TrustStoreArn, { ...store, revocations: [...store.revocations, ...added], TotalRevokedEntries: total }), added };
  });
  return {
    TrustStoreRevocations: added.map((r) => ({ TrustStoreArn: store.TrustStoreArn, RevocationId: r.RevocationId, RevocationType: r.RevocationType, NumberOfRevokedEntries: r.NumberOfRevokedEntries })),
  };
}
