// AWS Cloud Map as Wharf keeps it: namespaces (private DNS bound to a VPC, public DNS, HTTP), services with
// their DNS configuration, registered instances and the operations that changed them; and the pure logic
// the DNS server and DiscoverInstances share: which instances answer a name, as which records, under the
// service's routing policy. Every name and address that reaches a DNS answer passes `dnsName`/`ipv4`/`ipv6`.
import { InvalidInput } from './servicediscovery-errors.js';

export type SdTag = { Key: string; Value: string };
export type NamespaceType = 'DNS_PUBLIC' | 'DNS_PRIVATE' | 'HTTP';
export type DnsRecordType = 'A' | 'AAAA' | 'SRV' | 'CNAME';
export type RoutingPolicy = 'MULTIVALUE' | 'WEIGHTED';
export type HealthStatus = 'HEALTHY' | 'UNHEALTHY' | 'UNKNOWN';

export interface SdNamespaceRecord {
  Id: string;
  Arn: string;
  Name: string;
  Type: NamespaceType;
  Description?: string;
  CreateDate: Date;
  CreatorRequestId?: string;
  /** The VPC a private DNS namespace answers in. */
  vpc?: string;
  /** The SOA TTL of a DNS namespace. */
  soaTtl?: number;
  hostedZoneId?: string;
  tags: SdTag[];
}

export interface SdDnsConfig {
  NamespaceId?: string;
  RoutingPolicy?: RoutingPolicy;
  DnsRecords: { Type: DnsRecordType; TTL: number }[];
}

export interface SdServiceRecord {
  Id: string;
  Arn: string;
  Name: string;
  NamespaceId: string;
  Description?: string;
  Type?: 'HTTP' | 'DNS_HTTP' | 'DNS';
  DnsConfig?: SdDnsConfig;
  HealthCheckConfig?: { Type: string; ResourcePath?: string; FailureThreshold?: number };
  HealthCheckCustomConfig?: { FailureThreshold?: number };
  CreateDate: Date;
  CreatorRequestId?: string;
  tags: SdTag[];
}

export interface SdInstanceRecord {
  Id: string;
  ServiceId: string;
  Attributes: Record<string, string>;
  CreatorRequestId?: string;
  /** Custom health (UpdateInstanceCustomHealthStatus): a new instance is healthy. */
  health: HealthStatus;
  CreatedDate: Date;
  UpdatedDate: Date;
}

export interface SdOperationRecord {
  Id: string;
  Type: 'CREATE_NAMESPACE' | 'DELETE_NAMESPACE' | 'UPDATE_NAMESPACE' | 'UPDATE_SERVICE' | 'REGISTER_INSTANCE' | 'DEREGISTER_INSTANCE';
  Status: 'SUBMITTED' | 'PENDING' | 'SUCCESS' | 'FAIL';
  ErrorCode?: string;
  ErrorMessage?: string;
  CreateDate: Date;
  UpdateDate: Date;
  Targets: Partial<Record<'NAMESPACE' | 'SERVICE' | 'INSTANCE', string>>;
}

declare module './records.js' {
  interface RecordKinds {
    sdNamespace: SdNamespaceRecord;
    sdService: SdServiceRecord;
    sdInstance: SdInstanceRecord;
    sdOperation: SdOperationRecord;
  }
}

/** The key of an instance record: instance ids are unique within their service only. */
export const instanceKey = (serviceId: string, instanceId: string) => `${serviceId}/${instanceId}`;

/** A DNS name as Route 53 accepts one: labels of letters, digits, `-` and `_`, at most 63 each, 253 in all. */
export function dnsName(name: string, field = 'Name'): string {
  const bare = name.endsWith('.') ? name.slice(0, -1) : name;
  const labels = bare.split('.');
  const valid = bare.length > 0 && bare.length <= 253 && labels.every((l) => /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/.test(l));
  if (!valid) throw new InvalidInput(`${field} '${name}' is not a valid DNS name.`);
  return bare.toLowerCase();
}

/** A service name as Cloud Map accepts one (one DNS label, or `_` names for SRV). */
export function serviceName(name: string): string {
  if (!/^((?=^.{1,127}$)^([a-zA-Z0-9_][a-zA-Z0-9-_]{0,61}[a-zA-Z0-9_]|[a-zA-Z0-9])(\.([a-zA-Z0-9_][a-zA-Z0-9-_]{0,61}[a-zA-Z0-9_]|[a-zA-Z0-9]))?)$/.test(name))
    throw new InvalidInput(`Service name '${name}' is not valid.`);
  return name;
}

