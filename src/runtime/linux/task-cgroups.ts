// Task-level limits through the host's cgroup file system, for an engine whose cgroup driver is cgroupfs:
// a cgroup per task (`/wharf/<task id>`) with the task's memory and CPU quota, under which the engine makes
// each of the task's containers' cgroups. The kernel then holds the whole task to its limits (an OOM kill
// in it is reported on the container that was killed). Works with cgroup v1 (the memory and cpu
// controllers) and v2 (memory.max, cpu.max). Needs root and the host's /sys/fs/cgroup.
import { mkdir, readFile, readdir, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TaskCgroups, TaskLimits } from '../../core/runtime.js';
import { pathSegment } from '../../core/path-segment.js';

/** The CFS period the quota is a share of, in microseconds (the kernel's default). */
const CFS_PERIOD_US = 100_000;
const MIB = 1024 * 1024;

interface CgroupMount {
  path: string;
  version: 1 | 2;
  /** v1: the controllers of this hierarchy. */
  controllers: string[];
}

/** The cgroup hierarchies mounted on the host, from a mountinfo file. */
export function cgroupMounts(mountinfo: string): CgroupMount[] {
  return mountinfo.split('\n').flatMap((line): CgroupMount[] => {
    const [before, after] = line.split(' - ');
    if (!before || !after) return [];
    const path = before.split(' ')[4]!;
    const [fstype, , superOptions = ''] = after.split(' ');
    if (fstype === 'cgroup2') return [{ path, version: 2, controllers: [] }];
    if (fstype === 'cgroup') return [{ path, version: 1, controllers: superOptions.split(',').filter((o) => o !== 'rw' && o !== 'ro') }];
    return [];
  });
}

export class LinuxTaskCgroups implements TaskCgroups {
  constructor(
    /** The cgroup every task's is made under. */
    private readonly parent = 'wharf',
    private readonly mountinfo = '/proc/self/mountinfo',
  ) {}

  async create(taskId: string, limits: TaskLimits): Promise<string> {
    pathSegment(taskId);
    const mounts = await this.mounts();
    const v1 = (controller: string) => mounts.find((m) => m.version === 1 && m.controllers.includes(controller));
    const quota = limits.cpuUnits === undefined ? undefined : Math.max(1000, Math.round((limits.cpuUnits / 1024) * CFS_PERIOD_US));
    const memory = limits.memoryMiB === undefined ? undefined : limits.memoryMiB * MIB;
    const memoryMount = v1('memory');
    if (memoryMount) {
      // A hybrid host (v1 controllers, v2 mounted beside them) is run by its v1 controllers, as the engine does.
      // Each hierarchy's cgroup at once: every step is a round trip through the thread pool, on the task's start.
      const cpuMount = v1('cpu');
      await Promise.all([
        this.make(memoryMount.path, taskId).then(async (memoryDir) => {
          if (memory === undefined) return;
          await writeFile(join(memoryDir, 'memory.limit_in_bytes'), String(memory));
          // Without swap accounting the file is absent, and there is no swap to escape to.
          await writeFile(join(memoryDir, 'memory.memsw.limit_in_bytes'), String(memory)).catch(() => undefined);
        }),
        cpuMount &&
          quota !== undefined &&
          this.make(cpuMount.path, taskId).then(async (cpuDir) => {
            await writeFile(join(cpuDir, 'cpu.cfs_period_us'), String(CFS_PERIOD_US));
            await writeFile(join(cpuDir, 'cpu.cfs_quota_us'), String(quota));
          }),
      ]);
    } else {
      const unified = mounts.find((m) => m.version === 2);
      if (!unified) throw new Error('no cgroup hierarchy with a memory controller is mounted');
      // Controllers must be enabled in every ancestor for the task's cgroup to have them.
      await writeFile(join(unified.path, 'cgroup.subtree_control'), '+memory +cpu').catch(() => undefined);
      await mkdir(join(unified.path, this.parent), { recursive: true });
      await writeFile(join(unified.path, this.parent, 'cgroup.subtree_control'), '+memory +cpu');
      const dir = await this.make(unified.path, taskId);
      if (memory !== undefined) {
        await writeFile(join(dir, 'memory.max'), String(memory));
        await writeFile(join(dir, 'memory.swap.max'), '0').catch(() => undefined);
      }
      if (quota !== undefined) await writeFile(join(dir, 'cpu.max'), `${quota} ${CFS_PERIOD_US}`);
    }
    return `/${this.parent}/${taskId}`;
  }

  async remove(taskId: string): Promise<void> {
    // The engine makes the task's cgroup in every hierarchy (not only those with limits): remove it from all.
    for (const mount of await this.mounts()) await removeTree(join(mount.path, this.parent, pathSegment(taskId)));
  }

  /** Read once: the hierarchies stay mounted while the agent runs. */
  private mounted?: Promise<CgroupMount[]>;

  private mounts(): Promise<CgroupMount[]> {
    this.mounted ??= readFile(this.mountinfo, 'utf8').then(cgroupMounts);
    this.mounted.catch(() => (this.mounted = undefined)); // read again next time
    return this.mounted;
  }

  private async make(mountPath: string, taskId: string): Promise<string> {
    const dir = join(mountPath, this.parent, taskId);
    await mkdir(dir, { recursive: true });
    return dir;
  }
}

/** Removes a cgroup and the (empty) cgroups below it; a cgroup already gone is not an error. */
async function removeTree(dir: string): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  for (const entry of entries) if (entry.isDirectory()) await removeTree(join(dir, entry.name));
  await rmdir(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
}
