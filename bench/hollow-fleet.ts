// Hollow container instances for the service benchmarks: `wharf hollow` in its own process (the real agent
// on a runtime that only pretends to run containers), so the control plane's own cost is what is measured.
import { readFileSync } from 'node:fs';
import { DescribeContainerInstancesCommand, ListContainerInstancesCommand, type ECSClient } from '@aws-sdk/client-ecs';
import { WHARF_BIN, eventually, type WharfProcess } from '../test/wharf-process.js';
import { startProcess } from './lib.js';

export interface HollowFleet {
  /** The fleet's process (its CPU is the simulator's, not the control plane's). */
  pid: number;
  stop(): Promise<void>;
}

/** Starts `count` hollow agents in `cluster` (each of `memoryMiB`, default the CLI's) and waits until every one is registered with its agent connected. */
export async function hollowFleet(wharf: WharfProcess, cluster: string, count: number, { memoryMiB }: { memoryMiB?: number } = {}): Promise<HollowFleet> {
  const size = memoryMiB === undefined ? [] : ['--memory-mib', String(memoryMiB)];
  // WHARF_BENCH_CPU_PROF=<dir>: the fleet writes a CPU profile there too (its agents cost as much as the control plane).
  const profile = process.env.WHARF_BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.WHARF_BENCH_CPU_PROF}`] : [];
  const child = startProcess(process.execPath, ['--max-old-space-size=8192', ...profile, WHARF_BIN, 'hollow', '--endpoint', wharf.endpoint, '--cluster', cluster, '--count', String(count), ...size], {
    env: { ...wharf.env, WHARF_LOG_LEVEL: 'error' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Fifty register at a time: a few thousand take minutes on a loaded machine.
  await eventually(async () => ((await connected(wharf.ecs(), cluster)) === count ? true : undefined), `${count} hollow agents connected`, Math.max(300_000, count * 150));
  return {
    pid: child.pid!,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function connected(ecs: ECSClient, cluster: string): Promise<number> {
  let n = 0;
  let nextToken: string | undefined;
  do {
    const page = await ecs.send(new ListContainerInstancesCommand({ cluster, nextToken, maxResults: 100 }));
    nextToken = page.nextToken;
    if (!page.containerInstanceArns?.length) continue;
    const { containerInstances = [] } = await ecs.send(new DescribeContainerInstancesCommand({ cluster, containerInstances: page.containerInstanceArns }));
    n += containerInstances.filter((c) => c.agentConnected).length;
  } while (nextToken);
  return n;
}

/** The peak resident set of a process so far, in MiB (Linux). */
export async function peakRssMiB(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1]) / 1024;
}

/** A process's CPU time so far (user and system), in ms (Linux: /proc, in clock ticks of 10 ms). */
export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
