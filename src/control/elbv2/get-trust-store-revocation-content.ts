import type { GetTrustStoreRevocationContentInput, GetTrustStoreRevocationContentOutput } from '@aws-sdk/client-elastic-load-balancing-v2';
import { RevocationIdNotFound } from '../../core/elbv2-errors.js';
import type { ControlContext } from '../context.js';
import { pemDataUrl } from './get-trust-store-ca-certificates-bundle.js';
import { resolveTrustStore } from './trust-stores.js';

/** Where to download one revocation list: a `data:` URL, as for the CA bundle. */
export function getTrustStoreRevocationContent(ctx: ControlContext, input: GetTrustStoreRevocationContentInput): GetTrustStoreRevocationContentOutput {
  const store = resolveTrustStore(ctx.state, input.TrustStoreArn!);
  const revocation = store.revocations.find((r) => r.RevocationId === input.RevocationId);
  if (!revocation) throw new RevocationIdNotFound(`Revocation ID '${input.RevocationId}' not found`);
  return { Location: pemDataUrl(revocation.content) };
}
