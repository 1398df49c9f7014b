// What the listener operations share: protocol and certificate checks, and port conflicts (every
// listener binds its port on this host, so two load balancers cannot both listen on one port).
import type { Certificate, MutualAuthenticationAttributes } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { ListenerRecord, LoadBalancerRecord } from '../../core/elbv2.js';
import { sslPolicy } from '../../core/elbv2-ssl-policies.js';
import { CertificateNotFound, InvalidConfigurationRequest, SSLPolicyNotFound, UnsupportedProtocol } from '../../core/elbv2-errors.js';
import { ValidationError } from '../../core/errors.js';
import type { ControlContext } from '../context.js';
import type { State } from '../state.js';
import { resolveTrustStore } from './trust-stores.js';

const PROTOCOLS = { application: ['HTTP', 'HTTPS'], network: ['TCP', 'TLS'] };
export const DEFAULT_SSL_POLICY = 'ELBSecurityPolicy-2016-08';

/** The security policy of a TLS listener: one of ELBv2's predefined ones (SSLPolicyNotFound otherwise). */
export function checkSslPolicy(name: string | undefined): string {
  const chosen = name ?? DEFAULT_SSL_POLICY;
  if (!sslPolicy(chosen)) throw new SSLPolicyNotFound(`SSL policy '${chosen}' not found`);
  return chosen;
}

/** ELBv2 protocols Wharf's data plane cannot serve: HAProxy proxies TCP only, so UDP listeners and target groups are refused. */
export const UNSERVED_PROTOCOLS: readonly string[] = ['UDP', 'TCP_UDP'];
export const unservedProtocol = (protocol: string) =>
  new UnsupportedProtocol(`Protocol '${protocol}' is not supported by Wharf: its data plane (HAProxy) proxies TCP only, not UDP`);

export function checkProtocol(lb: LoadBalancerRecord, protocol: string): void {
  if (lb.Type === 'network' && UNSERVED_PROTOCOLS.includes(protocol)) throw unservedProtocol(protocol);
  const allowed = PROTOCOLS[lb.Type];
  if (!allowed.includes(protocol)) throw new ValidationError(`Listener protocol '${protocol}' must be one of '${allowed.join(', ')}'`);
}

/** Certificates of a TLS listener: at least one, each imported in ACM. */
export function checkCertificates(state: Pick<State, 'get'>, protocol: string, certificates: readonly Certificate[]): Certificate[] {
  const tls = protocol === 'HTTPS' || protocol === 'TLS';
  if (!tls) {
    if (certificates.length) throw new ValidationError(`Certificates are only supported for HTTPS and TLS listeners`);
    return [];
  }
  if (certificates.length === 0) throw new ValidationError(`A certificate must be specified for ${protocol} listeners`);
  return certificates.map((c) => {
    if (!c.CertificateArn || !state.get('certificate', c.CertificateArn)) throw new CertificateNotFound(`Certificate '${c.CertificateArn}' not found`);
    return { CertificateArn: c.CertificateArn };
  });
}

/** A listener port is free on this host: no other load balancer's listener has it, and nothing else holds it. */
export async function checkPortFree(ctx: ControlContext, lbArn: string, port: number, except?: string): Promise<void> {
  const owner = [...ctx.state.all('listener')].find((l) => l.Port === port && l.ListenerArn !== except);
  if (owner && owner.LoadBalancerArn !== lbArn) {
    const lb = ctx.state.get('loadBalancer', owner.LoadBalancerArn);
    throw new InvalidConfigurationRequest(`Port ${port} is already used by a listener of load balancer '${lb?.LoadBalancerName}': load balancers share this host's address`);
  }
  if (!owner && ctx.loadBalancers && !(await ctx.loadBalancers.dataPlane.portAvailable(port)))
    throw new InvalidConfigurationRequest(`Port ${port} is already in use on this host`);
}

// Listener attributes (Describe/ModifyListenerAttributes), by listener: ALB listeners shape their HTTP
// responses (the Server header, security and CORS headers) and, on HTTPS, name the headers that carry the
// client's TLS details; NLB TCP listeners have an idle timeout. Each default is ELBv2's.
const RESPONSE_HEADERS = {
  strict_transport_security: 'Strict-Transport-Security',
  access_control_allow_origin: 'Access-Control-Allow-Origin',
  access_control_allow_methods: 'Access-Control-Allow-Methods',
  access_control_allow_headers: 'Access-Control-Allow-Headers',
  access_control_allow_credentials: 'Access-Control-Allow-Credentials',
  access_control_expose_headers: 'Access-Control-Expose-Headers',
  access_control_max_age: 'Access-Control-Max-Age',
  content_security_policy: 'Content-Security-Policy',
  x_content_type_options: 'X-Content-Type-Options',
  x_frame_options: 'X-Frame-Options',
} as const;

/** The request headers an HTTPS listener adds about the client's TLS, by the attribute naming each. */
export const TLS_REQUEST_HEADERS = {
  x_amzn_mtls_clientcert_serial_number: 'X-Amzn-Mtls-Clientcert-Serial-Number',
  x_amzn_mtls_clientcert_issuer: 'X-Amzn-Mtls-Clientcert-Issuer',
  x_amzn_mtls_clientcert_subject: 'X-Amzn-Mtls-Clientcert-Subject',
  x_amzn_mtls_clientcert_validity: 'X-Amzn-Mtls-Clientcert-Validity',
  x_amzn_mtls_clientcert_leaf: 'X-Amzn-Mtls-Clientcert-Leaf',
  x_amzn_mtls_clientcert: 'X-Amzn-Mtls-Clientcert',
  x_amzn_tls_version: 'X-Amzn-Tls-Version',
  x_amzn_tls_cipher_suite: 'X-Amzn-Tls-Cipher-Suite',
} as const;

