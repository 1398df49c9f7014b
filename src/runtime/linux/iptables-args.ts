// Values on their way into iptables rules: each is checked to be exactly the kind of value its option
// takes, so none can end a rule or start another in iptables-restore's line format (a newline, a space
// and `-A CHAIN ...` in a security group's source would otherwise add a rule of the caller's choosing).
// What EC2 and ECS accept was checked by the API; what is refused here never reaches the host's firewall.

export class IptablesArgumentError extends Error {}

const OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** An IPv4 address (`-d`, `-s`). */
export function ipv4(value: string): string {
  const parts = value.split('.');
  if (parts.length !== 4 || !parts.every((p) => OCTET.test(p))) throw new IptablesArgumentError(`'${shown(value)}' is not an IPv4 address`);
  return value;
}

/** An IPv4 CIDR block (`-s 10.0.0.0/8`); the address need not be the network's, as iptables masks it. */
export function ipv4Cidr(value: string): string {
  const [address, bits, ...rest] = value.split('/');
  if (rest.length > 0 || bits === undefined || !/^(3[0-2]|[12]?\d)$/.test(bits)) throw new IptablesArgumentError(`'${shown(value)}' is not an IPv4 CIDR block`);
  ipv4(address!);
  return value;
}

/** A protocol (`-p`): a name of lowercase letters and digits, or an IP protocol number. */
export function protocol(value: string): string {
  if (/^\d+$/.test(value) ? Number(value) > 255 : !/^[a-z][a-z0-9]{0,15}$/.test(value)) throw new IptablesArgumentError(`'${shown(value)}' is not a protocol`);
  return value;
}

/** A port (`--dport 80`, `--to-ports 15000`). */
export function port(value: number): string {
  if (!Number.isInteger(value) || value < 1 || value > 65535) throw new IptablesArgumentError(`'${value}' is not a port`);
  return String(value);
}

/** A port range (`--dport 80:80`). */
export function portRange(from: number, to: number): string {
  for (const port of [from, to]) if (!Number.isInteger(port) || port < 0 || port > 65535) throw new IptablesArgumentError(`'${port}' is not a port`);
  return `${from}:${to}`;
}

/** An ICMP type, or type/code (`--icmp-type 8`, `--icmp-type 3/4`). */
export function icmpType(type: number, code?: number): string {
  for (const n of code === undefined ? [type] : [type, code]) if (!Number.isInteger(n) || n < 0 || n > 255) throw new IptablesArgumentError(`'${n}' is not an ICMP type or code`);
  return code === undefined ? String(type) : `${type}/${code}`;
}

/** A chain name: what iptables allows (at most 28 characters, no spaces), and no option look-alike. */
export function chain(value: string): string {
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,27}$/.test(value)) throw new IptablesArgumentError(`'${shown(value)}' is not a chain name`);
  return value;
}

const shown = (value: string) => JSON.stringify(value.slice(0, 64)).slice(1, -1);
