// Runs Wharf's DNS server for as long as the server runs, on each address of WHARF_DNS_LISTEN
// (`address:port`, comma-separated; e.g. the Docker bridge gateway `172.17.0.1:53`, where bridge and host
// tasks reach it), forwarding other names to the resolvers of /etc/resolv.conf. An address that cannot be
// bound is logged and skipped: the API serves without it.
import { readFileSync } from 'node:fs';
import type { Logger } from '../core/ports.js';
import type { Directory } from '../core/servicediscovery-dns.js';
import { nameservers } from './resolv-conf.js';
import { startDnsServer, type DnsServer } from './server.js';

/** `address:port` pairs (IPv6 in brackets), validated. */
export function listenAddresses(spec: string): { address: string; port: number }[] {
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

export async function runDnsServer(directory: Directory, log: Logger, signal: AbortSignal, spec = process.env.WHARF_DNS_LISTEN ?? ''): Promise<void> {
  const addresses = listenAddresses(spec);
  if (addresses.length === 0 || signal.aborted) return;
  let resolvConf = '';
  try {
    resolvConf = readFileSync('/etc/resolv.conf', 'utf8');
  } catch {
    log.warn('dns: no /etc/resolv.conf, other names answer SERVFAIL');
  }
  const upstream = nameservers(resolvConf).map((address) => ({ address, port: 53 }));
  const servers: DnsServer[] = [];
  for (const { address, port } of addresses) {
    try {
      servers.push(await startDnsServer({ address, port, directory, upstream, log }));
      log.info('dns server listening', { address, port });
    } catch (error) {
      log.warn('dns server cannot listen', { address, port, error: String(error) });
    }
  }
  await new Promise((done) => signal.addEventListener('abort', done, { once: true }));
  await Promise.all(servers.map((s) => s.close()));
}
