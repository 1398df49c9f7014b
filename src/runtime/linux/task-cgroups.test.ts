import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cgroupMounts } from './task-cgroups.js';

test('the cgroup hierarchies of a host, v1 controllers and v2 alike, from its mountinfo', () => {
  const mountinfo = [
    '31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755',
    '32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu',
    '35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory',
    '36 31 0:33 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid - cgroup cgroup rw,cpu,cpuacct',
    '40 31 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw',
    '22 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw',
  ].join('\n');
  assert.deepEqual(cgroupMounts(mountinfo), [
    { path: '/sys/fs/cgroup/cpu', version: 1, controllers: ['cpu'] },
    { path: '/sys/fs/cgroup/memory', version: 1, controllers: ['memory'] },
    { path: '/sys/fs/cgroup/cpu,cpuacct', version: 1, controllers: ['cpu', 'cpuacct'] },
    { path: '/sys/fs/cgroup/unified', version: 2, controllers: [] },
  ]);
});
