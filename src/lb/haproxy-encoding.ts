// Values on their way into HAProxy, encoded for the syntax that reads them, so that no value can end a
// word, a line or a command early. Two readers:
// - the configuration file: each value is one double-quoted word. HAProxy's line parser takes `\\`, `\"`,
//   `\$` (else `$NAME` would expand an environment variable) and `\xNN` inside double quotes, so any
//   character but NUL survives, a newline included (it can no longer start a new line or section);
// - the runtime API (the stats socket): commands are split at `;` and newlines, words at spaces, with
//   backslash escapes of its own. Nothing Wharf sends there needs more than names, numbers and addresses,
//   so a runtime word is one of those or refused.
// The values are checked by the API first (as ELBv2 checks them); what is refused here is a bug, or a value
// that reached the data plane some other way, and never becomes configuration.
import { parseIpv4 } from '../core/ipv4.js';

/** A value HAProxy's syntax cannot carry: refused rather than sent. */
export class HaproxyEncodingError extends Error {}

/** One word of the configuration file, read back by HAProxy as exactly `value`. */
export function configWord(value: string): string {
  // An empty word ends a keyword's arguments for most HAProxy keywords; NUL ends a C string.
  if (value === '') throw new HaproxyEncodingError('an empty word cannot be written in the HAProxy configuration');
  if (value.includes('\0')) throw new HaproxyEncodingError('a NUL character cannot be written in the HAProxy configuration');
  const escaped = value.replace(/[\\"$]/g, '\\$&').replace(/[\x01-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return `"${escaped}"`;
}

/** Literal text inside a log-format string (a redirect location): `%` would start a sample expression. */
export const logFormatText = (value: string): string => value.replace(/%/g, '%%');

/**
 * An argument of a sample fetch (`req.hdr(<name>)`), for an HTTP header name: an RFC 7230 token. Of its
 * characters only `'` means something to HAProxy's argument parser (a quote), so it is escaped.
 */
export function headerNameArg(name: string): string {
  if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,40}$/.test(name)) throw new HaproxyEncodingError(`'${printable(name)}' is not an HTTP header name`);
  return name.replace(/'/g, "\\'");
}

/** A name Wharf makes up (frontends, backends, servers, ACLs): letters, digits, `_`, `-`, `.`, `:`. */
export function configName(value: string): string {
  if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(value)) throw new HaproxyEncodingError(`'${printable(value)}' is not a valid HAProxy name`);
  return value;
}

/** A server address for a `server` line or `set server addr`: an IPv4 address, nothing else. */
export function serverAddress(address: string): string {
  if (parseIpv4(address) === undefined) throw new HaproxyEncodingError(`'${printable(address)}' is not an IPv4 address`);
  return address;
}

/** An IPv4 CIDR block (an `src` match); the address need not be the network's, as HAProxy masks it. */
export function sourceBlock(value: string): string {
  const [address, bits, ...rest] = value.split('/');
  if (rest.length > 0 || bits === undefined || !/^(3[0-2]|[12]?\d)$/.test(bits) || parseIpv4(address!) === undefined) {
    throw new HaproxyEncodingError(`'${printable(value)}' is not an IPv4 CIDR block`);
  }
  return value;
}

/** A TCP port (1 to 65535). */
export function port(value: number): string {
  if (!Number.isInteger(value) || value < 1 || value > 65535) throw new HaproxyEncodingError(`'${value}' is not a TCP port`);
  return String(value);
}

/** One runtime API command from its words; a word that the runtime API would interpret is refused. */
export function runtimeCommand(...words: string[]): string {
  for (const word of words) {
    if (!/^[A-Za-z0-9_.:/@-]{1,128}$/.test(word)) throw new HaproxyEncodingError(`'${printable(word)}' cannot be sent to the HAProxy runtime API`);
  }
  return words.join(' ');
}

/** A value for an error message: control characters shown as escapes, at most 64 characters. */
const printable = (value: string) => JSON.stringify(value.slice(0, 64)).slice(1, -1);

/**
 * An OpenSSL cipher or TLS 1.3 suite list (`ciphers`, `ciphersuites`): names joined by `:`, one word.
 * `securityLevel`: OpenSSL's level for this list (0 lets TLS 1.0 and 1.1 be served, which level 1 and up refuse).
 */
export function cipherList(names: readonly string[], securityLevel?: number): string {
  for (const name of names) if (!/^[A-Za-z0-9_-]{1,64}$/.test(name)) throw new HaproxyEncodingError(`'${printable(name)}' is not a cipher name`);
  return configWord([...names, ...(securityLevel === undefined ? [] : [`@SECLEVEL=${securityLevel}`])].join(':'));
}

/** An HTTP header name as one word of the configuration (an RFC 7230 token). */
export function headerName(name: string): string {
  headerNameArg(name);
  return configWord(name);
}
