// The Service Connect proxy's image. ECS injects Envoy; Wharf runs Debian's HAProxy, which it already drives
// for load balancers (src/lb/). No registry is needed: the root file system is the host's haproxy executable
// and the shared libraries it links (as the dynamic loader resolves them, `ldd`), imported into the engine.
// The tag is a digest of those files, so an upgraded HAProxy makes a new image.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { pack } from 'tar-stream';
import { SERVICE_CONNECT_PROXY_DIR } from '../../core/runtime.js';

const run = promisify(execFile);

export const PROXY_EXECUTABLE = '/usr/sbin/haproxy';

/** The proxy's command: master-worker mode in the foreground, its master CLI (reloads) and configuration in the mounted directory. */
export const PROXY_COMMAND = [PROXY_EXECUTABLE, '-W', '-db', '-S', `${SERVICE_CONNECT_PROXY_DIR}/master.sock`, '-f', `${SERVICE_CONNECT_PROXY_DIR}/haproxy.cfg`];

/** The paths of the libraries an executable links, read from `ldd`'s `name => /path (address)` and `/path (address)` lines. */
export function linkedLibraries(lddOutput: string): string[] {
  return [...lddOutput.matchAll(/(?:=>\s*)?(\/\S+)\s+\(0x[0-9a-f]+\)/g)].map((m) => m[1]!);
}

export interface ProxyImage {
  name: string;
  files: { path: string; content: Buffer }[];
}

/** The image's name and files, from the executable on this host. */
export async function proxyImage(executable = PROXY_EXECUTABLE): Promise<ProxyImage> {
  const { stdout } = await run('ldd', [executable]);
  const paths = [executable, ...new Set(linkedLibraries(stdout))];
  const files = await Promise.all(paths.map(async (path) => ({ path: path === executable ? PROXY_EXECUTABLE : path, content: await readFile(path) })));
  const digest = createHash('sha256');
  for (const f of files) digest.update(f.path).update(f.content);
  return { name: `wharf/service-connect-proxy:${digest.digest('hex').slice(0, 12)}`, files };
}

/** The root file system as a tar stream: the files, and the empty directory the proxy's own is mounted on. */
export function proxyRootfs(image: ProxyImage): NodeJS.ReadableStream {
  const tar = pack();
  tar.entry({ name: SERVICE_CONNECT_PROXY_DIR.slice(1), type: 'directory', mode: 0o755 });
  tar.entry({ name: 'tmp', type: 'directory', mode: 0o1777 });
  for (const f of image.files) tar.entry({ name: f.path.slice(1), mode: 0o755 }, f.content);
  tar.finalize();
  return tar;
}
