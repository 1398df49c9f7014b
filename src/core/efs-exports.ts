// EFS across hosts: the NFSv4 exports the server's NFS server offers, and how an agent on another host
// mounts one (a Docker `local` volume of type nfs4). One export per file system that has a mount target (EFS
// is reached only through mount targets), and one per access point of it, rooted at the access point's root
// directory and squashing every request to its POSIX user, as EFS rewrites the identity of each NFS request
// made through an access point.
import type { AccessPointRecord, FileSystemRecord } from './efs.js';
import { pathSegments } from './efs-paths.js';

export class NfsEncodingError extends Error {}

/** The attribute an agent registers with its host's id: the control plane compares it with the server's. */
export const HOST_ID_ATTRIBUTE = 'wharf.host-id';

/** One export, before it names a host path (the NFS server's adapter joins the directory to its storage). */
export interface NfsExport {
  /** Unique among the exports, 1-65535 (0 is NFSv4's pseudo root). */
  exportId: number;
  fileSystemId: string;
  /** The exported directory inside the file system, in efs-paths' normal form. */
  directory: string;
  /** Where clients find it in the server's NFSv4 namespace: `/<fs-id>` or `/<fsap-id>`. */
  pseudoPath: string;
  /** Every request's identity is replaced by this one (an access point's POSIX user); none: root stays root. */
  squash?: { uid: number; gid: number };
}

/** An export as the NFS server serves it: the directory joined to the file system's on the host. */
export interface HostExport extends Omit<NfsExport, 'fileSystemId' | 'directory'> {
  /** The absolute host directory exported. */
  path: string;
}

/** The NFS server the control plane keeps serving the exports (nfs-ganesha, run by Wharf). */
export interface NfsServer {
  /** Where agents on other hosts reach it. */
  readonly endpoint: NfsEndpoint;
  /**
   * Serves exactly these exports from now on, to these clients alone (IPv4 addresses: the hosts of the
   * container instances that mount over NFS, as a mount target admits only its security groups' sources);
   * resolves once they are served. No client: nothing is served.
   */
  apply(exports: readonly HostExport[], clients: readonly string[]): Promise<void>;
}

/** Where agents on other hosts reach the server's NFS server. */
export interface NfsEndpoint {
  /** An IPv4 address of the server's host that other hosts reach. */
  address: string;
  port: number;
}

/** An EFS volume as an agent on another host mounts it: the export, and the path below its pseudo path. */
export interface NfsMount extends NfsEndpoint {
  /** `/<fs-id>/<rootDirectory>` or `/<fsap-id>`. */
  path: string;
  readOnly?: boolean;
}

/**
 * The exports of the file systems that have a mount target. Export ids come from the file system's or
 * access point's id, so an export keeps its id while others come and go (NFS file handles carry it).
 */
export function nfsExports(fileSystems: readonly FileSystemRecord[], mounted: ReadonlySet<string>, accessPoints: readonly AccessPointRecord[]): NfsExport[] {
  const wanted: Omit<NfsExport, 'exportId'>[] = [];
  for (const fs of [...fileSystems].sort((a, b) => (a.FileSystemId < b.FileSystemId ? -1 : 1))) {
    if (!mounted.has(fs.FileSystemId)) continue;
    wanted.push({ fileSystemId: fs.FileSystemId, directory: '/', pseudoPath: `/${fs.FileSystemId}` });
    for (const ap of accessPoints.filter((a) => a.FileSystemId === fs.FileSystemId).sort((a, b) => (a.AccessPointId < b.AccessPointId ? -1 : 1))) {
      wanted.push({
        fileSystemId: fs.FileSystemId,
        directory: ap.RootDirectory.Path,
        pseudoPath: `/${ap.AccessPointId}`,
        ...(ap.PosixUser && { squash: { uid: ap.PosixUser.Uid, gid: ap.PosixUser.Gid } }),
      });
    }
  }
  const used = new Set<number>();
  return wanted.map((e) => {
    let id = stableExportId(e.pseudoPath);
    while (used.has(id)) id = (id % 65535) + 1;
    used.add(id);
    return { exportId: id, ...e };
  });
}

/** 1-65535 from a name (FNV-1a): the same name gets the same id on every start. */
function stableExportId(name: string): number {
  let hash = 0x811c9dc5;
  for (const ch of name) hash = Math.imul(hash ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return (hash % 65535) + 1;
}

/** The NFS path of a volume: its access point's export, or the file system's with `rootDirectory` below it. */
export function nfsVolumePath(fileSystemId: string, accessPointId: string | undefined, rootDirectory: string | undefined): string {
  if (accessPointId !== undefined) return `/${accessPointId}`;
  return '/' + [fileSystemId, ...pathSegments(rootDirectory ?? '/')].join('/');
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export const isIpv4 = (address: string) => IPV4.test(address);

/** Checks an endpoint before it reaches a config file or a mount's options. */
export function checkNfsEndpoint({ address, port }: NfsEndpoint): void {
  if (!isIpv4(address)) throw new NfsEncodingError(`NFS server address '${address}' is not an IPv4 address`);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new NfsEncodingError(`NFS port ${port} is not between 1 and 65535`);
}

/**
 * The Docker `local` driver's options that mount `mount` (the kernel's nfs4 client, as the ECS agent's
 * volume plugin mounts EFS): `type`, `o` (comma-separated mount options) and `device` (`:<path>`).
 */
export function nfsVolumeOptions(mount: NfsMount): Record<string, string> {
  checkNfsEndpoint(mount);
  // The device is the path alone; the mount options are comma-separated, so no segment may hold a comma or a colon.
  const segments = pathSegments(mount.path);
  if (!segments.length || segments.some((s) => /[,:=\s]/.test(s))) throw new NfsEncodingError(`NFS path '${mount.path}' cannot be mounted`);
  // EFS's mount helper's options: NFSv4.1, hard mounts, 1 MiB transfers, and a retransmission timeout of 60 s.
  const options = [`addr=${mount.address}`, `port=${mount.port}`, 'nfsvers=4.1', 'rsize=1048576', 'wsize=1048576', 'hard', 'timeo=600', 'retrans=2', 'noresvport', ...(mount.readOnly ? ['ro'] : [])];
  return { type: 'nfs4', o: options.join(','), device: `:/${segments.join('/')}` };
}
