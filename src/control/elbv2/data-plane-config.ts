// The ELBv2 records as the data plane's configuration (a pure function of the state): one frontend per
// listener, one backend per target group some listener or rule forwards to, its targets with the address
// the data plane reaches them at (instance targets: the host of their container instance; ip targets: the
// address itself). Target groups no load balancer uses are not served (ELBv2: unused, not health-checked).
import type { Action } from '@aws-sdk/client-elastic-load-balancing-v2';
import { lastSegment } from '../../core/arn.js';
import { isHttpProtocol, type ListenerRecord, type TargetGroupRecord } from '../../core/elbv2.js';
import { sslPolicy } from '../../core/elbv2-ssl-policies.js';
import { parseIpv4 } from '../../core/ipv4.js';
import type { DataPlaneAction, DataPlaneBackend, DataPlaneConfig, DataPlaneFrontend, DataPlaneMutualTls } from '../../core/load-balancer.js';
import type { SecurityGroupRule } from '../../core/agent-protocol.js';
import { firewallRules } from '../ec2/security-group-rules.js';
import type { State } from '../state.js';
import { listenerAttributes, requestHeaderAttribute, responseHeaders, SERVER_HEADER, TCP_IDLE_TIMEOUT, TLS_REQUEST_HEADERS } from './listeners.js';
import { forwardedGroups } from './lookups.js';
import { listenerRules } from './rules.js';
import { targetKey } from './targets.js';

export interface DataPlaneOptions {
  /** The address listeners bind on this host. */
  address: string;
  /** Where an instance target (an EC2 instance id) is reached; undefined or not an IPv4 address: not reachable (left out). */
  instanceAddress(instanceId: string): string | undefined;
}

type Reader = Pick<State, 'all' | 'get' | 'where'>;

export function dataPlaneConfig(state: Reader, options: DataPlaneOptions): DataPlaneConfig {
  const frontends: DataPlaneFrontend[] = [];
  const used = new Set<string>();
  for (const listener of [...state.all('listener')].sort((a, b) => a.Port - b.Port)) {
    const lb = state.get('loadBalancer', listener.LoadBalancerArn);
    if (!lb) continue;
    const rules = listenerRules(state, listener);
    const attributes = listenerAttributes(listener);
    const policy = listener.SslPolicy === undefined ? undefined : sslPolicy(listener.SslPolicy);
    for (const rule of rules) for (const arn of forwardedGroups(rule.Actions ?? [])) used.add(arn);
    frontends.push({
      id: lastSegment(listener.ListenerArn),
      address: options.address,
      port: listener.Port,
      mode: lb.Type === 'application' ? 'http' : 'tcp',
      certificates: certificates(state, listener),
      rules: rules.map((rule) => ({ conditions: rule.Conditions ?? [], action: action(rule.Actions![0]!) })),
      idleTimeoutSeconds: Number(lb.Type === 'application' ? (lb.attributes['idle_timeout.timeout_seconds'] ?? 60) : (attributes[TCP_IDLE_TIMEOUT] ?? 350)),
      ...(policy && { tls: { protocols: policy.protocols, ciphers: policy.ciphers, suites: policy.suites } }),
      ...(lb.Type === 'application' && {
        responseHeaders: responseHeaders(attributes),
        removeServerHeader: attributes[SERVER_HEADER] === 'false',
      }),
      ...mutualTls(state, listener, attributes),
      ...(lb.SecurityGroups?.length && { allowedSources: allowedSources(state, lb.SecurityGroups, listener.Port) }),
    });
  }
  const backends = [...used]
    .map((arn) => state.get('targetGroup', arn))
    .filter((tg): tg is TargetGroupRecord => tg !== undefined)
    .sort((a, b) => (a.TargetGroupArn < b.TargetGroupArn ? -1 : 1))
    .map((tg) => backend(tg, options));
  return { frontends, backends };
}

/** Who the load balancer's security groups let in on a listener's port (TCP, or every protocol). */
function allowedSources(state: Reader, groupIds: readonly string[], port: number): string[] {
  const opens = (r: SecurityGroupRule) =>
    r.protocol === 'all' || ((r.protocol === 'tcp' || r.protocol === '6') && (r.fromPort === undefined || (r.fromPort <= port && port <= (r.toPort ?? r.fromPort))));
  return [...new Set(firewallRules(state, groupIds).ingress.filter(opens).flatMap((r) => r.peers))];
}

/** PEM bundles (certificate, chain, key) of the listener's certificates, the default one first (HAProxy picks by SNI). */
function certificates(state: Reader, listener: ListenerRecord): string[] {
  const arns = [...(listener.Certificates ?? []).map((c) => c.CertificateArn!), ...(listener.extraCertificates ?? [])];
  return arns.flatMap((arn) => {
    const cert = state.get('certificate', arn);
    return cert ? [[cert.certificate, cert.certificateChain, cert.privateKey].filter(Boolean).map((pem) => pem!.trim()).join('\n') + '\n'] : [];
  });
}

