import type { GetTrustStoreCaCertificatesBundleInput, GetTrustStoreCaCertificatesBundleOutput } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { ControlContext } from '../context.js';
import { resolveTrustStore } from './trust-stores.js';

/**
 * Where to download a trust store's CA bundle. ELBv2 answers a presigned S3 URL; Wharf answers a `data:` URL
 * holding the bundle itself (SDKs and browsers read it; nothing else needs to be served).
 */
export function getTrustStoreCaCertificatesBundle(ctx: ControlContext, input: GetTrustStoreCaCertificatesBundleInput): GetTrustStoreCaCertificatesBundleOutput {
  const store = resolveTrustStore(ctx.state, input.TrustStoreArn!);
  return { Location: pemDataUrl(store.caCertificates) };
}

export const pemDataUrl = (pem: string) => `data:application/x-pem-file;base64,${Buffer.from(pem).toString('base64')}`;
