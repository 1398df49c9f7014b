import type { DescribeTrustStoreRevocationsInput, DescribeTrustStoreRevocationsOutput } from '@aws-sdk/client-elastic-load-balancing-v2';
import { RevocationIdNotFound } from '../../core/elbv2-errors.js';
import type { ControlContext } from '../context.js';
import { page } from './lookups.js';
import { resolveTrustStore } from './trust-stores.js';

export function describeTrustStoreRevocations(ctx: ControlContext, input: DescribeTrustStoreRevocationsInput): DescribeTrustStoreRevocationsOutput {
  const store = resolveTrustStore(ctx.state, input.TrustStoreArn!);
  const ids = input.RevocationIds ?? [];
  const missing = ids.find((id) => !store.revocations.some((r) => r.RevocationId === id));
  if (missing !== undefined) throw new RevocationIdNotFound(`Revocation ID '${missing}' not found`);
  const chosen = ids.length ? store.revocations.filter((r) => ids.includes(r.RevocationId)) : store.revocations;
  const { items, NextMarker } = page(chosen, (r) => String(r.RevocationId).padStart(10, '0'), input);
  return {
    TrustStoreRevocations: items.map((r) => ({ TrustStoreArn: store.TrustStoreArn, RevocationId: r.RevocationId, RevocationType: r.RevocationType, NumberOfRevokedEntries: r.NumberOfRevokedEntries })),
    ...(NextMarker && { NextMarker }),
  };
}
