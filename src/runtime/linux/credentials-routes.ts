// The credentials endpoint (169.254.170.2:80) routed to an agent's credentials server, as ECS's agent
// routes it, with iptables' nat table: one chain per scope (an agent), hooked into PREROUTING (traffic from
// containers) and OUTPUT (the host's own, for host-network tasks). A task address's traffic is sent to the
// host's address on that task's network, where the server listens, so no route_localnet is needed; the
// host's own goes to its loopback. Per source address, so that several agents on one host each get their
// own tasks' requests. Rewritten whole and atomically (iptables-restore) on every change.
import { createHash } from 'node:crypto';
import { parseIpv4 } from '../../core/ipv4.js';
import { CREDENTIALS_ENDPOINT, type CredentialsRoute, type CredentialsRouting } from '../../core/runtime.js';
import { Iptables } from './iptables.js';
const HOOKS = ['PREROUTING', 'OUTPUT'];

/** A nat chain name of at most 28 characters, the same for a scope every time. */
export const natChainName = (scope: string) => `WHARF-CRED-${createHash('sha256').update(scope).digest('hex').slice(0, 12).toUpperCase()}`;

/** The one way a value reaches iptables here: a dotted IPv4 address or a port, checked, or an error. */
export function address(value: string): string {
  if (parseIpv4(value) === undefined || !/^\d{1,3}(\.\d{1,3}){3}$/.test(value)) throw new Error(`not an IPv4 address: ${JSON.stringify(value)}`);
  return value;
}

export function port(value: number): string {
  if (!Number.isInteger(value) || value < 1 || value > 65535) throw new Error(`not a port: ${value}`);
  return String(value);
}

/** The chain's content, in iptables-restore's format (declaring the chain flushes it). */
export function natRuleset(chain: string, routes: { port: number; tasks: readonly CredentialsRoute[]; hostTasks: boolean }): string {
  const to = `-d ${CREDENTIALS_ENDPOINT.address}/32 -p tcp --dport ${CREDENTIALS_ENDPOINT.port}`;
  const lines = ['*nat', `:${chain} - [0:0]`];
  for (const route of routes.tasks) {
    lines.push(`-A ${chain} -s ${address(route.source)}/32 ${to} -j DNAT --to-destination ${address(route.gateway)}:${port(routes.port)}`);
  }
  if (routes.hostTasks) lines.push(`-A ${chain} -m addrtype --src-type LOCAL ${to} -j DNAT --to-destination 127.0.0.1:${port(routes.port)}`);
  lines.push('COMMIT', '');
  return lines.join('\n');
}

export class IptablesCredentialsRoutes implements CredentialsRouting {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly hooked = new Set<string>();

  private readonly iptables: Iptables;

  constructor(command = 'iptables') {
    this.iptables = new Iptables(command);
  }

  /** Applies run one at a time: each replaces what the last one wrote. */
  apply(scope: string, routes: { port: number; tasks: CredentialsRoute[]; hostTasks: boolean }): Promise<void> {
    const next = this.queue.then(() => this.write(natChainName(scope), routes));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async write(chain: string, routes: { port: number; tasks: CredentialsRoute[]; hostTasks: boolean }): Promise<void> {
    if (routes.tasks.length === 0 && !routes.hostTasks) {
      this.hooked.delete(chain);
      for (const hook of HOOKS) while (await this.iptables.succeeds(['-t', 'nat', '-D', hook, '-j', chain]));
      if (await this.iptables.succeeds(['-t', 'nat', '-n', '-L', chain])) {
        await this.iptables.exec(['-t', 'nat', '-F', chain]);
        await this.iptables.exec(['-t', 'nat', '-X', chain]);
      }
      return;
    }
    await this.iptables.restore(natRuleset(chain, routes));
    if (this.hooked.has(chain)) return;
    // First in each hook: Docker's own DNAT rules (published ports) must not see these packets first.
    for (const hook of HOOKS) {
      if (!(await this.iptables.succeeds(['-t', 'nat', '-C', hook, '-j', chain]))) await this.iptables.exec(['-t', 'nat', '-I', hook, '1', '-j', chain]);
    }
    this.hooked.add(chain);
  }
}
