import { InvalidArgsException } from '../../core/acm-errors.js';
import type { ControlContext } from '../context.js';
import { statusAt, usedBy } from './certificates.js';

export interface ListCertificatesInput {
  CertificateStatuses?: string[];
  NextToken?: string;
  MaxItems?: number;
}

/** Imported certificates, oldest first, filtered by status; NextToken is opaque (an offset). */
export function listCertificates(ctx: ControlContext, input: ListCertificatesInput) {
  const now = ctx.clock.now();
  const statuses = input.CertificateStatuses?.length ? new Set(input.CertificateStatuses) : undefined;
  const all = [...ctx.state.all('certificate')]
    .filter((c) => !statuses || statuses.has(statusAt(c, now)))
    .sort((a, b) => new Date(a.CreatedAt).getTime() - new Date(b.CreatedAt).getTime() || (a.CertificateArn < b.CertificateArn ? -1 : 1));
  let start = 0;
  if (input.NextToken !== undefined) {
    start = Number(Buffer.from(input.NextToken, 'base64').toString('utf8'));
    if (!Number.isInteger(start) || start < 0) throw new InvalidArgsException('The NextToken is not valid.');
  }
  const size = input.MaxItems ?? 1000;
  const items = all.slice(start, start + size);
  return {
    CertificateSummaryList: items.map((c) => ({
      CertificateArn: c.CertificateArn,
      DomainName: c.DomainName,
      SubjectAlternativeNameSummaries: c.SubjectAlternativeNames,
      HasAdditionalSubjectAlternativeNames: false,
      Status: statusAt(c, now),
      Type: c.Type,
      KeyAlgorithm: c.KeyAlgorithm,
      InUse: usedBy(ctx.state, c.CertificateArn).length > 0,
      RenewalEligibility: c.RenewalEligibility,
      NotBefore: c.NotBefore,
      NotAfter: c.NotAfter,
      CreatedAt: c.CreatedAt,
      ImportedAt: c.ImportedAt,
    })),
    ...(start + size < all.length ? { NextToken: Buffer.from(String(start + size)).toString('base64') } : {}),
  };
}
