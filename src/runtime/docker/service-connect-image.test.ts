import assert from 'node:assert/strict';
import { test } from 'node:test';
import { linkedLibraries } from './service-connect-image.js';

test("the libraries of ldd's listing: resolved paths and the loader, not the vDSO", () => {
  const listing = [
    '\tlinux-vdso.so.1 (0x00007ffd1a3f2000)',
    '\tlibssl.so.3 => /lib/x86_64-linux-gnu/libssl.so.3 (0x00007f1788957000)',
    '\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f178814e000)',
    '\t/lib64/ld-linux-x86-64.so.2 (0x00007f1788e44000)',
  ].join('\n');
  assert.deepEqual(linkedLibraries(listing), ['/lib/x86_64-linux-gnu/libssl.so.3', '/lib/x86_64-linux-gnu/libc.so.6', '/lib64/ld-linux-x86-64.so.2']);
});
