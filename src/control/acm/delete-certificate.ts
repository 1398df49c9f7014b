import { ResourceInUseException } from '../../core/errors.js';
import type { ControlContext } from '../context.js';
import { resolveCertificate, usedBy } from './certificates.js';

/** Deletes a certificate no listener serves. */
export async function deleteCertificate(ctx: ControlContext, input: { CertificateArn: string }): Promise<Record<string, never>> {
  await ctx.state.mutate((tx) => {
    const record = resolveCertificate(tx, input.CertificateArn);
    const users = usedBy(ctx.state, record.CertificateArn);
    if (users.length) throw new ResourceInUseException(`Certificate ${record.CertificateArn} in use by ${users.join(', ')}`);
    tx.delete('certificate', record.CertificateArn);
  });
  return {};
}
