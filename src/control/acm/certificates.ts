// Imported ACM certificates: reading the PEM material (node:crypto's X.509 parser) into ACM's
// CertificateDetail members, ARNs, lookups, and which load balancers use a certificate (InUseBy).
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import type { CertificateRecord } from '../../core/acm.js';
import { arn } from '../../core/arn.js';
import { InvalidArnException } from '../../core/acm-errors.js';
import { ResourceNotFoundException, ValidationException } from '../../core/errors.js';
import type { ControlContext } from '../context.js';
import type { State } from '../state.js';

export const certificateArn = (ctx: Pick<ControlContext, 'partition'>, id: string) => arn(ctx.partition, 'acm', `certificate/${id}`);

export function resolveCertificate(state: Pick<State, 'get'>, certificateArn: string): CertificateRecord {
  if (!/^arn:aws[\w-]*:acm:[\w-]+:\d{12}:certificate\/[\w-]+$/.test(certificateArn))
    throw new InvalidArnException(`String '${certificateArn}' is not a valid ARN`);
  const record = state.get('certificate', certificateArn);
  if (!record) throw new ResourceNotFoundException(`Could not find certificate ${certificateArn}.`);
  return record;
}

const pem = (value: Uint8Array | string | undefined) => (value === undefined ? undefined : Buffer.from(value).toString('utf8').trim() + '\n');

/** The parts of a CertificateRecord that come from the PEM material, checked as ACM checks an import. */
export function readCertificate(input: { Certificate?: Uint8Array; PrivateKey?: Uint8Array; CertificateChain?: Uint8Array }) {
  const certificate = pem(input.Certificate)!;
  const privateKey = pem(input.PrivateKey)!;
  const certificateChain = pem(input.CertificateChain);
  let x509: X509Certificate;
  let key: KeyObject;
  try {
    x509 = new X509Certificate(certificate);
  } catch {
    throw new ValidationException('Unable to parse certificate. Please ensure the certificate is in PEM format.');
  }
  try {
    key = createPrivateKey(privateKey);
  } catch {
    throw new ValidationException('Unable to parse key. Please ensure the key is in PEM format.');
  }
  if (!x509.checkPrivateKey(key)) throw new ValidationException('The private key does not match the public key in the certificate.');
  if (certificateChain !== undefined) {
    try {
      new X509Certificate(certificateChain);
    } catch {
      throw new ValidationException('Unable to parse certificate chain. Please ensure the chain is in PEM format.');
    }
  }
  const subject = x509.subject.split('\n');
  const commonName = subject.find((part) => part.startsWith('CN='))?.slice(3);
  const names = (x509.subjectAltName ?? '').split(', ').filter((n) => n.startsWith('DNS:')).map((n) => n.slice(4));
  const notAfter = new Date(x509.validTo);
  return {
    certificate,
    privateKey,
    ...(certificateChain !== undefined ? { certificateChain } : {}),
    DomainName: commonName ?? names[0] ?? '',
    SubjectAlternativeNames: names.length ? names : commonName ? [commonName] : [],
    Serial: x509.serialNumber.toLowerCase().match(/../g)!.join(':'),
    Subject: subject.join(','),
    Issuer: x509.issuer.split('\n').join(','),
    NotBefore: new Date(x509.validFrom),
    NotAfter: notAfter,
    KeyAlgorithm: keyAlgorithm(key),
    SignatureAlgorithm: key.asymmetricKeyType === 'ec' ? 'SHA256WITHECDSA' : 'SHA256WITHRSA',
  };
}

function keyAlgorithm(key: KeyObject): string {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa') return `RSA_${details.modulusLength}`;
  if (key.asymmetricKeyType === 'ec') return details.namedCurve === 'prime256v1' ? 'EC_prime256v1' : details.namedCurve === 'secp384r1' ? 'EC_secp384r1' : `EC_${details.namedCurve}`;
  throw new ValidationException(`The private key type ${key.asymmetricKeyType} is not supported.`);
}

/** The load balancers whose listeners serve the certificate. */
export function usedBy(state: Pick<State, 'all'>, certificateArn: string): string[] {
  const arns = new Set<string>();
  for (const listener of state.all('listener')) {
    const served = listener.Certificates?.some((c) => c.CertificateArn === certificateArn) || listener.extraCertificates?.includes(certificateArn);
    if (served) arns.add(listener.LoadBalancerArn);
  }
  return [...arns];
}

/** ACM's status of an imported certificate at `now`. */
export const statusAt = (record: CertificateRecord, now: Date): CertificateRecord['Status'] => (new Date(record.NotAfter).getTime() <= now.getTime() ? 'EXPIRED' : 'ISSUED');

/** The record as DescribeCertificate shows it (the PEM material stays internal). */
export function describeCertificate(state: Pick<State, 'all'>, record: CertificateRecord, now: Date) {
  return { ...record, Status: statusAt(record, now), InUseBy: usedBy(state, record.CertificateArn) };
}
