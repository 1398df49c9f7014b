// nfs-ganesha's configuration for EFS's exports: the one place values become ganesha's config syntax.
// NFSv4 over TCP only (NFSv3 would need rpcbind), no grace period after a restart (Wharf restarts ganesha to
// change exports; clients hold no locks worth reclaiming), and the VFS back end over the host's directories.
import { isIpv4, NfsEncodingError, type HostExport } from '../core/efs-exports.js';

export interface GaneshaConfig {
  port: number;
  /** Where ganesha keeps its NFSv4 client recovery records. */
  recoveryDir: string;
  exports: readonly HostExport[];
  /** The only hosts that may mount (IPv4 addresses); every other gets no access. */
  clients: readonly string[];
}

/** A quoted string: ganesha's lexer has no escapes, so quotes, backslashes and control characters are refused. */
function quoted(value: string, what: string): string {
  // eslint-disable-next-line no-control-regex
  if (/["\\\u0000-\u001f\u007f]/.test(value)) throw new NfsEncodingError(`${what} '${value}' cannot be written in ganesha's configuration`);
  return `"${value}"`;
}

function integer(value: number, min: number, max: number, what: string): string {
  if (!Number.isInteger(value) || value < min || value > max) throw new NfsEncodingError(`${what} ${value} is not between ${min} and ${max}`);
  return String(value);
}

function absolute(path: string, what: string): string {
  if (!path.startsWith('/') || path.split('/').some((s) => s === '.' || s === '..')) throw new NfsEncodingError(`${what} '${path}' is not an absolute path`);
  return quoted(path, what);
}

export function ganeshaConfig(config: GaneshaConfig): string {
  if (!config.clients.length) throw new NfsEncodingError('an export needs at least one client');
  for (const client of config.clients) if (!isIpv4(client)) throw new NfsEncodingError(`client '${client}' is not an IPv4 address`);
  const clients = `CLIENT { Clients = ${config.clients.join(', ')}; Access_Type = RW; }`;
  const ids = new Set<number>();
  const pseudo = new Set<string>();
  const exports = config.exports.map((e) => {
    const id = integer(e.exportId, 1, 65535, 'Export_Id');
    if (ids.has(e.exportId)) throw new NfsEncodingError(`Export_Id ${e.exportId} is used twice`);
    if (!/^(\/[A-Za-z0-9-]+)+$/.test(e.pseudoPath) || pseudo.has(e.pseudoPath)) throw new NfsEncodingError(`pseudo path '${e.pseudoPath}' is not a unique /name path`);
    ids.add(e.exportId);
    pseudo.add(e.pseudoPath);
    const squash = e.squash
      ? `Squash = All_Squash; Anonymous_Uid = ${integer(e.squash.uid, 0, 4294967295, 'Anonymous_Uid')}; Anonymous_Gid = ${integer(e.squash.gid, 0, 4294967295, 'Anonymous_Gid')};`
      : 'Squash = No_Root_Squash;';
    return [
      'EXPORT {',
      `  Export_Id = ${id}; Path = ${absolute(e.path, 'export path')}; Pseudo = ${quoted(e.pseudoPath, 'pseudo path')};`,
      `  Access_Type = None; ${squash}`,
      '  Protocols = 4; Transports = TCP; SecType = sys;',
      '  FSAL { Name = VFS; }',
      `  ${clients}`,
      '}',
    ].join('\n');
  });
  return [
    `NFS_CORE_PARAM { NFS_Port = ${integer(config.port, 1, 65535, 'NFS_Port')}; Protocols = 4; Enable_NLM = false; Enable_RQUOTA = false; Enable_UDP = false; }`,
    `NFSV4 { Graceless = true; RecoveryBackend = fs; RecoveryRoot = ${absolute(config.recoveryDir, 'recovery directory')}; }`,
    'NFS_KRB5 { Active_krb5 = false; }',
    ...exports,
    '',
  ].join('\n');
}
