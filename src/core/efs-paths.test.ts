import assert from 'node:assert/strict';
import { test } from 'node:test';
import { accessPointPath, EfsPathError, pathSegments, permissionBits, volumeDirectory } from './efs-paths.js';

const refused = (fn: () => unknown) => assert.throws(fn, EfsPathError);

test('paths are absolute, folded to one normal form, and never leave the root', () => {
  assert.deepEqual(pathSegments('/'), []);
  assert.deepEqual(pathSegments('//data///app/'), ['data', 'app']);
  refused(() => pathSegments('data'));
  refused(() => pathSegments('/data/../../etc'));
  refused(() => pathSegments('/..'));
  refused(() => pathSegments('/./x'));
  refused(() => pathSegments('/a\u0000b'));
  refused(() => pathSegments('/a\nb'));
});

test("access point paths follow EFS's rules", () => {
  assert.equal(accessPointPath('/'), '/');
  assert.equal(accessPointPath('/app/data/'), '/app/data');
  assert.equal(accessPointPath('/with space/and-dash_1'), '/with space/and-dash_1');
  refused(() => accessPointPath('/a/b/c/d/e'));
  refused(() => accessPointPath('/' + 'x'.repeat(100)));
  refused(() => accessPointPath('/.hidden'));
  refused(() => accessPointPath('/a;rm'));
  refused(() => accessPointPath('/a/$HOME'));
  refused(() => accessPointPath('relative'));
});

test("a volume's directory is the access point's root joined with ECS's rootDirectory", () => {
  assert.equal(volumeDirectory(undefined, undefined), '/');
  assert.equal(volumeDirectory(undefined, '/shared/'), '/shared');
  assert.equal(volumeDirectory('/app', '/'), '/app');
  assert.equal(volumeDirectory('/app', undefined), '/app');
  refused(() => volumeDirectory(undefined, '/../..'));
});

test('permissions are octal', () => {
  assert.equal(permissionBits('755'), 0o755);
  assert.equal(permissionBits('0750'), 0o750);
  refused(() => permissionBits('789'));
  refused(() => permissionBits('rwx'));
});
