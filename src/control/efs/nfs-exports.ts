// The NFS server's exports follow the EFS records of every region: a file system is exported once it has a
// mount target (so agents on other hosts can mount it), with one export per access point, until it has none;
// to the hosts of the container instances that mount over NFS alone (none: nothing is served).
import { HOST_ID_ATTRIBUTE, isIpv4, nfsExports, type HostExport, type NfsServer } from '../../core/efs-exports.js';
import type { ContainerInstanceRecord } from '../../core/ecs.js';
import type { FileSystemStorage } from '../../core/efs.js';
import type { Logger } from '../../core/ports.js';
import type { Change, State } from '../state.js';

const KINDS = new Set(['efsFileSystem', 'efsMountTarget', 'efsAccessPoint']);

/** Every region's exports with their host directories. */
export function hostExports(state: State, storage: FileSystemStorage): HostExport[] {
  const views = [...new Set([state.region, ...state.regions()])].map((region) => state.inRegion(region));
  const mounted = new Set(views.flatMap((view) => [...view.all('efsMountTarget')].map((m) => m.FileSystemId)));
  const exports = nfsExports(views.flatMap((view) => [...view.all('efsFileSystem')]), mounted, views.flatMap((view) => [...view.all('efsAccessPoint')]));
  return exports.map(({ fileSystemId, directory, ...served }) => ({ ...served, path: storage.hostPath(fileSystemId, directory) }));
}

/** The addresses of the active container instances, in every region, that registered another host than the server's. */
export function nfsClients(state: State, hostId: string | undefined): string[] {
  const addresses = new Set<string>();
  for (const region of new Set([state.region, ...state.regions()])) {
    for (const instance of state.inRegion(region).all('containerInstance')) {
      const address = clientAddress(instance, hostId);
      if (address) addresses.add(address);
    }
  }
  return [...addresses].sort();
}

/** The address an instance mounts from, if it is an NFS client: active, on another host than the server's. */
function clientAddress(instance: ContainerInstanceRecord | undefined, hostId: string | undefined): string | undefined {
  if (!instance || instance.status === 'INACTIVE') return undefined;
  const host = instance.attributes.find((a) => a.name === HOST_ID_ATTRIBUTE)?.value;
  const address = instance.privateIpv4Address;
  return host !== undefined && host !== hostId && address && isIpv4(address) ? address : undefined;
}

/** Keeps `server` serving the exports until `signal` aborts. */
export async function runNfsExports(state: State, storage: FileSystemStorage, hostId: string | undefined, server: NfsServer, log: Logger, signal: AbortSignal): Promise<void> {
  let served = '';
  const update = () => {
    const exports = hostExports(state, storage);
    const clients = nfsClients(state, hostId);
    const key = JSON.stringify([exports, clients]);
    if (key === served) return;
    served = key;
    server.apply(exports, clients).catch((err: unknown) => log.warn('NFS exports not applied', { error: String(err) }));
  };
  update();
  const unsubscribe = state.subscribe((changes) => {
    // Instances change with every task placed on them: only a change of the address they mount from counts.
    const counts = (c: Change) =>
      KINDS.has(c.kind) || (c.kind === 'containerInstance' && clientAddress(c.before as ContainerInstanceRecord | undefined, hostId) !== clientAddress(c.after as ContainerInstanceRecord | undefined, hostId));
    if (changes.some(counts)) update();
  }, { everyRegion: true });
  await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
  unsubscribe();
}