export function ipv4(value: string, field = 'AWS_INSTANCE_IPV4'): string {
  const octets = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(value);
  if (!octets || octets.slice(1).some((o) => Number(o) > 255 || (o.length > 1 && o.startsWith('0')))) throw new InvalidInput(`${field} '${value}' is not a valid IPv4 address.`);
  return value;
}

export function ipv6(value: string, field = 'AWS_INSTANCE_IPV6'): string {
  if (!isIpv6(value)) throw new InvalidInput(`${field} '${value}' is not a valid IPv6 address.`);
  return value;
}

/** An IPv6 address: hex groups, at most one `::`, an optional dotted IPv4 tail (the URL parser checks the rest). */
function isIpv6(value: string): boolean {
  if (!/^[0-9a-fA-F:.]{2,45}$/.test(value) || !value.includes(':')) return false;
  try {
    return new URL(`http://[${value}]/`).hostname.length > 2;
  } catch {
    return false;
  }
}

export function port(value: string, field = 'AWS_INSTANCE_PORT'): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 65535) throw new InvalidInput(`${field} '${value}' is not a valid port.`);
  return n;
}

/** DnsConfig as Cloud Map checks it: record types it allows together, TTLs, routing policy. */
export function checkDnsConfig(config: SdDnsConfig, healthChecked: boolean): SdDnsConfig {
  const types = config.DnsRecords.map((r) => r.Type);
  if (types.length === 0) throw new InvalidInput('DnsRecords must contain at least one record.');
  if (new Set(types).size !== types.length) throw new InvalidInput('DnsRecords cannot contain two records of one type.');
  if (types.includes('CNAME') && types.length > 1) throw new InvalidInput('A CNAME record cannot be combined with other record types.');
  for (const r of config.DnsRecords)
    if (!Number.isInteger(r.TTL) || r.TTL < 0 || r.TTL > 2147483647) throw new InvalidInput(`TTL ${r.TTL} is out of range.`);
  const RoutingPolicy = config.RoutingPolicy ?? 'MULTIVALUE';
  if (types.includes('CNAME') && RoutingPolicy === 'MULTIVALUE') throw new InvalidInput('CNAME records require the WEIGHTED routing policy.');
  if (types.includes('CNAME') && healthChecked) throw new InvalidInput('A service with a CNAME record cannot have a health check.');
  return { ...config, RoutingPolicy };
}

/** What an instance's attributes require for its service's records: the addresses and port, validated. */
export function checkInstanceAttributes(service: SdServiceRecord, attributes: Record<string, string>): void {
  const types = service.DnsConfig?.DnsRecords.map((r) => r.Type) ?? [];
  const has = (k: string) => attributes[k] !== undefined;
  if (has('AWS_INSTANCE_IPV4')) ipv4(attributes.AWS_INSTANCE_IPV4!);
  if (has('AWS_INSTANCE_IPV6')) ipv6(attributes.AWS_INSTANCE_IPV6!);
  if (has('AWS_INSTANCE_PORT')) port(attributes.AWS_INSTANCE_PORT!);
  if (has('AWS_INSTANCE_CNAME')) dnsName(attributes.AWS_INSTANCE_CNAME!, 'AWS_INSTANCE_CNAME');
  if (types.includes('A') && !types.includes('AAAA') && !has('AWS_INSTANCE_IPV4')) throw new InvalidInput('AWS_INSTANCE_IPV4 is required for a service with an A record.');
  if (types.includes('AAAA') && !types.includes('A') && !has('AWS_INSTANCE_IPV6')) throw new InvalidInput('AWS_INSTANCE_IPV6 is required for a service with an AAAA record.');
  if (types.includes('A') && types.includes('AAAA') && !has('AWS_INSTANCE_IPV4') && !has('AWS_INSTANCE_IPV6'))
    throw new InvalidInput('AWS_INSTANCE_IPV4 or AWS_INSTANCE_IPV6 is required.');
  if (types.includes('SRV') && !has('AWS_INSTANCE_PORT')) throw new InvalidInput('AWS_INSTANCE_PORT is required for a service with an SRV record.');
  if (types.includes('CNAME') && !has('AWS_INSTANCE_CNAME')) throw new InvalidInput('AWS_INSTANCE_CNAME is required for a service with a CNAME record.');
}

