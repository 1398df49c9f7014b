import type { CertificateRecord } from '../../core/acm.js';
import type { ControlContext } from '../context.js';
import { certificateArn, readCertificate, resolveCertificate } from './certificates.js';
import { checkTags } from './tags.js';

export interface ImportCertificateInput {
  CertificateArn?: string;
  Certificate?: Uint8Array;
  PrivateKey?: Uint8Array;
  CertificateChain?: Uint8Array;
  Tags?: { Key: string; Value?: string }[];
}

/** Imports a certificate, or re-imports one in place (its ARN given: load balancers using it serve the new one). */
export async function importCertificate(ctx: ControlContext, input: ImportCertificateInput): Promise<{ CertificateArn: string }> {
  const material = readCertificate(input);
  const tags = checkTags(input.Tags ?? []);
  const record = await ctx.state.mutate((tx) => {
    const now = ctx.clock.now();
    const existing = input.CertificateArn ? resolveCertificate(tx, input.CertificateArn) : undefined;
    const arn = existing?.CertificateArn ?? certificateArn(ctx, uuid(ctx.ids.id()));
    const fresh: CertificateRecord = {
      CertificateArn: arn,
      ...material,
      CreatedAt: existing?.CreatedAt ?? now,
      ImportedAt: now,
      Status: 'ISSUED',
      Type: 'IMPORTED',
      InUseBy: [],
      RenewalEligibility: 'INELIGIBLE',
      tags: existing ? existing.tags : tags,
    };
    return tx.put('certificate', arn, fresh);
  });
  ctx.log.info('certificate imported', { certificateArn: record.CertificateArn, domainName: record.DomainName });
  return { CertificateArn: record.CertificateArn };
}

const uuid = (hex: string) => hex.replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
