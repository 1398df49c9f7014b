// ACM certificates as Wharf keeps them: imported ones only (ImportCertificate), the shape ACM's own
// CertificateDetail (types from @aws-sdk's model; the ACM client is not installed, so the members Wharf
// fills are declared here as ACM names them). The PEM material stays internal: it never reaches the wire.

export interface CertificateRecord {
  CertificateArn: string;
  DomainName: string;
  SubjectAlternativeNames: string[];
  Serial: string;
  Subject: string;
  Issuer: string;
  CreatedAt: Date;
  ImportedAt: Date;
  Status: 'ISSUED' | 'EXPIRED';
  NotBefore: Date;
  NotAfter: Date;
  KeyAlgorithm: string;
  SignatureAlgorithm: string;
  Type: 'IMPORTED';
  InUseBy: string[];
  RenewalEligibility: 'INELIGIBLE';
  tags: { Key: string; Value?: string }[];
  /** PEM: the certificate, its chain and its private key (not ACM members). */
  certificate: string;
  certificateChain?: string;
  privateKey: string;
}

declare module './records.js' {
  interface RecordKinds {
    certificate: CertificateRecord;
  }
}
