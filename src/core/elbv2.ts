// Elastic Load Balancing v2 records as Wharf keeps them. The shapes are ELBv2's own (types generated from
// AWS's model in @aws-sdk/client-elastic-load-balancing-v2, PascalCase as the model names them); a record
// narrows the members Wharf always fills and may add internal members, which never reach the wire.
import type { Action, Listener, LoadBalancer, Matcher, Rule, RuleCondition, Tag, TargetGroup, TargetHealthReasonEnum, TrustStore } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Partition } from './arn.js';
import { arn } from './arn.js';

export type { Action, RuleCondition, Tag as ElbTag };

export type LoadBalancerType = 'application' | 'network';
export type ListenerProtocol = 'HTTP' | 'HTTPS' | 'TCP' | 'TLS' | 'UDP' | 'TCP_UDP';
export type TargetType = 'instance' | 'ip';

export interface LoadBalancerRecord extends LoadBalancer {
  LoadBalancerArn: string;
  LoadBalancerName: string;
  Type: LoadBalancerType;
  DNSName: string;
  Scheme: 'internet-facing' | 'internal';
  VpcId: string;
  CreatedTime: Date;
  /** Every attribute, defaults included (DescribeLoadBalancerAttributes lists them all). */
  attributes: Record<string, string>;
  tags: Tag[];
  /** The LCU reservation ModifyCapacityReservation set (not a member of LoadBalancer). */
  capacity?: CapacityReservation;
}

export interface CapacityReservation {
  /** Absent once reset (the decreases are still counted). */
  CapacityUnits?: number;
  LastModifiedTime: Date;
  /** When each decrease was asked: ELBv2 allows two a day. */
  decreases: Date[];
}

export interface TargetGroupRecord extends TargetGroup {
  TargetGroupArn: string;
  TargetGroupName: string;
  TargetType: TargetType;
  Protocol?: ListenerProtocol;
  Port?: number;
  HealthCheckProtocol?: 'HTTP' | 'HTTPS' | 'TCP';
  HealthCheckPort: string;
  HealthCheckEnabled: boolean;
  HealthCheckIntervalSeconds: number;
  HealthCheckTimeoutSeconds: number;
  HealthyThresholdCount: number;
  UnhealthyThresholdCount: number;
  HealthCheckPath?: string;
  Matcher?: Matcher;
  attributes: Record<string, string>;
  tags: Tag[];
  targets: TargetRecord[];
}

/** A registered target (not an ELBv2 shape: TargetDescription plus what Wharf keeps of its life). */
export interface TargetRecord {
  Id: string;
  Port: number;
  AvailabilityZone?: string;
  registeredAt: Date;
  /** Set by DeregisterTargets: the target drains until then, and is forgotten after. */
  drainingUntil?: Date;
  /** The ECS task that registered it (a service's loadBalancers), to join its health to the task's. */
  taskArn?: string;
  /** What the data plane last observed of it (see TargetHealthObservation). */
  health?: TargetHealthObservation;
}

export interface ListenerRecord extends Listener {
  ListenerArn: string;
  LoadBalancerArn: string;
  Port: number;
  Protocol: ListenerProtocol;
  DefaultActions: Action[];
  tags: Tag[];
  /** The ARN DescribeRules gives the listener's default rule (not a member of Listener). */
  defaultRuleArn: string;
  /** Certificates added with AddListenerCertificates, served by SNI beside the default one (not a member of Listener). */
  extraCertificates?: string[];
  /** DescribeListenerAttributes' attributes that differ from their defaults (records from before have none). */
  attributes?: Record<string, string>;
}

/** A trust store: CA certificates that verify clients of mutual-TLS listeners, and revoked serials. */
export interface TrustStoreRecord extends TrustStore {
  TrustStoreArn: string;
  Name: string;
  Status: 'ACTIVE' | 'CREATING';
  NumberOfCaCertificates: number;
  TotalRevokedEntries: number;
  /** The CA bundle as read (PEM), served by GetTrustStoreCaCertificatesBundle and given to the data plane. */
  caCertificates: string;
  revocations: TrustStoreRevocationRecord[];
  tags: Tag[];
}

/**
 * Where ELBv2 reads the S3 objects trust stores are made from (CA bundles, revocation lists): an object's
 * bytes, or undefined when there is no such bucket, key or version. Served by S3 once Wharf has it.
 */
export interface S3ObjectReader {
  read(bucket: string, key: string, version?: string): Promise<Uint8Array | undefined>;
}

/** One revocation list added with AddTrustStoreRevocations. */
export interface TrustStoreRevocationRecord {
  RevocationId: number;
  RevocationType: 'CRL';
  NumberOfRevokedEntries: number;
  /** The CRL as read (PEM). */
  content: string;
}

export interface RuleRecord extends Rule {
  RuleArn: string;
  /** The listener it belongs to (not a member of Rule). */
  ListenerArn: string;
  Priority: string;
  Conditions: RuleCondition[];
  Actions: Action[];
  IsDefault: false;
  tags: Tag[];
}

declare module './records.js' {
  interface RecordKinds {
    loadBalancer: LoadBalancerRecord;
    targetGroup: TargetGroupRecord;
    listener: ListenerRecord;
    rule: RuleRecord;
    trustStore: TrustStoreRecord;
  }
}

