// Security groups on the host, through iptables: one chain per scope (an agent), hooked first into Docker's
// DOCKER-USER chain (traffic between containers, bridged traffic included) and into OUTPUT (traffic from the
// host itself). Replies to connections made either way pass (security groups are stateful); anything new
// passes the sender's egress chain, then the receiver's ingress chain: each task address lets out and in
// what its rules allow and drops the rest. The chains are rewritten whole and atomically (iptables-restore)
// on every change, so they never show a half-applied state; the first write hooks them in within the same
// transaction, and removal is one transaction too (a task's start waits on one process, not a dozen).
// Traffic to the host itself (INPUT: the credentials endpoint, DNS) is not a task's egress to filter, as AWS
// keeps those off the interface.
// What a task's security groups let in is let in from any network, as on AWS: Docker isolates its bridge
// networks from each other (DOCKER-ISOLATION-STAGE-1 drops a bridge task's traffic to an awsvpc task's
// subnet bridge), so traffic the ingress rules allow, and the rest of connections to and from task addresses, carry a mark
// (CROSS_NETWORK) that one rule in DOCKER-USER accepts, after every scope's chain has had its say (they are
// inserted ahead of it) and before Docker's isolation (which inserts its rules at the head of its own chains
// as networks come, so no rule of ours could stay ahead of them there).
import { createHash } from 'node:crypto';
import type { FirewalledAddress, FirewallRule, HostFirewall } from '../../core/runtime.js';
import { chain, icmpType, ipv4, ipv4Cidr, portRange, protocol } from './iptables-args.js';
import { Iptables } from './iptables.js';

/** The packet mark (value/mask) of traffic a task's security groups let in, whatever network it comes from. */
export const CROSS_NETWORK = '0x2000000/0x2000000';

/** A chain name of at most 28 characters, the same for a scope every time. */
export const chainName = (scope: string) => `WHARF-${createHash('sha256').update(scope).digest('hex').slice(0, 12).toUpperCase()}`;

/** iptables' match for one rule's protocol and ports. */
function match(rule: FirewallRule): string {
  const { fromPort, toPort } = rule;
  if (rule.protocol === 'all' || rule.protocol === '-1') return '';
  const p = protocol(rule.protocol);
  if (p === 'tcp' || p === 'udp') return fromPort === undefined ? `-p ${p}` : `-p ${p} --dport ${portRange(fromPort, toPort ?? fromPort)}`;
  if (p === 'icmp') {
    // EC2's -1 is any type (or any code of the type).
    if (fromPort === undefined || fromPort < 0) return '-p icmp';
    return `-p icmp --icmp-type ${icmpType(fromPort, toPort === undefined || toPort < 0 ? undefined : toPort)}`;
  }
  return `-p ${p}`;
}

/**
 * The chains' content, in iptables-restore's format (declaring a chain flushes it): `name` sends new traffic
 * through `name-O` (senders' egress) and `name-I` (receivers' ingress); then `hooks` (hookRules). Every value
 * is checked for its option (iptables-args.ts): a rule is one line, whatever a security group holds.
 */
export function ruleset(name: string, addresses: readonly FirewalledAddress[], hooks: readonly string[] = []): string {
  const [main, egress, ingress] = [chain(name), chain(`${name}-O`), chain(`${name}-I`)];
  const lines = ['*filter', `:${main} - [0:0]`, `:${egress} - [0:0]`, `:${ingress} - [0:0]`];
  // A connection let in goes on across networks, both ways.
  for (const a of addresses) {
    for (const side of ['-s', '-d']) lines.push(`-A ${main} ${side} ${ipv4(a.address)}/32 -m conntrack --ctstate RELATED,ESTABLISHED -j MARK --set-xmark ${CROSS_NETWORK}`);
  }
  lines.push(`-A ${main} -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN`, `-A ${main} -j ${egress}`, `-A ${main} -j ${ingress}`);
  for (const a of addresses) {
    const address = ipv4(a.address);
    for (const rule of a.egress) for (const peer of rule.peers) lines.push(line(egress, `-s ${address}/32 -d ${ipv4Cidr(peer)}`, rule, 'RETURN'));
    lines.push(`-A ${egress} -s ${address}/32 -j DROP`);
    // Allowed in: marked (so no network's isolation drops it), then let on; the rest dropped.
    for (const rule of a.ingress) for (const peer of rule.peers) lines.push(line(ingress, `-d ${address}/32 -s ${ipv4Cidr(peer)}`, rule, `MARK --set-xmark ${CROSS_NETWORK}`));
    lines.push(`-A ${ingress} -d ${address}/32 -m mark --mark ${CROSS_NETWORK} -j RETURN`, `-A ${ingress} -d ${address}/32 -j DROP`);
  }
  lines.push(...hooks, 'COMMIT', '');
  return lines.join('\n');
}

