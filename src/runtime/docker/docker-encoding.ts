// Values on their way into Docker's colon- and comma-separated strings (Binds, VolumesFrom, Links,
// ExtraHosts, Tmpfs options), the container's resolv.conf lines (Dns, DnsSearch) and its `KEY=value` environment: each is checked so that it stays one field.
// Everything else goes to the Engine API as JSON, which needs no encoding. A refusal is the engine
// refusing the spec (InvalidSpec): the task stops with the reason, and nothing reaches Docker.
import { isIP } from 'node:net';
import { RuntimeError } from '../../core/runtime.js';

const refuse = (why: string) => new RuntimeError('InvalidSpec', why);
const shown = (value: string) => JSON.stringify(value.slice(0, 64)).slice(1, -1);

/** A container, volume or network name as Docker accepts it. */
export function dockerName(value: string): string {
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,254}$/.test(value)) throw refuse(`'${shown(value)}' is not a valid Docker name`);
  return value;
}

/** One `KEY=value` environment entry: the key ends at the first `=`, and NUL ends it all. */
export function environmentEntry(key: string, value: string): string {
  if (key === '' || key.includes('=') || key.includes('\0')) throw refuse(`'${shown(key)}' is not a valid environment variable name`);
  if (value.includes('\0')) throw refuse(`the value of environment variable '${shown(key)}' contains a NUL character`);
  return `${key}=${value}`;
}

/** A path of a bind (`source:target[:ro]`): absolute, no `:` or `,` (field separators), no `..` segment, no NUL. */
function bindPath(value: string): string {
  if (!value.startsWith('/') || /[:,\0]/.test(value) || value.split('/').includes('..')) throw refuse(`'${shown(value)}' is not a path Docker can bind`);
  return value;
}

/** A bind or volume mount as Docker's Binds entry; a volume's source is its name. */
export function bindEntry(mount: { kind: 'bind' | 'volume'; source: string; containerPath: string; readOnly?: boolean }): string {
  const source = mount.kind === 'bind' ? bindPath(mount.source) : dockerName(mount.source);
  return `${source}:${bindPath(mount.containerPath)}${mount.readOnly ? ':ro' : ''}`;
}

/** `container:alias` for Links, `container:ro|rw` for VolumesFrom. */
export const linkEntry = (container: string, alias: string) => `${dockerName(container)}:${dockerName(alias)}`;
export const volumesFromEntry = (container: string, readOnly: boolean | undefined) => `${dockerName(container)}:${readOnly ? 'ro' : 'rw'}`;

/** `hostname:address` for ExtraHosts (a line of the container's /etc/hosts). */
export function extraHostEntry(hostname: string, address: string): string {
  if (!/^[A-Za-z0-9]([A-Za-z0-9.-]{0,252})$/.test(hostname)) throw refuse(`'${shown(hostname)}' is not a host name`);
  if (!/^[0-9a-fA-F.:]{2,45}$/.test(address)) throw refuse(`'${shown(address)}' is not an IP address`);
  return `${hostname}:${address}`;
}

/** A tmpfs mount's options, comma-separated: each option one word (`ro`, `mode=1777`). */
export function tmpfsOptions(sizeMiB: number, options: readonly string[]): string {
  if (!Number.isInteger(sizeMiB) || sizeMiB < 1) throw refuse(`'${sizeMiB}' is not a tmpfs size`);
  const bad = options.find((o) => !/^[a-z0-9_+.-]+(=[A-Za-z0-9_+.-]+)?$/.test(o));
  if (bad !== undefined) throw refuse(`'${shown(bad)}' is not a tmpfs mount option`);
  return [`size=${sizeMiB}m`, ...options].join(',');
}

/** A resolver's address for Dns (a `nameserver` line of the container's resolv.conf): an IP address. */
export function dnsServerEntry(address: string): string {
  if (isIP(address) === 0) throw refuse(`'${shown(address)}' is not a DNS server address`);
  return address;
}

/** A search domain for DnsSearch (a word of resolv.conf's `search` line): a domain name. */
export function dnsSearchEntry(domain: string): string {
  if (!/^(?=.{1,253}$)[A-Za-z0-9_]([A-Za-z0-9_-]{0,62})(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,62}))*\.?$/.test(domain)) throw refuse(`'${shown(domain)}' is not a DNS search domain`);
  return domain;
}