export const responseHeaderAttribute = (key: keyof typeof RESPONSE_HEADERS) => `routing.http.response.${key}.header_value`;
export const requestHeaderAttribute = (key: keyof typeof TLS_REQUEST_HEADERS) => `routing.http.request.${key}.header_name`;
export const TCP_IDLE_TIMEOUT = 'tcp.idle_timeout.seconds';
export const SERVER_HEADER = 'routing.http.response.server.enabled';

export function listenerAttributeDefaults(protocol: string): Record<string, string> {
  if (protocol === 'TCP') return { [TCP_IDLE_TIMEOUT]: '350' };
  if (protocol !== 'HTTP' && protocol !== 'HTTPS') return {};
  const attributes: Record<string, string> = { [SERVER_HEADER]: 'true' };
  for (const key of Object.keys(RESPONSE_HEADERS) as (keyof typeof RESPONSE_HEADERS)[]) attributes[responseHeaderAttribute(key)] = '';
  if (protocol === 'HTTPS')
    for (const [key, header] of Object.entries(TLS_REQUEST_HEADERS)) attributes[requestHeaderAttribute(key as keyof typeof TLS_REQUEST_HEADERS)] = header;
  return attributes;
}

/** Every attribute of a listener: its protocol's defaults with what was modified (and still applies) over them. */
export function listenerAttributes(listener: Pick<ListenerRecord, 'Protocol' | 'attributes'>): Record<string, string> {
  const defaults = listenerAttributeDefaults(listener.Protocol);
  const set = Object.entries(listener.attributes ?? {}).filter(([key]) => key in defaults);
  return { ...defaults, ...Object.fromEntries(set) };
}

/** The response headers an ALB listener sets, with their names as HTTP writes them. */
export function responseHeaders(attributes: Record<string, string>): { name: string; value: string }[] {
  return Object.entries(RESPONSE_HEADERS).flatMap(([key, name]) => {
    const value = attributes[responseHeaderAttribute(key as keyof typeof RESPONSE_HEADERS)];
    return value ? [{ name, value }] : [];
  });
}

const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,40}$/;
// Visible ASCII and spaces: what ELBv2 takes in a header value, and all an HTTP header can carry safely.
const HEADER_VALUE = /^[\x20-\x7e]{0,1024}$/;

/** Checks listener attribute changes against the listener's attributes, as ELBv2 checks them. */
export function checkListenerAttributes(listener: Pick<ListenerRecord, 'Protocol'>, changes: readonly { Key?: string; Value?: string }[]): Record<string, string> {
  const known = listenerAttributeDefaults(listener.Protocol);
  const result: Record<string, string> = {};
  for (const { Key, Value = '' } of changes) {
    if (Key === undefined || !(Key in known)) throw new ValidationError(`Listener attribute key '${Key}' is not recognized for ${listener.Protocol} listeners`);
    if (Key === SERVER_HEADER && !/^(true|false)$/.test(Value)) throw new ValidationError(`Listener attribute '${Key}' must be one of 'true, false'`);
    if (Key === TCP_IDLE_TIMEOUT && !(/^\d+$/.test(Value) && Number(Value) >= 60 && Number(Value) <= 6000))
      throw new ValidationError(`Listener attribute '${Key}' must be an integer between 60 and 6000`);
    if (Key.endsWith('.header_name') && !HEADER_NAME.test(Value)) throw new ValidationError(`Listener attribute '${Key}' must be an HTTP header name of at most 40 characters`);
    if (Key.endsWith('.header_value') && !HEADER_VALUE.test(Value)) throw new ValidationError(`Listener attribute '${Key}' must be at most 1024 printable ASCII characters`);
    result[Key] = Value;
  }
  return result;
}

/**
 * A listener's mutual TLS, as ELBv2 checks it: HTTPS listeners only; `verify` against an existing trust
 * store; `passthrough` without one (the client's certificate is passed on unverified); `off`.
 */
export function checkMutualAuthentication(reader: Pick<State, 'get'>, protocol: string, given: MutualAuthenticationAttributes | undefined): MutualAuthenticationAttributes | undefined {
  if (!given) return undefined;
  const mode = given.Mode ?? 'off';
  if (!['off', 'passthrough', 'verify'].includes(mode)) throw new ValidationError(`Mutual authentication mode '${mode}' must be one of 'off, passthrough, verify'`);
  if (mode === 'off') return { Mode: 'off' };
  if (protocol !== 'HTTPS') throw new ValidationError(`Mutual authentication is only supported for HTTPS listeners, not ${protocol}`);
  if (mode === 'passthrough') {
    if (given.TrustStoreArn) throw new ValidationError('A trust store cannot be specified in passthrough mode');
    return { Mode: 'passthrough' };
  }
  if (!given.TrustStoreArn) throw new ValidationError('A trust store must be specified in verify mode');
  resolveTrustStore(reader, given.TrustStoreArn);
  return {
    Mode: 'verify',
    TrustStoreArn: given.TrustStoreArn,
    IgnoreClientCertificateExpiry: given.IgnoreClientCertificateExpiry ?? false,
    TrustStoreAssociationStatus: 'active',
    AdvertiseTrustStoreCaNames: given.AdvertiseTrustStoreCaNames ?? 'off',
  };
}
