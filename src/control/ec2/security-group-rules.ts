// Security group rules as EC2 keeps them: permissions grouped by protocol and port range, each with its
// sources (CIDR ranges, other groups). Authorize adds sources (a rule already there is refused), revoke
// removes them (a rule not there is refused). What a task's interface lets in is resolved here too, for the
// agent that enforces it: each rule's source groups become the addresses of the interfaces in them.
import type { IpPermission, SecurityGroupRecord } from '../../core/ec2.js';
import type { IngressRule } from '../../core/agent-protocol.js';
import { InvalidParameterValue, MissingParameter } from '../../core/errors.js';
import { InvalidPermissionDuplicate, InvalidPermissionNotFound } from '../../core/ec2-errors.js';
import { parseCidr } from '../../core/ipv4.js';
import type { State } from '../state.js';

/** One rule: a protocol, a port range (or ICMP type and code) and one source. */
interface RuleEntry {
  protocol: string;
  fromPort?: number;
  toPort?: number;
  source: { cidr: string; description?: string } | { groupId: string; userId?: string; description?: string };
}

const PROTOCOL_NAMES: Record<string, string> = { '6': 'tcp', '17': 'udp', '1': 'icmp', all: '-1', '-1': '-1', tcp: 'tcp', udp: 'udp', icmp: 'icmp' };

/** EC2 names protocols by name when it knows them (`6` is `tcp`), `-1` for all. */
export function protocolName(protocol: string): string {
  const name = PROTOCOL_NAMES[protocol.toLowerCase()];
  if (name) return name;
  if (/^\d+$/.test(protocol) && Number(protocol) <= 255) return protocol;
  throw new InvalidParameterValue(`Invalid value '${protocol}' for IP protocol. Unknown protocol.`);
}

/**
 * The permissions a request names, in either of EC2's forms (IpPermissions, or the older top-level
 * IpProtocol/FromPort/ToPort/CidrIp), checked as EC2 checks them, one entry per source.
 */
export function requestedEntries(
  input: { IpPermissions?: IpPermission[]; IpProtocol?: string; FromPort?: number; ToPort?: number; CidrIp?: string },
  resolveGroup: (pair: { GroupId?: string; GroupName?: string }) => string,
  /** The account a source group without one is taken to be in. */
  owner: string,
): RuleEntry[] {
  const permissions: IpPermission[] = input.IpPermissions?.length
    ? input.IpPermissions
    : input.IpProtocol !== undefined || input.CidrIp !== undefined
      ? [{ IpProtocol: input.IpProtocol, FromPort: input.FromPort, ToPort: input.ToPort, IpRanges: input.CidrIp ? [{ CidrIp: input.CidrIp }] : [] }]
      : [];
  if (permissions.length === 0) throw new MissingParameter('The request must contain the parameter ipPermissions');
  return permissions.flatMap((p) => {
    if (p.IpProtocol === undefined) throw new MissingParameter('The request must contain the parameter ipProtocol');
    const protocol = protocolName(p.IpProtocol);
    const ports = portRange(protocol, p.FromPort, p.ToPort);
    const sources: RuleEntry['source'][] = [
      ...(p.IpRanges ?? []).map((r) => {
        const cidr = r.CidrIp ?? '';
        if (!parseCidr(cidr)) throw new InvalidParameterValue(`CIDR block ${cidr} is malformed`);
        return { cidr, ...(r.Description !== undefined && { description: r.Description }) };
      }),
      ...(p.UserIdGroupPairs ?? []).map((g) => ({
        groupId: resolveGroup(g),
        userId: g.UserId ?? owner,
        ...(g.Description !== undefined && { description: g.Description }),
      })),
    ];
    if (sources.length === 0) {
      throw new InvalidParameterValue('The request must contain at least one of: CidrIp, IpRanges, UserIdGroupPairs.');
    }
    return sources.map((source) => ({ protocol, ...ports, source }));
  });
}

/** TCP and UDP rules name a port range (0-65535); ICMP a type and code (-1 for any); other protocols none. */
function portRange(protocol: string, from: number | undefined, to: number | undefined): { fromPort?: number; toPort?: number } {
  if (protocol === 'tcp' || protocol === 'udp') {
    if (from === undefined || to === undefined) throw new InvalidParameterValue(`Invalid value for portRange. Must specify both from and to ports with TCP/UDP.`);
    if (from < 0 || to > 65535 || from > to) throw new InvalidParameterValue(`Invalid value for portRange. Must be in the range 0-65535 with from <= to.`);
    return { fromPort: from, toPort: to };
  }
  if (protocol === 'icmp') return { fromPort: from ?? -1, toPort: to ?? -1 };
  return {};
}

const sameSource = (a: RuleEntry['source'], b: RuleEntry['source']) =>
  'cidr' in a ? 'cidr' in b && a.cidr === b.cidr : 'groupId' in b && a.groupId === b.groupId;
const sameRule = (a: RuleEntry, b: RuleEntry) =>
  a.protocol === b.protocol && a.fromPort === b.fromPort && a.toPort === b.toPort && sameSource(a.source, b.source);

