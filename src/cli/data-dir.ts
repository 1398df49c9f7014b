// The data directory holds secrets (wharf.db has task environments and imported certificates' private keys;
// root credentials, the server secret, the agents' sessions): only its owner may enter it or read them.
// Modes are set at every start, whoever made the directory and whatever the umask was when its files
// were written: the directory and those below it 0700, every file 0600. Symbolic links are left alone
// (their targets are not Wharf's to change).
import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const PRIVATE_DIR = 0o700;
export const PRIVATE_FILE = 0o600;

/** Creates `dir` if needed and makes it, and everything in it, its owner's alone. */
export function securePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR });
  secure(dir);
}

function secure(path: string): void {
  const stat = lstatSync(path, { throwIfNoEntry: false });
  if (!stat || stat.isSymbolicLink()) return;
  if (stat.isDirectory()) {
    if ((stat.mode & 0o777) !== PRIVATE_DIR) chmodSync(path, PRIVATE_DIR);
    for (const entry of readdirSync(path)) secure(join(path, entry));
  } else if ((stat.mode & 0o777 & ~PRIVATE_FILE) !== 0) {
    // Group and others lose every right; the owner keeps what it had (an executable stays executable).
    chmodSync(path, stat.mode & 0o700);
  }
}
