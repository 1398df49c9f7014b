// IPv4 addresses and CIDR blocks as unsigned 32-bit numbers, and the address plan EC2 applies to a subnet:
// the first four addresses (network, VPC router, DNS, reserved) and the last (broadcast) are never given
// to an interface.

export interface Cidr {
  /** The network address, as an unsigned 32-bit number. */
  base: number;
  prefix: number;
}

const OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

export function parseIpv4(value: string): number | undefined {
  const parts = value.split('.');
  if (parts.length !== 4 || !parts.every((p) => OCTET.test(p))) return undefined;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

export function formatIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** A CIDR block whose address is its network address (`10.0.0.0/16`, not `10.0.0.1/16`); undefined otherwise. */
export function parseCidr(value: string): Cidr | undefined {
  const [address, bits, ...rest] = value.split('/');
  if (rest.length > 0 || bits === undefined || !/^\d{1,2}$/.test(bits)) return undefined;
  const base = parseIpv4(address!);
  const prefix = Number(bits);
  if (base === undefined || prefix > 32) return undefined;
  return base % cidrSize({ prefix }) === 0 ? { base, prefix } : undefined;
}

export const formatCidr = (c: Cidr) => `${formatIpv4(c.base)}/${c.prefix}`;

export const cidrSize = (c: Pick<Cidr, 'prefix'>) => 2 ** (32 - c.prefix);

export const cidrContains = (outer: Cidr, inner: Cidr) =>
  inner.prefix >= outer.prefix && inner.base >= outer.base && inner.base + cidrSize(inner) <= outer.base + cidrSize(outer);

export const cidrsOverlap = (a: Cidr, b: Cidr) => a.base < b.base + cidrSize(b) && b.base < a.base + cidrSize(a);

/** Whether an address lies in a block. */
export const addressIn = (address: number, c: Cidr) => address >= c.base && address < c.base + cidrSize(c);

/** Addresses EC2 reserves at the start of every subnet (network, VPC router, DNS, future use). */
export const RESERVED_AT_START = 4;

/** How many addresses of a subnet interfaces can have: all but the four first and the broadcast address. */
export const usableAddresses = (c: Cidr) => Math.max(0, cidrSize(c) - RESERVED_AT_START - 1);

/** The subnet's router (its second address): what containers in it use as their gateway. */
export const subnetGateway = (c: Cidr) => c.base + 1;

/**
 * The next free address of a subnet, searching round-robin from `startOffset` (an offset into the block)
 * among the usable addresses; undefined when every one is taken. Answers the address and where the next
 * search should start.
 */
export function nextFreeAddress(c: Cidr, taken: ReadonlySet<number>, startOffset = RESERVED_AT_START): { address: number; nextOffset: number } | undefined {
  const first = RESERVED_AT_START;
  const count = usableAddresses(c);
  if (count === 0) return undefined;
  const start = startOffset >= first && startOffset < first + count ? startOffset - first : 0;
  for (let i = 0; i < count; i++) {
    const offset = first + ((start + i) % count);
    const address = c.base + offset;
    if (!taken.has(address)) return { address, nextOffset: first + ((offset - first + 1) % count) };
  }
  return undefined;
}
