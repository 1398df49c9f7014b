import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pauseExecutable } from './pause-image.js';

test('the pause executable is a static ELF64 whose entry point is its code', () => {
  for (const [architecture, machine] of [['x86_64', 0x3e], ['aarch64', 0xb7], ['arm64', 0xb7], ['amd64', 0x3e]] as const) {
    const elf = pauseExecutable(architecture);
    assert.deepEqual([...elf.subarray(0, 7)], [0x7f, 0x45, 0x4c, 0x46, 2, 1, 1], 'ELF, 64-bit, little-endian');
    assert.equal(elf.readUInt16LE(16), 2, 'an executable');
    assert.equal(elf.readUInt16LE(18), machine);
    assert.equal(elf.readBigUInt64LE(24), 0x400000n + 120n, 'entry right after the headers');
    assert.equal(elf.readUInt32LE(64), 1, 'one loadable segment');
    assert.equal(elf.readBigUInt64LE(64 + 32), BigInt(elf.length), 'that holds the whole file');
  }
  assert.throws(() => pauseExecutable('mips'), /no pause executable/);
});
