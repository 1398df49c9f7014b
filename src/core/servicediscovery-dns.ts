// How Wharf's DNS server answers a question from Cloud Map's records: names under a DNS namespace are
// Wharf's to answer (`<service>.<namespace>` with the service's records under its routing policy, an SRV
// target `<instance>.<service>.<namespace>` with its address, NXDOMAIN for other names there); any other
// name is not (undefined: the server forwards it to the host's resolver). A resolution holds every record
// that may answer, per instance, and the routing policy that chooses among them per query (`routed`), so
// that the server can encode it once and reuse it until the directory's revision changes.
import { answerable, dnsName, recordSet, type DnsAnswer, type DnsRecordType, type RoutingPolicy, type SdInstanceRecord, type SdNamespaceRecord, type SdServiceRecord } from './servicediscovery.js';

/** What the resolution reads: the DNS namespaces by name, a namespace's services, a service's instances. */
export interface Directory {
  namespace(name: string): SdNamespaceRecord | undefined;
  service(namespaceId: string, name: string): SdServiceRecord | undefined;
  instances(serviceId: string): SdInstanceRecord[];
  /** Changes whenever anything the three above read changes: a resolution stays true until then. */
  revision(): number;
}

/** One instance's part of an answer. */
export interface InstanceRecords {
  answers: DnsAnswer[];
  /** The A/AAAA records of SRV targets, so a client need not ask again. */
  additionals: DnsAnswer[];
}

export interface Resolution {
  rcode: 'NOERROR' | 'NXDOMAIN';
  /** How each query chooses among `instances` (`routed`): at most one of them when the name is not a service's. */
  routing: RoutingPolicy;
  instances: InstanceRecords[];
}

const SUPPORTED = new Set<string>(['A', 'AAAA', 'SRV', 'CNAME']);

export function resolve(question: { name: string; type: string }, directory: Directory): Resolution | undefined {
  let name: string;
  try {
    name = dnsName(question.name, 'query name');
  } catch {
    return undefined;
  }
  const labels = name.split('.');
  // The longest namespace the name falls under.
  let namespace: SdNamespaceRecord | undefined;
  let depth = 0;
  for (let i = 0; i < labels.length && !namespace; i++) {
    namespace = directory.namespace(labels.slice(i).join('.'));
    depth = i;
  }
  if (!namespace) return undefined;
  const empty: Resolution = { rcode: 'NOERROR', routing: 'MULTIVALUE', instances: [] };
  if (depth === 0) return empty;
  const type = question.type as DnsRecordType;
  const rest = labels.slice(0, depth);
  const service = directory.service(namespace.Id, rest.join('.'));
  if (service) {
    if (!SUPPORTED.has(type)) return empty;
    // A service with a CNAME record answers it to every address query, as Route 53 does.
    const answerType: DnsRecordType = (type === 'A' || type === 'AAAA') && service.DnsConfig?.DnsRecords.some((r) => r.Type === 'CNAME') ? 'CNAME' : type;
    const instances = answerable(directory.instances(service.Id)).map((i) => ({
      answers: recordSet(name, answerType, service, [i]),
      additionals: type === 'SRV' ? targetRecords(`${i.Id}.${name}`.toLowerCase(), 'A', service, i) : [],
    }));
    return { rcode: 'NOERROR', routing: service.DnsConfig?.RoutingPolicy ?? 'MULTIVALUE', instances };
  }
  // An SRV target: `<instance>.<service>.<namespace>`.
  const owner = rest.length > 1 ? directory.service(namespace.Id, rest.slice(1).join('.')) : undefined;
  const instance = owner && directory.instances(owner.Id).find((i) => i.Id.toLowerCase() === rest[0]);
  if (owner && instance) return { ...empty, instances: [{ answers: type === 'A' || type === 'AAAA' ? targetRecords(name, type, owner, instance) : [], additionals: [] }] };
  return { ...empty, rcode: 'NXDOMAIN' };
}

/**
 * The address of an SRV target: Cloud Map makes an A (AAAA) record for it from the instance's
 * AWS_INSTANCE_IPV4 (IPV6), with the service's A record's TTL or, without one, the SRV record's.
 */
function targetRecords(name: string, type: 'A' | 'AAAA', service: SdServiceRecord, instance: SdInstanceRecord): DnsAnswer[] {
  const records = service.DnsConfig?.DnsRecords ?? [];
  const srv = records.find((r) => r.Type === 'SRV');
  if (!srv || records.some((r) => r.Type === type)) return recordSet(name, type, service, [instance]);
  const withAddress = { ...service, DnsConfig: { ...service.DnsConfig!, DnsRecords: [...records, { Type: type, TTL: srv.TTL }] } };
  return recordSet(name, type, withAddress, [instance]);
}
