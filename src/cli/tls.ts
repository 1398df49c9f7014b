// The control plane's certificate for `wharf up --tls-cert/--tls-key`, or `--tls` alone: a self-signed pair
// made once into the data dir (0600, like every secret there) and kept, so agents and CLIs configured to
// trust it keep trusting it across restarts. The pair is made by the openssl command, as Node has no X.509
// writer; its names are the ones callers may reach the gateway by: localhost, the loopback addresses, the
// host's name and addresses, and the --host given.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { PRIVATE_DIR, securePrivateDir } from './data-dir.js';

export interface TlsFiles {
  certFile: string;
  keyFile: string;
}

/** The key pair the gateway serves with; `cert` is also the bundle clients trust for a self-signed pair. */
export interface ServerTls extends TlsFiles {
  cert: string;
  key: string;
}

// A self-signed leaf lives as long as an operator's own would; clients (Apple's, browsers) refuse longer ones.
const SELF_SIGNED_DAYS = 825;

/** Reads the given pair, or (`generate`) the data dir's self-signed one, made at first use. */
export function serverTls(dataDir: string, options: { files?: Partial<TlsFiles>; generate?: boolean; host: string }): ServerTls | undefined {
  const { files, generate, host } = options;
  if (files?.certFile || files?.keyFile) {
    if (!files.certFile || !files.keyFile) throw new Error('--tls-cert and --tls-key go together');
    return read({ certFile: files.certFile, keyFile: files.keyFile });
  }
  if (!generate) return undefined;
  const dir = join(dataDir, 'tls');
  const pair = { certFile: join(dir, 'cert.pem'), keyFile: join(dir, 'key.pem') };
  if (!existsSync(pair.certFile) || !existsSync(pair.keyFile)) {
    mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR });
    selfSign(pair, subjectAltNames(host));
    securePrivateDir(dir);
  }
  return read(pair);
}

function read(files: TlsFiles): ServerTls {
  return { ...files, cert: readFileSync(files.certFile, 'utf8'), key: readFileSync(files.keyFile, 'utf8') };
}

/** The names a client may use for this host, as X.509 subjectAltName entries. */
export function subjectAltNames(host: string): string[] {
  const names = new Set(['DNS:localhost', 'IP:127.0.0.1', 'IP:::1', `DNS:${hostname()}`]);
  const add = (name: string) => names.add(isIP(name) ? `IP:${name}` : `DNS:${name}`);
  if (host === '0.0.0.0' || host === '::') {
    // Listening everywhere: every address of this host is one agents may dial.
    for (const address of Object.values(networkInterfaces()).flat()) if (address) add(address.address.replace(/%.*$/, ''));
  } else add(host);
  return [...names];
}

function selfSign({ certFile, keyFile }: TlsFiles, altNames: string[]): void {
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-days', String(SELF_SIGNED_DAYS), '-subj', '/CN=wharf', '-keyout', keyFile, '-out', certFile,
    '-addext', `subjectAltName=${altNames.join(',')}`,
    // A CA and a server at once, so it can be the one entry of a client's trust bundle.
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,digitalSignature,keyCertSign',
    '-addext', 'extendedKeyUsage=serverAuth',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
}
