// The NFS server's exports follow the EFS records of every region: a file system is exported once it has a
// mount target (so agents on other hosts can mount it), with one export per access point, until it has none.
import { nfsExports, type HostExport, type NfsServer } from '../../core/efs-exports.js';
import type { FileSystemStorage } from '../../core/efs.js';
import type { Logger } from '../../core/ports.js';
import type { State } from '../state.js';

const EFS_KINDS = new Set(['efsFileSystem', 'efsMountTarget', 'efsAccessPoint']);

/** Every region's exports with their host directories. */
export function hostExports(state: State, storage: FileSystemStorage): HostExport[] {
  const views = [...new Set([state.region, ...state.regions()])].map((region) => state.inRegion(region));
  const mounted = new Set(views.flatMap((view) => [...view.all('efsMountTarget')].map((m) => m.FileSystemId)));
  const exports = nfsExports(views.flatMap((view) => [...view.all('efsFileSystem')]), mounted, views.flatMap((view) => [...view.all('efsAccessPoint')]));
  return exports.map(({ fileSystemId, directory, ...served }) => ({ ...served, path: storage.hostPath(fileSystemId, directory) }));
}

/** Keeps `server` serving the exports until `signal` aborts. */
export async function runNfsExports(state: State, storage: FileSystemStorage, server: NfsServer, log: Logger, signal: AbortSignal): Promise<void> {
  let served = '';
  const update = () => {
    const exports = hostExports(state, storage);
    const key = JSON.stringify(exports);
    if (key === served) return;
    served = key;
    server.apply(exports).catch((err: unknown) => log.warn('NFS exports not applied', { error: String(err) }));
  };
  update();
  const unsubscribe = state.subscribe((changes) => {
    if (changes.some((c) => EFS_KINDS.has(c.kind))) update();
  }, { everyRegion: true });
  await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
  unsubscribe();
}
