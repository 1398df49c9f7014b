import assert from 'node:assert/strict';
import { mkdtemp, mkdir, realpath, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ContainerDefinition, TaskDefinition } from '@aws-sdk/client-ecs';
import { DEFAULT_SECURITY_SETTINGS, parseHostPaths, resolveHostPaths, taskRefusal } from './security-settings.js';

const definition = (container: ContainerDefinition, hostPaths: string[] = []): TaskDefinition => ({
  family: 'f',
  containerDefinitions: [{ name: 'web', image: 'busybox', ...container }],
  volumes: hostPaths.map((sourcePath, i) => ({ name: `v${i}`, host: { sourcePath } })),
});

test('privileged containers run unless disabled, as with ECS_DISABLE_PRIVILEGED', () => {
  assert.equal(taskRefusal(definition({ privileged: true }), DEFAULT_SECURITY_SETTINGS), undefined);
  assert.match(taskRefusal(definition({ privileged: true }), { ...DEFAULT_SECURITY_SETTINGS, privileged: false })!, /container web is privileged/);
  assert.equal(taskRefusal(definition({ privileged: false }), { ...DEFAULT_SECURITY_SETTINGS, privileged: false }), undefined);
});

test('SELinux and AppArmor options need the instance to be capable; other options do not', () => {
  const label = definition({ dockerSecurityOptions: ['label:type:container_t'] });
  const apparmor = definition({ dockerSecurityOptions: ['apparmor:docker-default'] });
  assert.match(taskRefusal(label, DEFAULT_SECURITY_SETTINGS)!, /SELinux/);
  assert.match(taskRefusal(apparmor, DEFAULT_SECURITY_SETTINGS)!, /AppArmor/);
  assert.equal(taskRefusal(label, { ...DEFAULT_SECURITY_SETTINGS, selinux: true }), undefined);
  assert.equal(taskRefusal(apparmor, { ...DEFAULT_SECURITY_SETTINGS, apparmor: true }), undefined);
  assert.equal(taskRefusal(definition({ dockerSecurityOptions: ['no-new-privileges'] }), DEFAULT_SECURITY_SETTINGS), undefined);
});

test('host volumes stay under the allowed host paths, as the host resolves them', () => {
  const settings = { ...DEFAULT_SECURITY_SETTINGS, allowedHostPaths: ['/srv/data', '/tmp'] };
  assert.equal(taskRefusal(definition({}, ['/srv/data', '/srv/data/a/b', '/tmp/x/']), settings), undefined);
  for (const outside of ['/srv/database', '/srv', '/etc', '/srv/data/../../etc', 'relative/path']) {
    assert.match(taskRefusal(definition({}, [outside]), settings)!, /^volume v0's host path .* is outside the host paths this container instance allows \(\/srv\/data, \/tmp\)$/, outside);
  }
  assert.match(taskRefusal(definition({}, ['/srv/data/link']), settings, (p) => (p === '/srv/data/link' ? '/etc' : p))!, /outside/);
  assert.equal(taskRefusal(definition({}, ['/etc']), DEFAULT_SECURITY_SETTINGS), undefined, 'no list: any host path');
  assert.equal(taskRefusal(definition({}, ['/etc']), { ...DEFAULT_SECURITY_SETTINGS, allowedHostPaths: ['/'] }), undefined);
});

test('allowed host paths from options: absolute, normalised, comma-separated or repeated', () => {
  assert.deepEqual(parseHostPaths(['/srv/data/,/tmp', ' /var//lib ', '/']), ['/srv/data', '/tmp', '/var/lib', '/']);
  assert.throws(() => parseHostPaths(['data']), /must be absolute/);
});

test('host paths resolve through symlinks, a missing rest under the deepest part that exists', async () => {
  const dir = await realpath(await mkdtemp(join(tmpdir(), 'wharf-paths-')));
  try {
    await mkdir(join(dir, 'real'));
    await symlink(join(dir, 'real'), join(dir, 'link'));
    const resolved = await resolveHostPaths(definition({}, [join(dir, 'link'), join(dir, 'link', 'new', 'dir'), join(dir, 'plain')]));
    assert.equal(resolved.get(join(dir, 'link')), join(dir, 'real'));
    assert.equal(resolved.get(join(dir, 'link', 'new', 'dir')), join(dir, 'real', 'new', 'dir'));
    assert.equal(resolved.get(join(dir, 'plain')), join(dir, 'plain'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
