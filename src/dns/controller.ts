// Wharf's DNS servers, for as long as the server runs: on each address of WHARF_DNS_LISTEN (`address:port`,
// comma-separated; `off` or empty: none) or, by default, on the Docker bridge gateway's port 53, forwarding
// other names to the resolvers of /etc/resolv.conf. The bridge gateway is the one address every task network
// reaches without Wharf routing anything: bridge tasks are on its network, host tasks run on the host that
// holds it, awsvpc tasks route to it through their subnet's gateway (the host); and it is not reachable from
// outside the host. An address that cannot be bound (another Wharf holds it) is logged and skipped: the API
// serves without it, and tasks keep Docker's resolver.
import { readFileSync } from 'node:fs';
import type { Logger } from '../core/ports.js';
import type { Directory } from '../core/servicediscovery-dns.js';
import { nameservers } from './resolv-conf.js';
import { startDnsServer, type DnsServer } from './server.js';

/** Docker's `dns` option names a server by address only: it is asked on this port. */
export const DNS_PORT = 53;

/** `address:port` pairs (IPv6 in brackets), validated; `off` or nothing: none. */
export function listenAddresses(spec: string): { address: string; port: number }[] {
  if (spec.trim() === 'off') return [];
  return spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const match = /^(?:\[([0-9a-fA-F:.]+)\]|(\d{1,3}(?:\.\d{1,3}){3})):(\d{1,5})$/.exec(entry);
      const port = Number(match?.[3]);
      if (!match || port > 65535) throw new Error(`WHARF_DNS_LISTEN: '${entry}' is not address:port`);
      return { address: match[1] ?? match[2]!, port };
    });
}

/** Where the servers listen: WHARF_DNS_LISTEN when set, else the bridge gateway's port 53 (when the engine has one). */
export const listenSpec = (configured: string | undefined, bridgeGateway: string | undefined): string =>
  configured ?? (bridgeGateway ? `${bridgeGateway}:${DNS_PORT}` : '');

export interface DnsServers {
  /** The servers tasks can name as their resolver (Docker's `dns`): those bound on port 53 of a given address. */
  resolvers: string[];
  close(): Promise<void>;
}

export async function startDnsServers(directory: Directory, log: Logger, spec: string): Promise<DnsServers> {
  const addresses = listenAddresses(spec);
  const servers: DnsServer[] = [];
  if (addresses.length > 0) {
    let resolvConf = '';
    try {
      resolvConf = readFileSync('/etc/resolv.conf', 'utf8');
    } catch {
      log.warn('dns: no /etc/resolv.conf, other names answer SERVFAIL');
    }
    const upstream = nameservers(resolvConf).map((address) => ({ address, port: 53 }));
    for (const { address, port } of addresses) {
      try {
        servers.push(await startDnsServer({ address, port, directory, upstream, log }));
        log.info('dns server listening', { address, port });
      } catch (error) {
        log.warn('dns server cannot listen', { address, port, error: String(error) });
      }
    }
  }
  return {
    resolvers: servers.filter((s) => s.port === DNS_PORT && s.address !== '0.0.0.0' && s.address !== '::').map((s) => s.address),
    close: async () => void (await Promise.all(servers.map((s) => s.close()))),
  };
}