/** One DNS answer record, as the DNS server encodes it. */
export type DnsAnswer =
  | { type: 'A'; name: string; ttl: number; data: string }
  | { type: 'AAAA'; name: string; ttl: number; data: string }
  | { type: 'CNAME'; name: string; ttl: number; data: string }
  | { type: 'SRV'; name: string; ttl: number; data: { priority: number; weight: number; port: number; target: string } };

/** The instances a query chooses among: the healthy ones, or every instance when none is (as Route 53 does). */
export function answerable(instances: readonly SdInstanceRecord[]): SdInstanceRecord[] {
  const healthy = instances.filter((i) => i.health !== 'UNHEALTHY');
  return healthy.length ? healthy : [...instances];
}

/**
 * What one query answers of a pool (the answerable instances, or what the DNS server made of them), under
 * the routing policy: MULTIVALUE up to 8 in random order, WEIGHTED one chosen at random (`random` in [0, 1)).
 */
export function routed<T>(policy: RoutingPolicy | undefined, pool: readonly T[], random: () => number): T[] {
  if (pool.length === 0) return [];
  if (policy === 'WEIGHTED') return [pool[Math.floor(random() * pool.length)]!];
  const shuffled = [...pool];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
  }
  return shuffled.slice(0, 8);
}

/**
 * The records answering `type` for the service's name `<service>.<namespace>`: A/AAAA from the instances'
 * addresses, SRV naming each instance as `<instance>.<service>.<namespace>` (with its A record beside it),
 * CNAME from AWS_INSTANCE_CNAME. `instanceName`: a query for one instance's own name.
 */
export function recordSet(name: string, type: DnsRecordType, service: SdServiceRecord, instances: readonly SdInstanceRecord[]): DnsAnswer[] {
  const ttl = (t: DnsRecordType) => service.DnsConfig?.DnsRecords.find((r) => r.Type === t)?.TTL;
  const answers: DnsAnswer[] = [];
  for (const instance of instances) {
    const a = instance.Attributes;
    if (type === 'A' && ttl('A') !== undefined && a.AWS_INSTANCE_IPV4) answers.push({ type: 'A', name, ttl: ttl('A')!, data: ipv4(a.AWS_INSTANCE_IPV4) });
    if (type === 'AAAA' && ttl('AAAA') !== undefined && a.AWS_INSTANCE_IPV6) answers.push({ type: 'AAAA', name, ttl: ttl('AAAA')!, data: ipv6(a.AWS_INSTANCE_IPV6) });
    if (type === 'CNAME' && ttl('CNAME') !== undefined && a.AWS_INSTANCE_CNAME)
      answers.push({ type: 'CNAME', name, ttl: ttl('CNAME')!, data: dnsName(a.AWS_INSTANCE_CNAME, 'AWS_INSTANCE_CNAME') });
    if (type === 'SRV' && ttl('SRV') !== undefined && a.AWS_INSTANCE_PORT) {
      const target = dnsName(`${instance.Id}.${name}`, 'SRV target');
      answers.push({ type: 'SRV', name, ttl: ttl('SRV')!, data: { priority: 1, weight: 1, port: port(a.AWS_INSTANCE_PORT), target } });
    }
  }
  return answers;
}

/** DiscoverInstances' filters: every QueryParameter must match, OptionalParameters narrow only if something still matches. */
export function discover(
  instances: readonly SdInstanceRecord[],
  query: { QueryParameters?: Record<string, string>; OptionalParameters?: Record<string, string>; HealthStatus?: 'HEALTHY' | 'UNHEALTHY' | 'ALL' | 'HEALTHY_OR_ELSE_ALL' },
): SdInstanceRecord[] {
  const matches = (i: SdInstanceRecord, params: Record<string, string>) => Object.entries(params).every(([k, v]) => i.Attributes[k] === v);
  let found = instances.filter((i) => matches(i, query.QueryParameters ?? {}));
  const optional = found.filter((i) => matches(i, query.OptionalParameters ?? {}));
  if (optional.length) found = optional;
  const status = query.HealthStatus ?? 'ALL';
  if (status === 'HEALTHY') return found.filter((i) => i.health === 'HEALTHY');
  if (status === 'UNHEALTHY') return found.filter((i) => i.health === 'UNHEALTHY');
  if (status === 'HEALTHY_OR_ELSE_ALL') {
    const healthy = found.filter((i) => i.health === 'HEALTHY');
    return healthy.length ? healthy : found;
  }
  return found;
}