function entriesOf(permissions: readonly IpPermission[]): RuleEntry[] {
  return permissions.flatMap((p) => {
    const base = { protocol: p.IpProtocol!, ...(p.FromPort !== undefined && { fromPort: p.FromPort }), ...(p.ToPort !== undefined && { toPort: p.ToPort }) };
    return [
      ...(p.IpRanges ?? []).map((r) => ({ ...base, source: { cidr: r.CidrIp!, ...(r.Description !== undefined && { description: r.Description }) } })),
      ...(p.UserIdGroupPairs ?? []).map((g) => ({
        ...base,
        source: { groupId: g.GroupId!, ...(g.UserId !== undefined && { userId: g.UserId }), ...(g.Description !== undefined && { description: g.Description }) },
      })),
    ];
  });
}

/** Entries grouped back into EC2's permissions, one per protocol and port range, in first-seen order. */
function permissionsOf(entries: readonly RuleEntry[]): IpPermission[] {
  const byKey = new Map<string, IpPermission>();
  for (const e of entries) {
    const key = `${e.protocol}:${e.fromPort}:${e.toPort}`;
    let p = byKey.get(key);
    if (!p) {
      p = {
        IpProtocol: e.protocol,
        ...(e.fromPort !== undefined && { FromPort: e.fromPort }),
        ...(e.toPort !== undefined && { ToPort: e.toPort }),
        IpRanges: [],
        Ipv6Ranges: [],
        PrefixListIds: [],
        UserIdGroupPairs: [],
      };
      byKey.set(key, p);
    }
    const s = e.source;
    if ('cidr' in s) p.IpRanges!.push({ CidrIp: s.cidr, ...(s.description !== undefined && { Description: s.description }) });
    else p.UserIdGroupPairs!.push({ GroupId: s.groupId, ...(s.userId !== undefined && { UserId: s.userId }), ...(s.description !== undefined && { Description: s.description }) });
  }
  return [...byKey.values()];
}

/** How EC2 names a rule in its duplicate error: `peer: 0.0.0.0/0, TCP, from port: 80, to port: 80, ALLOW`. */
function describeRule(e: RuleEntry): string {
  const peer = 'cidr' in e.source ? e.source.cidr : e.source.groupId;
  const protocol = e.protocol === '-1' ? 'ALL' : e.protocol.toUpperCase();
  const ports = e.fromPort !== undefined ? `, from port: ${e.fromPort}, to port: ${e.toPort}` : '';
  return `peer: ${peer}, ${protocol}${ports}, ALLOW`;
}

/** The group's permissions with `added` authorized. */
export function authorize(permissions: readonly IpPermission[], added: readonly RuleEntry[]): IpPermission[] {
  const entries = entriesOf(permissions);
  for (const e of added) {
    if (entries.some((x) => sameRule(x, e))) throw new InvalidPermissionDuplicate(`the specified rule "${describeRule(e)}" already exists`);
    entries.push(e);
  }
  return permissionsOf(entries);
}

/** The group's permissions with `removed` revoked. */
export function revoke(permissions: readonly IpPermission[], removed: readonly RuleEntry[]): IpPermission[] {
  let entries = entriesOf(permissions);
  for (const e of removed) {
    if (!entries.some((x) => sameRule(x, e))) throw new InvalidPermissionNotFound('The specified rule does not exist in this security group.');
    entries = entries.filter((x) => !sameRule(x, e));
  }
  return permissionsOf(entries);
}

/** The rules as AuthorizeSecurityGroupIngress answers them (SecurityGroupRules), one per entry. */
export function ruleDescriptions(group: SecurityGroupRecord, entries: readonly RuleEntry[], ruleId: () => string, isEgress: boolean) {
  return entries.map((e) => ({
    SecurityGroupRuleId: ruleId(),
    GroupId: group.GroupId,
    GroupOwnerId: group.OwnerId,
    IsEgress: isEgress,
    IpProtocol: e.protocol,
    FromPort: e.fromPort ?? -1,
    ToPort: e.toPort ?? -1,
    ...('cidr' in e.source ? { CidrIpv4: e.source.cidr } : { ReferencedGroupInfo: { GroupId: e.source.groupId, UserId: e.source.userId ?? group.OwnerId } }),
    ...(e.source.description !== undefined && { Description: e.source.description }),
    Tags: [],
  }));
}

/**
 * What the groups let in, as the agent enforces it: one rule per permission, its sources the CIDR ranges
 * and the addresses of every interface now in a source group.
 */
export function ingressRules(state: Pick<State, 'get' | 'all'>, groupIds: readonly string[]): IngressRule[] {
  let members: Map<string, string[]> | undefined;
  const membersOf = (groupId: string) => {
    if (!members) {
      members = new Map();
      for (const eni of state.all('networkInterface')) {
        for (const g of eni.Groups) members.set(g.GroupId, [...(members.get(g.GroupId) ?? []), `${eni.PrivateIpAddress}/32`]);
      }
    }
    return members.get(groupId) ?? [];
  };
  return groupIds.flatMap((id) =>
    (state.get('securityGroup', id)?.IpPermissions ?? []).map((p): IngressRule => {
      const protocol = p.IpProtocol === '-1' ? 'all' : p.IpProtocol!;
      return {
        protocol,
        ...(p.FromPort !== undefined && p.FromPort >= 0 && { fromPort: p.FromPort }),
        ...(p.ToPort !== undefined && p.ToPort >= 0 && { toPort: p.ToPort }),
        sources: [...(p.IpRanges ?? []).map((r) => r.CidrIp!), ...(p.UserIdGroupPairs ?? []).flatMap((g) => membersOf(g.GroupId!))],
      };
    }),
  );
}