// ARNs, as ELBv2 writes them: `loadbalancer/app/<name>/<id16>`, `targetgroup/<name>/<id16>`,
// `listener/app/<lb name>/<lb id>/<id16>`, `listener-rule/app/<lb name>/<lb id>/<listener id>/<id16>`.
const lbPrefix = (type: LoadBalancerType) => (type === 'application' ? 'app' : 'net');
export const loadBalancerArn = (p: Partition, type: LoadBalancerType, name: string, id: string) =>
  arn(p, 'elasticloadbalancing', `loadbalancer/${lbPrefix(type)}/${name}/${id}`);
export const targetGroupArn = (p: Partition, name: string, id: string) => arn(p, 'elasticloadbalancing', `targetgroup/${name}/${id}`);
export const listenerArn = (lbArn: string, id: string) => `${lbArn.replace(':loadbalancer/', ':listener/')}/${id}`;
export const ruleArn = (listener: string, id: string) => `${listener.replace(':listener/', ':listener-rule/')}/${id}`;
export const trustStoreArn = (p: Partition, name: string, id: string) => arn(p, 'elasticloadbalancing', `truststore/${name}/${id}`);

/** The DNS name a load balancer answers on: a `*.localhost` name, which resolves to loopback on its own. */
export const loadBalancerDnsName = (name: string, id: string, region: string) => `${name}-${id}.${region}.elb.localhost`;

// Defaults of CreateTargetGroup by protocol and of the attributes, from the ELBv2 API reference.
export const LOAD_BALANCER_ATTRIBUTE_DEFAULTS: Record<LoadBalancerType, Record<string, string>> = {
  application: {
    'deletion_protection.enabled': 'false',
    'idle_timeout.timeout_seconds': '60',
    'routing.http2.enabled': 'true',
    'routing.http.drop_invalid_header_fields.enabled': 'false',
    'routing.http.x_amzn_tls_version_and_cipher_suite.enabled': 'false',
    'routing.http.xff_client_port.enabled': 'false',
    'routing.http.xff_header_processing.mode': 'append',
    'routing.http.preserve_host_header.enabled': 'false',
    'access_logs.s3.enabled': 'false',
    'access_logs.s3.bucket': '',
    'access_logs.s3.prefix': '',
    'client_keep_alive.seconds': '3600',
    'load_balancing.cross_zone.enabled': 'true',
  },
  network: {
    'deletion_protection.enabled': 'false',
    'load_balancing.cross_zone.enabled': 'false',
    'access_logs.s3.enabled': 'false',
    'access_logs.s3.bucket': '',
    'access_logs.s3.prefix': '',
    'dns_record.client_routing_policy': 'any_availability_zone',
  },
};

export function targetGroupAttributeDefaults(protocol: ListenerProtocol | undefined): Record<string, string> {
  const common = { 'deregistration_delay.timeout_seconds': '300', 'stickiness.enabled': 'false' };
  if (protocol === 'HTTP' || protocol === 'HTTPS')
    return {
      ...common,
      'stickiness.type': 'lb_cookie',
      'stickiness.lb_cookie.duration_seconds': '86400',
      'stickiness.app_cookie.cookie_name': '',
      'stickiness.app_cookie.duration_seconds': '86400',
      'slow_start.duration_seconds': '0',
      'load_balancing.algorithm.type': 'round_robin',
      'load_balancing.cross_zone.enabled': 'use_load_balancer_configuration',
    };
  return {
    ...common,
    'stickiness.type': 'source_ip',
    'deregistration_delay.connection_termination.enabled': 'false',
    'preserve_client_ip.enabled': 'false',
    'proxy_protocol_v2.enabled': 'false',
    'load_balancing.cross_zone.enabled': 'use_load_balancer_configuration',
  };
}

export const isHttpProtocol = (p: string | undefined) => p === 'HTTP' || p === 'HTTPS';

// What the data plane reports of a target, and how ELBv2 names it (DescribeTargetHealth's TargetHealth).
export type TargetHealthState = 'initial' | 'healthy' | 'unhealthy' | 'unused' | 'draining' | 'unavailable';

export interface TargetHealthObservation {
  State: TargetHealthState;
  Reason?: TargetHealthReasonEnum;
  Description?: string;
}

export const TARGET_HEALTH = {
  registering: { State: 'initial', Reason: 'Elb.RegistrationInProgress', Description: 'Target registration is in progress' },
  initial: { State: 'initial', Reason: 'Elb.InitialHealthChecking', Description: 'Initial health checks in progress' },
  healthy: { State: 'healthy' },
  draining: { State: 'draining', Reason: 'Target.DeregistrationInProgress', Description: 'Target deregistration is in progress' },
  notRegistered: { State: 'unused', Reason: 'Target.NotRegistered', Description: 'Target is not registered to the target group' },
  notInUse: { State: 'unused', Reason: 'Target.NotInUse', Description: 'Target group is not configured to receive traffic from the load balancer' },
  timeout: { State: 'unhealthy', Reason: 'Target.Timeout', Description: 'Request timed out' },
  failed: { State: 'unhealthy', Reason: 'Target.FailedHealthChecks', Description: 'Health checks failed' },
  disabled: { State: 'unavailable', Reason: 'Target.HealthCheckDisabled', Description: 'Health checks are disabled' },
} as const satisfies Record<string, TargetHealthObservation>;

export const responseCodeMismatch = (code: string | number): TargetHealthObservation => ({
  State: 'unhealthy',
  Reason: 'Target.ResponseCodeMismatch',
  Description: `Health checks failed with these codes: [${code}]`,
});
