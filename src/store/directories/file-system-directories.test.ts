// EFS file systems as directories, in a temp dir: each one's root, sizes, access point directories made only
// where missing, paths that cannot leave their file system, and removal.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { FileSystemDirectories } from './file-system-directories.js';

const root = mkdtempSync(join(tmpdir(), 'wharf-efs-dirs-'));
after(() => rmSync(root, { recursive: true, force: true }));

test('file systems are directories that paths cannot leave', async () => {
  const dirs = new FileSystemDirectories(join(root, 'efs'));
  const id = 'fs-0123456789abcdef0';
  await dirs.create(id);
  assert.equal(dirs.hostPath(id, '/'), join(root, 'efs', id));
  assert.equal(dirs.hostPath(id, '/a//b/'), join(root, 'efs', id, 'a', 'b'));
  assert.throws(() => dirs.hostPath(id, '/a/../../x'));
  assert.throws(() => dirs.hostPath('fs-../../etc', '/'));
  assert.throws(() => dirs.hostPath('../fs-0123456789abcdef0', '/'));

  writeFileSync(join(dirs.hostPath(id, '/'), 'f'), 'hello');
  mkdirSync(dirs.hostPath(id, '/kept'), { mode: 0o700 });
  assert.equal(await dirs.size(id), 5);

  await dirs.ensureDirectory(id, '/kept/new', { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0, mode: 0o751 });
  assert.equal(statSync(dirs.hostPath(id, '/kept')).mode & 0o777, 0o700, 'an existing directory is left as it is');
  assert.equal(statSync(dirs.hostPath(id, '/kept/new')).mode & 0o777, 0o751, 'a new one gets the exact mode, whatever the umask');
  assert.equal(dirs.isDirectory(id, '/kept/new'), true);
  assert.equal(dirs.isDirectory(id, '/f'), false);
  assert.equal(dirs.isDirectory(id, '/missing'), false);

  await dirs.remove(id);
  assert.equal(dirs.isDirectory(id, '/'), false);
  await dirs.create(id);
  await dirs.clear();
  assert.throws(() => statSync(join(root, 'efs')));
});
