import type { ControlContext } from '../context.js';
import { describeCertificate as describe, resolveCertificate } from './certificates.js';

export function describeCertificate(ctx: ControlContext, input: { CertificateArn: string }) {
  return { Certificate: describe(ctx.state, resolveCertificate(ctx.state, input.CertificateArn), ctx.clock.now()) };
}
