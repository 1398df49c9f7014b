// Wharf's pause image: the container that holds an awsvpc task's network namespace (ECS runs
// amazon/amazon-ecs-pause for this). No registry is needed: its whole root file system is one tiny static
// executable that blocks forever, written here for the host's architecture and imported into the engine.
// It never exits on its own and handles no signal, so it is removed with force (SIGKILL).
import { pack } from 'tar-stream';

/** Image name and tag; the tag changes whenever the executable does. */
export const PAUSE_IMAGE = 'wharf/pause:1';
export const PAUSE_PATH = '/pause';

/** The program, per architecture (as the engine names them): a loop around a system call that blocks forever. */
const PROGRAMS: Record<string, { machine: number; code: number[] }> = {
  // loop: mov eax, 34 (pause); syscall; jmp loop
  x86_64: { machine: 0x3e, code: [0xb8, 0x22, 0x00, 0x00, 0x00, 0x0f, 0x05, 0xeb, 0xf7] },
  // loop: x0..x3 = 0; x8 = 73 (ppoll: no descriptors, no timeout); svc #0; b loop
  aarch64: {
    machine: 0xb7,
    code: [0xd2800000, 0xd2800001, 0xd2800002, 0xd2800003, 0xd2800928, 0xd4000001, 0x17fffffa].flatMap((word) => [
      word & 0xff,
      (word >>> 8) & 0xff,
      (word >>> 16) & 0xff,
      (word >>> 24) & 0xff,
    ]),
  },
};

const LOAD_ADDRESS = 0x400000;
const ELF_HEADER_SIZE = 64;
const PROGRAM_HEADER_SIZE = 56;

/** A static ELF64 executable: its header, one loadable segment, and the code. */
export function pauseExecutable(architecture: string): Buffer {
  const program = PROGRAMS[architecture === 'arm64' ? 'aarch64' : architecture === 'amd64' ? 'x86_64' : architecture];
  if (!program) throw new Error(`no pause executable for architecture ${architecture}`);
  const codeOffset = ELF_HEADER_SIZE + PROGRAM_HEADER_SIZE;
  const size = codeOffset + program.code.length;
  const elf = Buffer.alloc(size);
  elf.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1], 0); // magic, 64-bit, little-endian, version 1
  elf.writeUInt16LE(2, 16); // executable
  elf.writeUInt16LE(program.machine, 18);
  elf.writeUInt32LE(1, 20);
  elf.writeBigUInt64LE(BigInt(LOAD_ADDRESS + codeOffset), 24); // entry point
  elf.writeBigUInt64LE(BigInt(ELF_HEADER_SIZE), 32); // program headers' offset
  elf.writeUInt16LE(ELF_HEADER_SIZE, 52);
  elf.writeUInt16LE(PROGRAM_HEADER_SIZE, 54);
  elf.writeUInt16LE(1, 56); // one program header
  const ph = ELF_HEADER_SIZE;
  elf.writeUInt32LE(1, ph); // loadable
  elf.writeUInt32LE(5, ph + 4); // readable, executable
  elf.writeBigUInt64LE(0n, ph + 8); // from the file's start
  elf.writeBigUInt64LE(BigInt(LOAD_ADDRESS), ph + 16);
  elf.writeBigUInt64LE(BigInt(LOAD_ADDRESS), ph + 24);
  elf.writeBigUInt64LE(BigInt(size), ph + 32);
  elf.writeBigUInt64LE(BigInt(size), ph + 40);
  elf.writeBigUInt64LE(0x1000n, ph + 48);
  elf.set(program.code, codeOffset);
  return elf;
}

/** The image's root file system as a tar stream: the executable alone. */
export function pauseRootfs(architecture: string): NodeJS.ReadableStream {
  const tar = pack();
  tar.entry({ name: PAUSE_PATH.slice(1), mode: 0o755 }, pauseExecutable(architecture));
  tar.finalize();
  return tar;
}
