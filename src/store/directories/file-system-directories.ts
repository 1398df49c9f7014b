// EFS file systems as directories on the server's host (the FileSystemStorage port): `<root>/<fs-id>/`,
// made when the file system is created, kept across restarts, removed with it. Paths come in already checked
// (core/efs-paths.ts); each is joined segment by segment and must stay under its file system's directory.
import { statSync } from 'node:fs';
import { chmod, chown, lstat, mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import type { DirectoryOwner, FileSystemStorage } from '../../core/efs.js';
import { pathSegments } from '../../core/efs-paths.js';

const FILE_SYSTEM_ID = /^fs-[0-9a-f]{8,40}$/;

export class FileSystemDirectories implements FileSystemStorage {
  constructor(private readonly root: string) {}

  async create(fileSystemId: string): Promise<void> {
    // The root directory of a new EFS file system is root's, mode 0755.
    await mkdir(this.hostPath(fileSystemId, '/'), { recursive: true, mode: 0o755 });
  }

  async remove(fileSystemId: string): Promise<void> {
    await rm(this.hostPath(fileSystemId, '/'), { recursive: true, force: true });
  }

  async clear(): Promise<void> {
    await rm(this.root, { recursive: true, force: true });
  }

  async size(fileSystemId: string): Promise<number> {
    return treeSize(this.hostPath(fileSystemId, '/'));
  }

  async ensureDirectory(fileSystemId: string, path: string, owner: DirectoryOwner): Promise<void> {
    // As EFS: only the missing directories are made, each with the owner and mode given; existing ones are left as they are.
    let current = this.hostPath(fileSystemId, '/');
    for (const segment of pathSegments(path)) {
      current = join(current, segment);
      const existing = await stat(current).catch(() => undefined);
      if (existing) continue;
      await mkdir(current, { mode: owner.mode });
      await chown(current, owner.uid, owner.gid);
      // mkdir's mode passes through the umask; the access point's permissions are exact.
      await chmod(current, owner.mode);
    }
  }

  isDirectory(fileSystemId: string, path: string): boolean {
    // Synchronous: asked while an assignment is built, once per EFS volume of a task; a stat is cheap.
    return statSync(this.hostPath(fileSystemId, path), { throwIfNoEntry: false })?.isDirectory() ?? false;
  }

  hostPath(fileSystemId: string, path: string): string {
    if (!FILE_SYSTEM_ID.test(fileSystemId)) throw new Error(`'${fileSystemId}' is not a file system id`);
    const base = join(this.root, fileSystemId);
    const full = join(base, ...pathSegments(path));
    if (full !== base && !full.startsWith(base + sep)) throw new Error(`'${path}' is outside file system ${fileSystemId}`);
    return full;
  }
}

/** Bytes of the files under `dir` (symbolic links not followed). */
async function treeSize(dir: string): Promise<number> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  let total = 0;
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += await treeSize(path);
    else total += (await lstat(path).catch(() => undefined))?.size ?? 0;
  }
  return total;
}