const line = (target: string, addresses: string, rule: FirewallRule, verdict: string) => `-A ${target} ${addresses} ${match(rule)} -j ${verdict}`.replace(/ +/g, ' ');

/** The rule accepting marked traffic, as `iptables -S` prints it. */
const ACCEPT_MARKED = `-m mark --mark ${CROSS_NETWORK} -j ACCEPT`;

/**
 * What hooks chain `name` in, given the filter table as `iptables -S` lists it: a jump first in Docker's
 * DOCKER-USER (or FORWARD without it) and in OUTPUT (the host's own traffic), unless there already; and the
 * rule accepting marked traffic, last in DOCKER-USER but for Docker's closing RETURN (shared by every scope
 * on the host, and harmless without them: it stays).
 */
export function hookRules(name: string, listing: readonly string[]): string[] {
  const main = chain(name);
  const dockerUser = listing.includes('-N DOCKER-USER');
  const lines = [dockerUser ? 'DOCKER-USER' : 'FORWARD', 'OUTPUT'].filter((hook) => !listing.includes(`-A ${hook} -j ${main}`)).map((hook) => `-I ${hook} 1 -j ${main}`);
  if (dockerUser && !listing.includes(`-A DOCKER-USER ${ACCEPT_MARKED}`)) {
    const rules = listing.filter((l) => l.startsWith('-A DOCKER-USER '));
    const before = rules.length + (lines[0]?.startsWith('-I DOCKER-USER ') ? 1 : 0);
    lines.push(rules.at(-1) === '-A DOCKER-USER -j RETURN' ? `-I DOCKER-USER ${before} ${ACCEPT_MARKED}` : `-A DOCKER-USER ${ACCEPT_MARKED}`);
  }
  return lines;
}

/**
 * What takes chain `name` and its two out, given the listing: every jump to it goes, then the chains are
 * flushed (declared) and deleted; undefined when none is there.
 */
export function removal(name: string, listing: readonly string[]): string | undefined {
  const main = chain(name);
  const chains = [main, chain(`${name}-O`), chain(`${name}-I`)].filter((c) => listing.includes(`-N ${c}`));
  if (!chains.length) return undefined;
  const jumps = listing.filter((l) => l.startsWith('-A ') && l.endsWith(` -j ${main}`) && l.split(' ').length === 4);
  return ['*filter', ...chains.map((c) => `:${c} - [0:0]`), ...jumps.map((l) => `-D ${l.slice(3)}`), ...chains.map((c) => `-X ${c}`), 'COMMIT', ''].join('\n');
}

export class IptablesFirewall implements HostFirewall {
  private queue: Promise<unknown> = Promise.resolve();
  /** Chains hooked in by this process (each check is a listing to read). */
  private readonly hooked = new Set<string>();

  private readonly iptables: Iptables;

  constructor(command = 'iptables') {
    this.iptables = new Iptables(command);
  }

  apply(scope: string, addresses: FirewalledAddress[]): Promise<void> {
    return this.next(async () => {
      const chain = chainName(scope);
      const hooks = this.hooked.has(chain) ? [] : hookRules(chain, await this.iptables.listing());
      await this.iptables.restore(ruleset(chain, addresses, hooks));
      this.hooked.add(chain);
    });
  }

  remove(scope: string): Promise<void> {
    return this.next(async () => {
      const chain = chainName(scope);
      this.hooked.delete(chain);
      const text = removal(chain, await this.iptables.listing());
      if (text) await this.iptables.restore(text);
    });
  }

  /** Changes run one at a time, each on what the last one left. */
  private next(work: () => Promise<void>): Promise<void> {
    const next = this.queue.then(work);
    this.queue = next.catch(() => undefined);
    return next;
  }
}
