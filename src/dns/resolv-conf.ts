// The host's resolvers, from /etc/resolv.conf: where Wharf's DNS server forwards the names it does not own.
import { isIP } from 'node:net';

/** The `nameserver` addresses of a resolv.conf, in order. */
export function nameservers(text: string): string[] {
  return text
    .split('\n')
    .map((line) => /^\s*nameserver\s+(\S+)/.exec(line)?.[1])
    .filter((address): address is string => address !== undefined && isIP(address) !== 0);
}
