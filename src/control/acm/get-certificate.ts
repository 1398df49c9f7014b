import type { ControlContext } from '../context.js';
import { resolveCertificate } from './certificates.js';

/** The certificate and its chain, PEM (never the private key). */
export function getCertificate(ctx: ControlContext, input: { CertificateArn: string }) {
  const record = resolveCertificate(ctx.state, input.CertificateArn);
  return { Certificate: record.certificate, ...(record.certificateChain ? { CertificateChain: record.certificateChain } : {}) };
}
