// Security groups on the host, through iptables: one chain per scope (an agent), hooked first into Docker's
// DOCKER-USER chain (traffic between containers, bridged traffic included) and into OUTPUT (traffic from the
// host itself). For each task address the chain lets in what its rules allow and drops the rest; replies
// to connections a task made pass. The chain is rewritten whole and atomically (iptables-restore) on every
// change, so it never shows a half-applied state.
import { createHash } from 'node:crypto';
import type { FirewalledAddress, HostFirewall } from '../../core/runtime.js';
import { chain, icmpType, ipv4, ipv4Cidr, portRange, protocol } from './iptables-args.js';
import { Iptables } from './iptables.js';

/** A chain name of at most 28 characters, the same for a scope every time. */
export const chainName = (scope: string) => `WHARF-${createHash('sha256').update(scope).digest('hex').slice(0, 12).toUpperCase()}`;

/** iptables' match for one rule's protocol and ports. */
function match(rule: FirewalledAddress['ingress'][number]): string {
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
 * The chain's content, in iptables-restore's format (declaring the chain flushes it). Every value is
 * checked for its option (iptables-args.ts): a rule is one line, whatever a security group holds.
 */
export function ruleset(name: string, addresses: readonly FirewalledAddress[]): string {
  const target = chain(name);
  const lines = ['*filter', `:${target} - [0:0]`, `-A ${target} -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN`];
  for (const { address, ingress } of addresses) {
    const destination = ipv4(address);
    for (const rule of ingress) {
      for (const source of rule.sources) lines.push(`-A ${target} -d ${destination}/32 -s ${ipv4Cidr(source)} ${match(rule)} -j RETURN`.replace(/ +/g, ' '));
    }
    lines.push(`-A ${target} -d ${destination}/32 -j DROP`);
  }
  lines.push('COMMIT', '');
  return lines.join('\n');
}

export class IptablesFirewall implements HostFirewall {
  private queue: Promise<unknown> = Promise.resolve();
  /** Chains known to be hooked in (checked once: each check is a process to run). */
  private readonly hooked = new Set<string>();

  private readonly iptables: Iptables;

  constructor(command = 'iptables') {
    this.iptables = new Iptables(command);
  }

  /** Applies run one at a time: each replaces what the last one wrote. */
  apply(scope: string, addresses: FirewalledAddress[]): Promise<void> {
    const next = this.queue.then(() => this.write(chainName(scope), addresses));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async write(chain: string, addresses: FirewalledAddress[]): Promise<void> {
    if (addresses.length === 0) {
      this.hooked.delete(chain);
      for (const hook of await this.hooks()) while (await this.iptables.succeeds(['-D', hook, '-j', chain]));
      if (await this.iptables.succeeds(['-n', '-L', chain])) {
        await this.iptables.exec(['-F', chain]);
        await this.iptables.exec(['-X', chain]);
      }
      return;
    }
    await this.iptables.restore(ruleset(chain, addresses));
    if (this.hooked.has(chain)) return;
    for (const hook of await this.hooks()) {
      if (!(await this.iptables.succeeds(['-C', hook, '-j', chain]))) await this.iptables.exec(['-I', hook, '1', '-j', chain]);
    }
    this.hooked.add(chain);
  }

  /** Where the chain is hooked in: Docker's DOCKER-USER (or FORWARD without it), and OUTPUT for the host's own traffic. */
  private async hooks(): Promise<string[]> {
    return [(await this.iptables.succeeds(['-n', '-L', 'DOCKER-USER'])) ? 'DOCKER-USER' : 'FORWARD', 'OUTPUT'];
  }
}
