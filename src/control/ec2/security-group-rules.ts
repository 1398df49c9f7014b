// Security group rules as EC2 keeps them: permissions grouped by protocol and port range, each with its
// sources (CIDR ranges, other groups). Authorize adds sources (a rule already there is refused), revoke
// removes them (a rule not there is refused). What a task's interface lets in is resolved here too, for the
// agent that enforces it: each rule's source groups become the addresses of the interfaces in them.
import type { Ec2Tag, IpPermission, SecurityGroupRecord, SecurityGroupRuleRecord } from '../../core/ec2.js';
import type { SecurityGroupRule } from '../../core/agent-protocol.js';
import { InvalidParameterValue, MissingParameter } from '../../core/errors.js';
import { InvalidPermissionDuplicate, InvalidPermissionNotFound, InvalidSecurityGroupRuleIdNotFound } from '../../core/ec2-errors.js';
import { formatIpv4, parseCidr, subnetGateway } from '../../core/ipv4.js';
import type { State } from '../state.js';

/** One rule: a protocol, a port range (or ICMP type and code) and one source. */
export interface RuleEntry {
  protocol: string;
  fromPort?: number;
  toPort?: number;
  source: ({ cidr: string } | { cidrIpv6: string } | { prefixListId: string } | { groupId: string; userId?: string }) & { description?: string };
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
      ...(p.Ipv6Ranges ?? []).map((r) => {
        const cidrIpv6 = r.CidrIpv6 ?? '';
        if (!IPV6_CIDR.test(cidrIpv6)) throw new InvalidParameterValue(`CIDR block ${cidrIpv6} is malformed`);
        return { cidrIpv6, ...(r.Description !== undefined && { description: r.Description }) };
      }),
      ...(p.PrefixListIds ?? []).map((l) => ({ prefixListId: l.PrefixListId ?? '', ...(l.Description !== undefined && { description: l.Description }) })),
      ...(p.UserIdGroupPairs ?? []).map((g) => ({
        groupId: resolveGroup(g),
        userId: g.UserId ?? owner,
        ...(g.Description !== undefined && { description: g.Description }),
      })),
    ];
    if (sources.length === 0) {
      throw new InvalidParameterValue('The request must contain at least one of: CidrIp, IpRanges, Ipv6Ranges, PrefixListIds, UserIdGroupPairs.');
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

/** Rules are the same when protocol, ports and source are: descriptions and tags do not count. */
export const sameRule = (a: RuleEntry, b: RuleEntry) =>
  a.protocol === b.protocol &&
  (a.fromPort ?? -1) === (b.fromPort ?? -1) &&
  (a.toPort ?? -1) === (b.toPort ?? -1) &&
  peerOf(a.source) === peerOf(b.source);

/** What a source names: an IPv4 or IPv6 block, a prefix list or a group (their forms never collide). */
const peerOf = (s: RuleEntry['source']) => ('cidr' in s ? s.cidr : 'cidrIpv6' in s ? s.cidrIpv6 : 'prefixListId' in s ? s.prefixListId : s.groupId);

/** An IPv6 block as EC2 takes it (hex groups, `::` once, a prefix of 0 to 128); Wharf keeps such rules but enforces IPv4 only. */
const IPV6_CIDR = /^(?=.*:)[0-9a-fA-F:]{2,39}\/(12[0-8]|1[01]\d|\d?\d)$/;

/** Protocols whose permissions carry ports (or ICMP type and code); the others cover every port. */
const HAS_PORTS = new Set(['tcp', 'udp', 'icmp', '58']);

/** A stored rule as the entry it is. */
export function entryOf(rule: SecurityGroupRuleRecord): RuleEntry {
  const ports = HAS_PORTS.has(rule.IpProtocol) ? { fromPort: rule.FromPort, toPort: rule.ToPort } : {};
  const description = rule.Description !== undefined ? { description: rule.Description } : {};
  return {
    protocol: rule.IpProtocol,
    ...ports,
    source:
      rule.CidrIpv4 !== undefined
        ? { cidr: rule.CidrIpv4, ...description }
        : rule.CidrIpv6 !== undefined
          ? { cidrIpv6: rule.CidrIpv6, ...description }
          : rule.PrefixListId !== undefined
            ? { prefixListId: rule.PrefixListId, ...description }
            : { groupId: rule.ReferencedGroupInfo!.GroupId!, userId: rule.ReferencedGroupInfo!.UserId, ...description },
  };
}

/** A rule of `group` for an entry, with its id and tags. */
export function ruleOf(group: Pick<SecurityGroupRecord, 'GroupId' | 'OwnerId'>, entry: RuleEntry, isEgress: boolean, id: string, tags: Ec2Tag[] = [], arn?: string): SecurityGroupRuleRecord {
  const s = entry.source;
  return {
    SecurityGroupRuleId: id,
    GroupId: group.GroupId,
    GroupOwnerId: group.OwnerId,
    IsEgress: isEgress,
    IpProtocol: entry.protocol,
    FromPort: entry.fromPort ?? -1,
    ToPort: entry.toPort ?? -1,
    ...('cidr' in s
      ? { CidrIpv4: s.cidr }
      : 'cidrIpv6' in s
        ? { CidrIpv6: s.cidrIpv6 }
        : 'prefixListId' in s
          ? { PrefixListId: s.prefixListId }
          : { ReferencedGroupInfo: { GroupId: s.groupId, UserId: s.userId ?? group.OwnerId } }),
    ...(s.description !== undefined && { Description: s.description }),
    Tags: tags,
    ...(arn !== undefined && { SecurityGroupRuleArn: arn }),
  };
}

/** The entries EC2's grouped permissions hold, one per source. */
export function entriesOf(permissions: readonly IpPermission[]): RuleEntry[] {
  return permissions.flatMap((p) => {
    const base = { protocol: p.IpProtocol!, ...(p.FromPort !== undefined && { fromPort: p.FromPort }), ...(p.ToPort !== undefined && { toPort: p.ToPort }) };
    return [
      ...(p.IpRanges ?? []).map((r) => ({ ...base, source: { cidr: r.CidrIp!, ...(r.Description !== undefined && { description: r.Description }) } })),
      ...(p.Ipv6Ranges ?? []).map((r) => ({ ...base, source: { cidrIpv6: r.CidrIpv6!, ...(r.Description !== undefined && { description: r.Description }) } })),
      ...(p.PrefixListIds ?? []).map((l) => ({ ...base, source: { prefixListId: l.PrefixListId!, ...(l.Description !== undefined && { description: l.Description }) } })),
      ...(p.UserIdGroupPairs ?? []).map((g) => ({
        ...base,
        source: { groupId: g.GroupId!, ...(g.UserId !== undefined && { userId: g.UserId }), ...(g.Description !== undefined && { description: g.Description }) },
      })),
    ];
  });
}

/** Rules grouped into EC2's permissions, one per protocol and port range, in first-seen order. */
export function permissionsOf(rules: readonly SecurityGroupRuleRecord[]): IpPermission[] {
  const byKey = new Map<string, IpPermission>();
  for (const rule of rules) {
    const e = entryOf(rule);
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
    const described = s.description !== undefined ? { Description: s.description } : {};
    if ('cidr' in s) p.IpRanges!.push({ CidrIp: s.cidr, ...described });
    else if ('cidrIpv6' in s) p.Ipv6Ranges!.push({ CidrIpv6: s.cidrIpv6, ...described });
    else if ('prefixListId' in s) p.PrefixListIds!.push({ PrefixListId: s.prefixListId, ...described });
    else p.UserIdGroupPairs!.push({ GroupId: s.groupId, ...(s.userId !== undefined && { UserId: s.userId }), ...(s.description !== undefined && { Description: s.description }) });
  }
  return [...byKey.values()];
}

/** The group with these rules, its permissions derived from them. */
export function withRules(group: SecurityGroupRecord, rules: SecurityGroupRuleRecord[]): SecurityGroupRecord {
  return { ...group, rules, IpPermissions: permissionsOf(rules.filter((r) => !r.IsEgress)), IpPermissionsEgress: permissionsOf(rules.filter((r) => r.IsEgress)) };
}

/** How EC2 names a rule in its duplicate error: `peer: 0.0.0.0/0, TCP, from port: 80, to port: 80, ALLOW`. */
function describeRule(e: RuleEntry): string {
  const peer = peerOf(e.source);
  const protocol = e.protocol === '-1' ? 'ALL' : e.protocol.toUpperCase();
  const ports = e.fromPort !== undefined ? `, from port: ${e.fromPort}, to port: ${e.toPort}` : '';
  return `peer: ${peer}, ${protocol}${ports}, ALLOW`;
}

/** The rules with `added` authorized in one direction (a rule already there is refused); answers the new rules too. */
export function authorize(
  group: SecurityGroupRecord,
  added: readonly RuleEntry[],
  isEgress: boolean,
  newRule: (entry: RuleEntry) => SecurityGroupRuleRecord,
): { group: SecurityGroupRecord; rules: SecurityGroupRuleRecord[] } {
  const rules = [...group.rules];
  const created: SecurityGroupRuleRecord[] = [];
  for (const e of added) {
    if (rules.some((r) => r.IsEgress === isEgress && sameRule(entryOf(r), e))) {
      throw new InvalidPermissionDuplicate(`the specified rule "${describeRule(e)}" already exists`);
    }
    const rule = newRule(e);
    rules.push(rule);
    created.push(rule);
  }
  return { group: withRules(group, rules), rules: created };
}

/** The rules with `removed` revoked in one direction (each must be there); answers the revoked rules too. */
export function revoke(group: SecurityGroupRecord, removed: readonly RuleEntry[], isEgress: boolean): { group: SecurityGroupRecord; rules: SecurityGroupRuleRecord[] } {
  const gone = removed.map((e) => {
    const rule = group.rules.find((r) => r.IsEgress === isEgress && sameRule(entryOf(r), e));
    if (!rule) throw new InvalidPermissionNotFound('The specified rule does not exist in this security group.');
    return rule;
  });
  return { group: withRules(group, group.rules.filter((r) => !gone.includes(r))), rules: gone };
}

/** The group's rules of one direction named by id; an id the group does not have in that direction is refused. */
export function rulesById(group: SecurityGroupRecord, ids: readonly string[], isEgress: boolean): RuleEntry[] {
  return ids.map((id) => {
    const rule = group.rules.find((r) => r.SecurityGroupRuleId === id && r.IsEgress === isEgress);
    if (!rule) throw new InvalidSecurityGroupRuleIdNotFound(`The security group rule ID '${id}' does not exist`);
    return entryOf(rule);
  });
}

/**
 * What the groups let in and out, as the agent enforces it: one rule per permission, its peers the CIDR
 * ranges and the addresses of every interface now in a referenced group.
 */
export function firewallRules(state: Pick<State, 'get' | 'all'>, groupIds: readonly string[]): { ingress: SecurityGroupRule[]; egress: SecurityGroupRule[] } {
  let members: Map<string, string[]> | undefined;
  const membersOf = (groupId: string) => {
    if (!members) {
      members = new Map();
      const add = (groupId: string, address: string) => members!.set(groupId, [...(members!.get(groupId) ?? []), `${address}/32`]);
      for (const eni of state.all('networkInterface')) for (const g of eni.Groups) add(g.GroupId, eni.PrivateIpAddress);
      // A load balancer in a group is a member too. Its data plane (HAProxy on the host) reaches a task from
      // the gateway of the task's subnet, so each subnet gateway of the load balancer's VPC stands for it.
      for (const lb of state.all('loadBalancer')) {
        if (!lb.SecurityGroups?.length) continue;
        const gateways = [...state.all('subnet')].filter((s) => s.VpcId === lb.VpcId).map((s) => formatIpv4(subnetGateway(parseCidr(s.CidrBlock)!)));
        for (const groupId of lb.SecurityGroups) for (const gateway of gateways) add(groupId, gateway);
      }
    }
    return members.get(groupId) ?? [];
  };
  const rules = (direction: 'IpPermissions' | 'IpPermissionsEgress') =>
    groupIds.flatMap((id) =>
      (state.get('securityGroup', id)?.[direction] ?? []).map((p): SecurityGroupRule => {
        const protocol = p.IpProtocol === '-1' ? 'all' : p.IpProtocol!;
        return {
          protocol,
          ...(p.FromPort !== undefined && p.FromPort >= 0 && { fromPort: p.FromPort }),
          ...(p.ToPort !== undefined && p.ToPort >= 0 && { toPort: p.ToPort }),
          peers: [...(p.IpRanges ?? []).map((r) => r.CidrIp!), ...(p.UserIdGroupPairs ?? []).flatMap((g) => membersOf(g.GroupId!))],
        };
      }),
    );
  return { ingress: rules('IpPermissions'), egress: rules('IpPermissionsEgress') };
}