/** The listener's MutualAuthentication for the data plane; a trust store gone (deleted under it) serves none. */
function mutualTls(state: Reader, listener: ListenerRecord, attributes: Record<string, string>): { mutualTls?: DataPlaneMutualTls } {
  const m = listener.MutualAuthentication;
  const header = (key: keyof typeof TLS_REQUEST_HEADERS) => attributes[requestHeaderAttribute(key)] ?? TLS_REQUEST_HEADERS[key];
  if (m?.Mode === 'passthrough') return { mutualTls: { mode: 'passthrough', headers: { certificate: header('x_amzn_mtls_clientcert') } } };
  if (m?.Mode !== 'verify') return {};
  const store = state.get('trustStore', m.TrustStoreArn!);
  if (!store) return {};
  const revocations = store.revocations.map((r) => r.content).join('');
  return {
    mutualTls: {
      mode: 'verify',
      caCertificates: store.caCertificates,
      ...(revocations && { revocations }),
      ignoreExpiry: m.IgnoreClientCertificateExpiry === true,
      advertiseCaNames: m.AdvertiseTrustStoreCaNames === 'on',
      headers: {
        serialNumber: header('x_amzn_mtls_clientcert_serial_number'),
        issuer: header('x_amzn_mtls_clientcert_issuer'),
        subject: header('x_amzn_mtls_clientcert_subject'),
        validity: header('x_amzn_mtls_clientcert_validity'),
        leaf: header('x_amzn_mtls_clientcert_leaf'),
      },
    },
  };
}

function action(a: Action): DataPlaneAction {
  switch (a.Type) {
    case 'redirect': {
      const c = a.RedirectConfig!;
      return { type: 'redirect', protocol: c.Protocol!, host: c.Host!, port: c.Port!, path: c.Path!, query: c.Query!, statusCode: c.StatusCode === 'HTTP_301' ? 301 : 302 };
    }
    case 'fixed-response': {
      const c = a.FixedResponseConfig!;
      return { type: 'fixed-response', statusCode: Number(c.StatusCode), ...(c.ContentType ? { contentType: c.ContentType } : {}), ...(c.MessageBody ? { messageBody: c.MessageBody } : {}) };
    }
    default:
      return { type: 'forward', targetGroups: (a.ForwardConfig?.TargetGroups ?? []).map((g) => ({ backendId: lastSegment(g.TargetGroupArn!), weight: g.Weight ?? 1 })) };
  }
}

const ALGORITHMS: Record<string, DataPlaneBackend['algorithm']> = { round_robin: 'roundrobin', least_outstanding_requests: 'leastconn', weighted_random: 'random' };

function backend(tg: TargetGroupRecord, options: DataPlaneOptions): DataPlaneBackend {
  const http = isHttpProtocol(tg.Protocol);
  const a = tg.attributes;
  const sticky = a['stickiness.enabled'] === 'true';
  return {
    id: lastSegment(tg.TargetGroupArn),
    mode: http ? 'http' : 'tcp',
    tls: tg.Protocol === 'HTTPS' || tg.Protocol === 'TLS',
    algorithm: ALGORITHMS[a['load_balancing.algorithm.type'] ?? 'round_robin'] ?? 'roundrobin',
    ...(tg.HealthCheckEnabled
      ? {
          healthCheck: {
            protocol: tg.HealthCheckProtocol ?? (http ? 'HTTP' : 'TCP'),
            ...(tg.HealthCheckPort === 'traffic-port' ? {} : { port: Number(tg.HealthCheckPort) }),
            path: tg.HealthCheckPath ?? '/',
            matcher: tg.Matcher?.HttpCode ?? '200',
            intervalSeconds: tg.HealthCheckIntervalSeconds,
            timeoutSeconds: tg.HealthCheckTimeoutSeconds,
            healthyThreshold: tg.HealthyThresholdCount,
            unhealthyThreshold: tg.UnhealthyThresholdCount,
          },
        }
      : {}),
    // app_cookie stickiness is served as lb_cookie: HAProxy's inserted cookie keeps a client on one target either way.
    ...(sticky ? { stickiness: http ? { type: 'lb_cookie' as const, durationSeconds: Number(a['stickiness.lb_cookie.duration_seconds'] ?? 86400) } : { type: 'source_ip' as const } } : {}),
    slowStartSeconds: Number(a['slow_start.duration_seconds'] ?? 0),
    targets: tg.targets.flatMap((t) => {
      const address = tg.TargetType === 'ip' ? t.Id : options.instanceAddress(t.Id);
      // An instance's address comes from an attribute its agent (or anyone allowed PutAttributes) set: only
      // an IPv4 address is one.
      return address === undefined || parseIpv4(address) === undefined ? [] : [{ key: targetKey(t), address, port: t.Port, draining: t.drainingUntil !== undefined }];
    }),
  };
}
