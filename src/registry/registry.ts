// Wharf's image registry as `wharf up` runs it: blobs under <data-dir>/registry, the OCI distribution API on
// its own port, and what ECR's control plane is given of it (RegistryPorts).
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RegistryBackend, RegistryPorts } from '../core/ecr-registry.js';
import type { Logger } from '../core/ports.js';
import { FsBlobStore } from './fs-blob-store.js';
import { imageFiles } from './image-files.js';
import { RegistryServer } from './registry-server.js';

export interface RegistryHandle {
  ports: RegistryPorts;
  /** Serves the registry with `backend` on `host:port` (0: any free port); answers its address. */
  listen(backend: RegistryBackend, port: number, host: string): Promise<string>;
  close(): Promise<void>;
}

/** `dataDir`'s registry: blobs in registry/, advisory files (`*.json`) in advisories/. */
export async function openRegistry(dataDir: string, log: Logger): Promise<RegistryHandle> {
  const blobs = new FsBlobStore(join(dataDir, 'registry'));
  await blobs.init();
  const advisoryDir = join(dataDir, 'advisories');
  let server: RegistryServer | undefined;
  const ports: RegistryPorts = {
    address: '',
    blobs,
    imageFiles: (layers, paths, maxBytes) => imageFiles(blobs, layers, paths, maxBytes),
    advisories: async () => {
      const names = (await readdir(advisoryDir).catch(() => [])).filter((name) => name.endsWith('.json')).sort();
      return Promise.all(names.map((name) => readFile(join(advisoryDir, name), 'utf8')));
    },
  };
  return {
    ports,
    listen: async (backend, port, host) => {
      server = new RegistryServer({ blobs, backend, log: log.child({ component: 'registry' }) });
      const address = await server.listen(port, host);
      ports.address = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`;
      return ports.address;
    },
    close: async () => {
      await server?.close();
    },
  };
}
