// The load-balancer data plane port: what the control plane wants served (listeners, their rules, target
// groups and their targets), independent of the engine that serves it (HAProxy, lb/). The control plane
// derives a DataPlaneConfig from the ELBv2 records and hands the whole of it over every time (level-based);
// the data plane converges on it and reports what its health checks observe.
import type { RuleCondition, TargetHealthObservation } from './elbv2.js';
import type { TlsVersion } from './elbv2-ssl-policies.js';

export interface DataPlaneConfig {
  frontends: DataPlaneFrontend[];
  backends: DataPlaneBackend[];
}

/** One listener. */
export interface DataPlaneFrontend {
  /** Stable and unique (the listener's id): names the frontend across changes. */
  id: string;
  address: string;
  port: number;
  /** http: ALB listeners (HTTP, HTTPS); tcp: NLB listeners (TCP, TLS). */
  mode: 'http' | 'tcp';
  /** TLS terminated here: PEM bundles (certificate, chain, key), the default one first. */
  certificates: string[];
  /** In priority order; the listener's default action last, with no conditions. */
  rules: DataPlaneRule[];
  idleTimeoutSeconds: number;
  /** TLS listeners: the versions and ciphers of their security policy (core/elbv2-ssl-policies.ts). */
  tls?: { protocols: TlsVersion[]; ciphers: string[]; suites: string[] };
  /** HTTP listeners: headers set on every response, and whether the Server header is taken out (listener attributes). */
  responseHeaders?: { name: string; value: string }[];
  removeServerHeader?: boolean;
  /** HTTPS listeners with mutual TLS (ELBv2's MutualAuthentication). */
  mutualTls?: DataPlaneMutualTls;
  /**
   * The CIDR blocks the load balancer's security groups let in on this port; connections from elsewhere are
   * refused. Absent when it has no security groups (an NLB without them filters nothing).
   */
  allowedSources?: string[];
}

/**
 * verify: clients must present a certificate the trust store's CAs issued and its revocation lists do not
 * revoke; its details reach the targets in headers. passthrough: a client's certificate, if any, is passed on
 * unverified. Header names are the listener attributes' (`routing.http.request.x_amzn_mtls_*.header_name`).
 */
export type DataPlaneMutualTls =
  | {
      mode: 'verify';
      /** PEM CA certificates. */
      caCertificates: string;
      /** PEM CRLs, absent when none. */
      revocations?: string;
      ignoreExpiry: boolean;
      advertiseCaNames: boolean;
      headers: { serialNumber: string; issuer: string; subject: string; validity: string; leaf: string };
    }
  | { mode: 'passthrough'; headers: { certificate: string } };

export interface DataPlaneRule {
  conditions: RuleCondition[];
  action: DataPlaneAction;
}

export type DataPlaneAction =
  | { type: 'forward'; targetGroups: { backendId: string; weight: number }[] }
  | { type: 'redirect'; protocol: string; host: string; port: string; path: string; query: string; statusCode: 301 | 302 }
  | { type: 'fixed-response'; statusCode: number; contentType?: string; messageBody?: string };

/** One target group. */
export interface DataPlaneBackend {
  /** Stable and unique (the target group's id). */
  id: string;
  mode: 'http' | 'tcp';
  /** Connect to targets over TLS (HTTPS and TLS target groups). */
  tls: boolean;
  algorithm: 'roundrobin' | 'leastconn' | 'random';
  healthCheck?: {
    protocol: 'HTTP' | 'HTTPS' | 'TCP';
    /** undefined: the traffic port. */
    port?: number;
    path: string;
    /** HTTP codes that mean healthy: single codes and ranges, e.g. `200`, `200-299`, `200,302`. */
    matcher: string;
    intervalSeconds: number;
    timeoutSeconds: number;
    healthyThreshold: number;
    unhealthyThreshold: number;
  };
  stickiness?: { type: 'lb_cookie'; durationSeconds: number } | { type: 'source_ip' };
  slowStartSeconds: number;
  /**
   * Timeouts of its own (else the defaults'): how long a response may keep the connection silent, and how long a
   * connection may idle once nothing but bytes flow (TCP, upgraded HTTP). 0: never.
   */
  timeouts?: { serverSeconds: number; tunnelSeconds: number };
  targets: DataPlaneTarget[];
}

export interface DataPlaneTarget {
  /** Unique within its backend: `<id>:<port>` as registered. */
  key: string;
  address: string;
  port: number;
  /** Deregistered: finishes what it serves, takes nothing new. */
  draining: boolean;
}

/** What a listener (frontend) or target group (backend) has carried, counted since the engine started. */
export interface TrafficCounters {
  /** HTTP requests (http mode). */
  requests: number;
  /** HTTP responses by class (http mode). */
  responses: { '2xx': number; '3xx': number; '4xx': number; '5xx': number };
  connections: number;
  activeConnections: number;
  bytesIn: number;
  bytesOut: number;
  /** Average time to a target's response headers over recent requests (backends, http mode). */
  averageResponseMs: number;
}

/** Counters by frontend id and by backend id. */
export interface DataPlaneTraffic {
  frontends: Map<string, TrafficCounters>;
  backends: Map<string, TrafficCounters>;
}

/** A target as a backend's health checks see it, keyed `<backend id>/<target key>`. */
export type TargetHealthReport = Map<string, TargetHealthObservation>;

export interface LoadBalancerDataPlane {
  /**
   * Converges on `config`. Target changes apply without a reload; listener and rule changes with a
   * seamless one. A listener the engine refuses keeps its last accepted version (or is left out), without
   * holding back the others: it is answered among the refusals. Rejects only when nothing could be applied.
   */
  apply(config: DataPlaneConfig): Promise<DataPlaneRefusal[]>;
  /** Whether a listener could bind `port` on this host (free, or already one of its own listeners'). */
  portAvailable(port: number): Promise<boolean>;
  /** What the health checks currently observe of every target of `apply`'s last configuration. */
  targetHealth(): Promise<TargetHealthReport>;
  /** Traffic counters of every listener and target group since the engine started (CloudWatch's load balancer metrics). */
  traffic?(): Promise<DataPlaneTraffic>;
  close(): Promise<void>;
}

/** A listener whose new configuration the engine refused, and the engine's reason. */
export interface DataPlaneRefusal {
  frontendId: string;
  reason: string;
}

export const targetHealthKey = (backendId: string, targetKey: string) => `${backendId}/${targetKey}`;
