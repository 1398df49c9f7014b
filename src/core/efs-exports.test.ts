import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AccessPointRecord, FileSystemRecord } from './efs.js';
import { NfsEncodingError, nfsExports, nfsVolumeOptions, nfsVolumePath } from './efs-exports.js';

const fs = (id: string) => ({ FileSystemId: id }) as FileSystemRecord;
const ap = (id: string, fsId: string, path: string, user?: { Uid: number; Gid: number }) =>
  ({ AccessPointId: id, FileSystemId: fsId, RootDirectory: { Path: path }, ...(user && { PosixUser: user }) }) as AccessPointRecord;

test('file systems with a mount target are exported, with their access points; ids stay as others come and go', () => {
  const aps = [ap('fsap-2', 'fs-a', '/app', { Uid: 1000, Gid: 1000 }), ap('fsap-1', 'fs-b', '/')];
  const exports = nfsExports([fs('fs-b'), fs('fs-a')], new Set(['fs-a']), aps);
  assert.deepEqual(exports.map(({ exportId, ...e }) => e), [
    { fileSystemId: 'fs-a', directory: '/', pseudoPath: '/fs-a' },
    { fileSystemId: 'fs-a', directory: '/app', pseudoPath: '/fsap-2', squash: { uid: 1000, gid: 1000 } },
  ]);
  assert.equal(new Set(exports.map((e) => e.exportId)).size, 2);
  const more = nfsExports([fs('fs-a'), fs('fs-b')], new Set(['fs-a', 'fs-b']), aps);
  assert.deepEqual(more.slice(0, 2).map((e) => e.exportId), exports.map((e) => e.exportId));
});

test("a volume's NFS path: the access point's export, or the file system's with rootDirectory below it", () => {
  assert.equal(nfsVolumePath('fs-a', 'fsap-1', undefined), '/fsap-1');
  assert.equal(nfsVolumePath('fs-a', undefined, '/data//x/'), '/fs-a/data/x');
  assert.equal(nfsVolumePath('fs-a', undefined, undefined), '/fs-a');
  assert.throws(() => nfsVolumePath('fs-a', undefined, '/../etc'));
});

test("Docker's local driver options for an nfs4 mount, as EFS's mount helper mounts", () => {
  assert.deepEqual(nfsVolumeOptions({ address: '10.0.0.5', port: 2049, path: '/fs-a/data' }), {
    type: 'nfs4',
    o: 'addr=10.0.0.5,port=2049,nfsvers=4.1,rsize=1048576,wsize=1048576,hard,timeo=600,retrans=2,noresvport',
    device: ':/fs-a/data',
  });
  assert.match(nfsVolumeOptions({ address: '10.0.0.5', port: 20490, path: '/fsap-1', readOnly: true }).o!, /,port=20490,.*,ro$/);
  for (const bad of [{ address: 'host,ro' }, { address: '300.1.1.1' }, { port: 0 }, { path: '/a,b' }, { path: '/' }, { path: 'x' }]) {
    assert.throws(() => nfsVolumeOptions({ address: '10.0.0.5', port: 2049, path: '/fs-a', ...bad }), JSON.stringify(bad));
  }
  assert.throws(() => nfsVolumeOptions({ address: '1.2.3.4; rm', port: 2049, path: '/fs-a' }), NfsEncodingError);
});
