// What the trust-store operations share: reading their S3 objects, checking CA bundles and revocation lists
// as ELBv2 checks them, lookups, and how a record is described.
import { X509Certificate } from 'node:crypto';
import type { TrustStore } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { TrustStoreRecord } from '../../core/elbv2.js';
import { CaCertificatesBundleNotFound, InvalidCaCertificatesBundle, InvalidRevocationContent, RevocationContentNotFound, TrustStoreNotFound } from '../../core/elbv2-errors.js';
import type { ControlContext } from '../context.js';
import type { Reader } from '../ecs/lookups.js';
import type { State } from '../state.js';

/** An S3 object's bytes; `notFound` makes the operation's own error when there is none (or no S3 here). */
export async function readS3Object(ctx: ControlContext, location: { bucket?: string; key?: string; version?: string }, notFound: (why: string) => Error): Promise<Uint8Array> {
  const where = `s3://${location.bucket}/${location.key}`;
  if (!ctx.s3Objects) throw notFound(`${where} cannot be read: this Wharf serves no S3`);
  const body = await ctx.s3Objects.read(location.bucket!, location.key!, location.version);
  if (!body) throw notFound(`${where}${location.version ? ` (version ${location.version})` : ''} does not exist`);
  return body;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** A CA bundle: PEM certificates, each one parsed, at least one. Answers the bundle normalised and its count. */
export function checkCaBundle(body: Uint8Array): { pem: string; count: number } {
  const text = Buffer.from(body).toString('utf8');
  const blocks = text.match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) throw new InvalidCaCertificatesBundle('The CA certificates bundle contains no PEM certificate');
  for (const block of blocks) {
    try {
      new X509Certificate(block);
    } catch {
      throw new InvalidCaCertificatesBundle('The CA certificates bundle contains a certificate that cannot be parsed');
    }
  }
  return { pem: blocks.join('\n') + '\n', count: blocks.length };
}

/** A CA bundle at a trust store's S3 location. */
export async function readCaBundle(ctx: ControlContext, input: { CaCertificatesBundleS3Bucket?: string; CaCertificatesBundleS3Key?: string; CaCertificatesBundleS3ObjectVersion?: string }) {
  const body = await readS3Object(
    ctx,
    { bucket: input.CaCertificatesBundleS3Bucket, key: input.CaCertificatesBundleS3Key, version: input.CaCertificatesBundleS3ObjectVersion },
    (why) => new CaCertificatesBundleNotFound(`The CA certificates bundle ${why}`),
  );
  return checkCaBundle(body);
}

const PEM_CRL = /-----BEGIN X509 CRL-----([\s\S]*?)-----END X509 CRL-----/;

/** A revocation list (PEM or DER): the PEM text the data plane takes, and how many serials it revokes. */
export async function readRevocationList(ctx: ControlContext, location: { S3Bucket?: string; S3Key?: string; S3ObjectVersion?: string }): Promise<{ pem: string; entries: number }> {
  const body = await readS3Object(ctx, { bucket: location.S3Bucket, key: location.S3Key, version: location.S3ObjectVersion }, (why) => new RevocationContentNotFound(`The revocation file ${why}`));
  const pem = PEM_CRL.exec(Buffer.from(body).toString('latin1'));
  const der = pem ? Buffer.from(pem[1]!.replace(/\s+/g, ''), 'base64') : Buffer.from(body);
  const entries = revokedCount(der);
  if (entries === undefined) throw new InvalidRevocationContent('The revocation file is not an X.509 certificate revocation list');
  const base64 = der.toString('base64').replace(/.{1,64}/g, '$&\n');
  return { pem: `-----BEGIN X509 CRL-----\n${base64}-----END X509 CRL-----\n`, entries };
}

/** One DER element: its tag, where its content starts and ends. */
function element(der: Buffer, at: number): { tag: number; start: number; end: number } | undefined {
  if (at + 2 > der.length) return undefined;
  const tag = der[at]!;
  let length = der[at + 1]!;
  let start = at + 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    if (bytes === 0 || bytes > 4 || start + bytes > der.length) return undefined;
    length = 0;
    for (let i = 0; i < bytes; i++) length = length * 256 + der[start + i]!;
    start += bytes;
  }
  return start + length <= der.length ? { tag, start, end: start + length } : undefined;
}

/**
 * The number of revoked certificates in a DER CRL (RFC 5280: CertificateList = SEQUENCE { tbsCertList
 * SEQUENCE { version?, signature, issuer, thisUpdate, nextUpdate?, revokedCertificates SEQUENCE OF? ... } }),
 * or undefined when it is not one.
 */
export function revokedCount(der: Buffer): number | undefined {
  const list = element(der, 0);
  if (list?.tag !== 0x30 || list.end !== der.length) return undefined;
  const tbs = element(der, list.start);
  if (tbs?.tag !== 0x30) return undefined;
  const fields: { tag: number; start: number; end: number }[] = [];
  for (let at = tbs.start; at < tbs.end; ) {
    const field = element(der, at);
    if (!field) return undefined;
    fields.push(field);
    at = field.end;
  }
  let i = fields[0]?.tag === 0x02 ? 1 : 0; // version
  if (fields[i]?.tag !== 0x30 || fields[i + 1]?.tag !== 0x30) return undefined; // signature, issuer
  i += 2;
  const isTime = (tag?: number) => tag === 0x17 || tag === 0x18;
  if (!isTime(fields[i]?.tag)) return undefined; // thisUpdate
  i += 1;
  if (isTime(fields[i]?.tag)) i += 1; // nextUpdate
  const revoked = fields[i];
  if (revoked?.tag !== 0x30) return 0;
  let count = 0;
  for (let at = revoked.start; at < revoked.end; count++) {
    const entry = element(der, at);
    if (entry?.tag !== 0x30) return undefined;
    at = entry.end;
  }
  return count;
}

export function resolveTrustStore(reader: Reader, arn: string): TrustStoreRecord {
  const record = reader.get('trustStore', arn);
  if (!record) throw new TrustStoreNotFound(`Trust store '${arn}' not found`);
  return record;
}

export const describeTrustStore = (t: TrustStoreRecord): TrustStore => ({
  Name: t.Name,
  TrustStoreArn: t.TrustStoreArn,
  Status: t.Status,
  NumberOfCaCertificates: t.NumberOfCaCertificates,
  TotalRevokedEntries: t.TotalRevokedEntries,
});

/** The listeners that verify clients against a trust store (its associations). */
export const listenersUsing = (reader: Pick<State, 'all'>, arn: string) => [...reader.all('listener')].filter((l) => l.MutualAuthentication?.TrustStoreArn === arn);
