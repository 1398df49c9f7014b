import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NfsEncodingError } from '../core/efs-exports.js';
import { ganeshaConfig } from './ganesha-config.js';

const base = { port: 2049, recoveryDir: '/var/lib/wharf/nfs/recovery', clients: ['10.0.0.7', '10.0.0.8'] };

test('an export per file system (root stays root) and per access point (all squashed to its user), NFSv4 over TCP only, to the clients alone', () => {
  const text = ganeshaConfig({
    ...base,
    exports: [
      { exportId: 7, path: '/var/lib/wharf/efs/fs-1', pseudoPath: '/fs-1' },
      { exportId: 8, path: '/var/lib/wharf/efs/fs-1/app', pseudoPath: '/fsap-1', squash: { uid: 1000, gid: 1001 } },
    ],
  });
  assert.match(text, /^NFS_CORE_PARAM \{ NFS_Port = 2049; Protocols = 4; .*Enable_UDP = false; \}$/m);
  assert.match(text, /Graceless = true; RecoveryBackend = fs; RecoveryRoot = "\/var\/lib\/wharf\/nfs\/recovery";/);
  assert.match(text, /Export_Id = 7; Path = "\/var\/lib\/wharf\/efs\/fs-1"; Pseudo = "\/fs-1";\n  Access_Type = None; Squash = No_Root_Squash;/);
  assert.match(text, /Export_Id = 8; Path = "\/var\/lib\/wharf\/efs\/fs-1\/app"; Pseudo = "\/fsap-1";\n  Access_Type = None; Squash = All_Squash; Anonymous_Uid = 1000; Anonymous_Gid = 1001;/);
  assert.equal(text.match(/Protocols = 4; Transports = TCP; SecType = sys;/g)?.length, 2);
  // Nobody but the clients has access (Access_Type = None above); they read and write.
  assert.equal(text.match(/CLIENT \{ Clients = 10\.0\.0\.7, 10\.0\.0\.8; Access_Type = RW; \}/g)?.length, 2);
});

test('values that would break out of ganesha syntax, or clash, are refused', () => {
  const one = (e: object) => () => ganeshaConfig({ ...base, exports: [{ exportId: 1, path: '/d', pseudoPath: '/fs-1', ...e }] });
  for (const bad of [{ path: '/d"; Access_Type = RW; #' }, { path: '/d\nEXPORT' }, { path: 'relative' }, { path: '/a/../etc' }, { pseudoPath: '/fs 1' }, { exportId: 0 }, { exportId: 65536 }, { squash: { uid: -1, gid: 0 } }]) {
    assert.throws(one(bad), NfsEncodingError, JSON.stringify(bad));
  }
  assert.throws(() => ganeshaConfig({ ...base, port: 0, exports: [] }), NfsEncodingError);
  assert.throws(() => ganeshaConfig({ ...base, recoveryDir: '/r"', exports: [] }), NfsEncodingError);
  assert.throws(() => ganeshaConfig({ ...base, clients: ['10.0.0.7; Access_Type = RW'], exports: [] }), NfsEncodingError);
  assert.throws(() => ganeshaConfig({ ...base, clients: ['*'], exports: [] }), NfsEncodingError);
  assert.throws(() => ganeshaConfig({ ...base, clients: [], exports: [] }), /at least one client/);
  const twice = (a: object, b: object) => () => ganeshaConfig({ ...base, exports: [{ exportId: 1, path: '/a', pseudoPath: '/fs-1', ...a }, { exportId: 2, path: '/b', pseudoPath: '/fs-2', ...b }] });
  assert.throws(twice({}, { exportId: 1 }), /used twice/);
  assert.throws(twice({}, { pseudoPath: '/fs-1' }), /unique/);
});
