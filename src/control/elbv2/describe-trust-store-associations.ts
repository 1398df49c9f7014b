import type { DescribeTrustStoreAssociationsInput, DescribeTrustStoreAssociationsOutput } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { ControlContext } from '../context.js';
import { page } from './lookups.js';
import { listenersUsing, resolveTrustStore } from './trust-stores.js';

/** The listeners that verify their clients with a trust store. */
export function describeTrustStoreAssociations(ctx: ControlContext, input: DescribeTrustStoreAssociationsInput): DescribeTrustStoreAssociationsOutput {
  const store = resolveTrustStore(ctx.state, input.TrustStoreArn!);
  const { items, NextMarker } = page(listenersUsing(ctx.state, store.TrustStoreArn), (l) => l.ListenerArn, input);
  return { TrustStoreAssociations: items.map((l) => ({ ResourceArn: l.ListenerArn })), ...(NextMarker && { NextMarker }) };
}
