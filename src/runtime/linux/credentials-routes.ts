// The credentials endpoint (169.254.170.2:80) routed to an agent's credentials server, as ECS's agent
// routes it, with iptables. Per scope (an agent), two chains. Its tasks' routes, in the nat table, first in
// PREROUTING (traffic from containers) and OUTPUT (the host's own, for host-network tasks): a task address's
// traffic is sent to the host's address on that task's network, where the server listens, so no
// route_localnet is needed; the host's own goes to its loopback. Per source address, so that several agents
// on one host each get their own tasks' requests. And the bridge's, in the filter table, first in FORWARD:
// a bridge container may ask the moment it starts, before its agent has learnt its address and routed it;
// that connection is reset at once instead of leaving the host, and the SDKs' retry (botocore's container
// provider tries 3 times, a second apart) is routed. Rewritten whole and atomically (iptables-restore) on
// every change.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { parseIpv4 } from '../../core/ipv4.js';
import { CREDENTIALS_ENDPOINT, type CredentialsRoutes, type CredentialsRouting } from '../../core/runtime.js';
import { Iptables } from './iptables.js';

const run = promisify(execFile);

/** A scope's nat chains, each name at most 28 characters, the same for a scope every time. */
export function natChains(scope: string): { tasks: string; bridge: string } {
  const tasks = `WHARF-CRED-${createHash('sha256').update(scope).digest('hex').slice(0, 12).toUpperCase()}`;
  return { tasks, bridge: `${tasks}-BR` };
}

/** The one way a value reaches iptables here: a dotted IPv4 address, a port or an interface name, checked, or an error. */
export function address(value: string): string {
  if (parseIpv4(value) === undefined || !/^\d{1,3}(\.\d{1,3}){3}$/.test(value)) throw new Error(`not an IPv4 address: ${JSON.stringify(value)}`);
  return value;
}

export function port(value: number): string {
  if (!Number.isInteger(value) || value < 1 || value > 65535) throw new Error(`not a port: ${value}`);
  return String(value);
}

export function interfaceName(value: string): string {
  if (!/^[a-zA-Z0-9_.][a-zA-Z0-9_.-]{0,14}$/.test(value)) throw new Error(`not an interface name: ${JSON.stringify(value)}`);
  return value;
}

/** The chains' content, in iptables-restore's format (declaring a chain flushes it); the bridge by its interface, when found. */
export function ruleset(chains: { tasks: string; bridge: string }, routes: CredentialsRoutes, bridgeInterface?: string): string {
  const to = `-d ${CREDENTIALS_ENDPOINT.address}/32 -p tcp --dport ${CREDENTIALS_ENDPOINT.port}`;
  const { tasks, bridge } = chains;
  const lines = ['*nat', `:${tasks} - [0:0]`];
  for (const route of routes.tasks) {
    lines.push(`-A ${tasks} -s ${address(route.source)}/32 ${to} -j DNAT --to-destination ${address(route.gateway)}:${port(routes.port)}`);
  }
  if (routes.hostTasks) lines.push(`-A ${tasks} -m addrtype --src-type LOCAL ${to} -j DNAT --to-destination 127.0.0.1:${port(routes.port)}`);
  lines.push('COMMIT', '*filter', `:${bridge} - [0:0]`);
  if (routes.bridge && bridgeInterface) lines.push(`-A ${bridge} -i ${interfaceName(bridgeInterface)} ${to} -j REJECT --reject-with tcp-reset`);
  lines.push('COMMIT', '');
  return lines.join('\n');
}

/**
 * The interface that has the address (the bridge's, by its gateway), as iproute2 lists it: Node's own list
 * leaves out interfaces that are not running, as the engine's bridge is while no container uses it.
 */
async function interfaceWith(address: string): Promise<string | undefined> {
  const { stdout } = await run('ip', ['-4', '-o', 'addr', 'show']);
  const lines = stdout.split('\n').map((line) => /^\d+:\s+([^\s@]+)\S*\s+inet\s+([\d.]+)\//.exec(line));
  return lines.find((m) => m?.[2] === address)?.[1];
}

/** Where each chain is hooked: first in each hook, before Docker's own rules. */
const hooks = (chains: { tasks: string; bridge: string }) => [
  { table: 'nat', hook: 'PREROUTING', chain: chains.tasks },
  { table: 'nat', hook: 'OUTPUT', chain: chains.tasks },
  { table: 'filter', hook: 'FORWARD', chain: chains.bridge },
];

export class IptablesCredentialsRoutes implements CredentialsRouting {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly hooked = new Set<string>();

  private readonly iptables: Iptables;

  constructor(command = 'iptables') {
    this.iptables = new Iptables(command);
  }

  /** Applies run one at a time: each replaces what the last one wrote. */
  apply(scope: string, routes: CredentialsRoutes): Promise<void> {
    const next = this.queue.then(() => this.write(natChains(scope), routes));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async write(chains: { tasks: string; bridge: string }, routes: CredentialsRoutes): Promise<void> {
    if (routes.tasks.length === 0 && !routes.hostTasks && !routes.bridge) {
      this.hooked.delete(chains.tasks);
      for (const { table, hook, chain } of hooks(chains)) while (await this.iptables.succeeds(['-t', table, '-D', hook, '-j', chain]));
      for (const [table, chain] of [['nat', chains.tasks], ['filter', chains.bridge]] as const) {
        if (!(await this.iptables.succeeds(['-t', table, '-n', '-L', chain]))) continue;
        await this.iptables.exec(['-t', table, '-F', chain]);
        await this.iptables.exec(['-t', table, '-X', chain]);
      }
      return;
    }
    await this.iptables.restore(ruleset(chains, routes, routes.bridge && (await interfaceWith(routes.bridge.gateway))));
    if (this.hooked.has(chains.tasks)) return;
    for (const { table, hook, chain } of hooks(chains)) {
      if (!(await this.iptables.succeeds(['-t', table, '-C', hook, '-j', chain]))) await this.iptables.exec(['-t', table, '-I', hook, '1', '-j', chain]);
    }
    this.hooked.add(chains.tasks);
  }
}
