// ELBv2's predefined security policies for HTTPS and TLS listeners (DescribeSSLPolicies), each with the TLS
// versions and ciphers AWS documents for it, in AWS's order of preference. The names are OpenSSL's, which is
// what the data plane is given: a listener serves exactly its policy's versions and ciphers.
// Not listed: the FIPS and post-quantum policies, whose key exchanges Debian's OpenSSL does not offer.

export type TlsVersion = 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';

export interface SslPolicyDefinition {
  name: string;
  protocols: TlsVersion[];
  /** TLS 1.2 and below, OpenSSL's names, most preferred first. */
  ciphers: string[];
  /** TLS 1.3 suites. */
  suites: string[];
}

const TLS13 = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'];
const ECDHE_GCM = ['ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES256-GCM-SHA384'];
const ECDHE_SHA2 = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES128-SHA256',
  'ECDHE-RSA-AES128-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-AES256-SHA384',
  'ECDHE-RSA-AES256-SHA384',
];
const ECDHE_ALL = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES128-SHA256',
  'ECDHE-RSA-AES128-SHA256',
  'ECDHE-ECDSA-AES128-SHA',
  'ECDHE-RSA-AES128-SHA',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-AES256-SHA384',
  'ECDHE-RSA-AES256-SHA384',
  'ECDHE-RSA-AES256-SHA',
  'ECDHE-ECDSA-AES256-SHA',
];
const RSA_SHA2 = ['AES128-GCM-SHA256', 'AES128-SHA256', 'AES256-GCM-SHA384', 'AES256-SHA256'];
const RSA_ALL = ['AES128-GCM-SHA256', 'AES128-SHA256', 'AES128-SHA', 'AES256-GCM-SHA384', 'AES256-SHA256', 'AES256-SHA'];
const CLASSIC = [...ECDHE_ALL, ...RSA_ALL];
const STRICT = [...ECDHE_SHA2, ...RSA_SHA2];

const TLS10_12: TlsVersion[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2'];
const TLS11_12: TlsVersion[] = ['TLSv1.1', 'TLSv1.2'];
const TLS12: TlsVersion[] = ['TLSv1.2'];
const TLS12_13: TlsVersion[] = ['TLSv1.2', 'TLSv1.3'];

const policy = (name: string, protocols: TlsVersion[], ciphers: string[]): SslPolicyDefinition => ({
  name,
  protocols,
  ciphers: protocols.some((p) => p !== 'TLSv1.3') ? ciphers : [],
  suites: protocols.includes('TLSv1.3') ? TLS13 : [],
});

export const SSL_POLICIES: readonly SslPolicyDefinition[] = [
  policy('ELBSecurityPolicy-TLS13-1-2-2021-06', TLS12_13, ECDHE_SHA2),
  policy('ELBSecurityPolicy-TLS13-1-2-Res-2021-06', TLS12_13, ECDHE_GCM),
  policy('ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06', TLS12_13, STRICT),
  policy('ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06', TLS12_13, CLASSIC),
  policy('ELBSecurityPolicy-TLS13-1-1-2021-06', ['TLSv1.1', 'TLSv1.2', 'TLSv1.3'], CLASSIC),
  policy('ELBSecurityPolicy-TLS13-1-0-2021-06', ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'], CLASSIC),
  policy('ELBSecurityPolicy-TLS13-1-3-2021-06', ['TLSv1.3'], []),
  policy('ELBSecurityPolicy-2016-08', TLS10_12, CLASSIC),
  policy('ELBSecurityPolicy-2015-05', TLS10_12, CLASSIC),
  policy('ELBSecurityPolicy-TLS-1-0-2015-04', TLS10_12, [...CLASSIC, 'DES-CBC3-SHA']),
  policy('ELBSecurityPolicy-TLS-1-1-2017-01', TLS11_12, CLASSIC),
  policy('ELBSecurityPolicy-TLS-1-2-2017-01', TLS12, STRICT),
  policy('ELBSecurityPolicy-TLS-1-2-Ext-2018-06', TLS12, CLASSIC),
  policy('ELBSecurityPolicy-FS-2018-06', TLS10_12, ECDHE_ALL),
  policy('ELBSecurityPolicy-FS-1-1-2019-08', TLS11_12, ECDHE_ALL),
  policy('ELBSecurityPolicy-FS-1-2-2019-08', TLS12, ECDHE_ALL),
  policy('ELBSecurityPolicy-FS-1-2-Res-2019-08', TLS12, ECDHE_SHA2),
  policy('ELBSecurityPolicy-FS-1-2-Res-2020-10', TLS12, ECDHE_GCM),
];

export const sslPolicy = (name: string): SslPolicyDefinition | undefined => SSL_POLICIES.find((p) => p.name === name);
