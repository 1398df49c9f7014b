// Container metrics at the agent: every interval (10 s by default, WHARF_METRICS_INTERVAL for `wharf up`),
// each running container's stats from the engine, turned into ECS's figures (CPU units used, memory in use,
// I/O counters) and sent over the agent channel; the control plane publishes them to CloudWatch.
import type { ContainerStats, ServiceConnectStats } from '../core/agent-protocol.js';
import type { Logger } from '../core/ports.js';
import type { ContainerRuntime } from '../core/runtime.js';
import type { TaskSnapshot } from './task-engine.js';

export const DEFAULT_METRICS_INTERVAL_MS = 10_000;

/** The parts of Docker's stats document ECS reads (cgroup v1 and v2 both). */
interface EngineStats {
  read?: string;
  cpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number; online_cpus?: number };
  precpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number };
  memory_stats?: { usage?: number; stats?: { cache?: number; inactive_file?: number; total_inactive_file?: number } };
  networks?: Record<string, { rx_bytes?: number; tx_bytes?: number }>;
  blkio_stats?: { io_service_bytes_recursive?: { op?: string; value?: number }[] | null };
}

/** The CPU counter at one sample: what the next sample's average is taken against. */
export interface CpuMark {
  at: number;
  totalNs: number;
}

/**
 * ECS's figures from one engine sample. CPU is averaged since `previous` (the last sample of the same
 * container) when there is one, else over the engine's own pre-sample; memory excludes the page cache, as
 * `docker stats` and ECS do.
 */
export function containerUsage(raw: Record<string, unknown>, previous: CpuMark | undefined, now: number): { usage: Omit<ContainerStats, 'taskArn' | 'containerName'>; mark: CpuMark } {
  const stats = raw as EngineStats;
  const at = stats.read ? Date.parse(stats.read) : now;
  const sampledAt = Number.isNaN(at) || at <= 0 ? now : at;
  const totalNs = stats.cpu_stats?.cpu_usage?.total_usage ?? 0;
  let cpus = 0;
  if (previous && sampledAt > previous.at && totalNs >= previous.totalNs) {
    cpus = (totalNs - previous.totalNs) / ((sampledAt - previous.at) * 1e6);
  } else {
    const used = totalNs - (stats.precpu_stats?.cpu_usage?.total_usage ?? 0);
    const system = (stats.cpu_stats?.system_cpu_usage ?? 0) - (stats.precpu_stats?.system_cpu_usage ?? 0);
    if (used > 0 && system > 0) cpus = (used / system) * (stats.cpu_stats?.online_cpus ?? 1);
  }
  const memory = stats.memory_stats;
  const cache = memory?.stats?.inactive_file ?? memory?.stats?.total_inactive_file ?? memory?.stats?.cache ?? 0;
  const networks = Object.values(stats.networks ?? {});
  const io = stats.blkio_stats?.io_service_bytes_recursive ?? [];
  const ioBytes = (op: string) => io.filter((e) => e.op?.toLowerCase() === op).reduce((sum, e) => sum + (e.value ?? 0), 0);
  return {
    usage: {
      timestamp: new Date(sampledAt).toISOString(),
      cpuUnits: Math.max(0, cpus * 1024),
      memoryBytes: Math.max(0, (memory?.usage ?? 0) - cache),
      networkRxBytes: networks.reduce((sum, n) => sum + (n.rx_bytes ?? 0), 0),
      networkTxBytes: networks.reduce((sum, n) => sum + (n.tx_bytes ?? 0), 0),
      storageReadBytes: ioBytes('read'),
      storageWriteBytes: ioBytes('write'),
    },
    mark: { at: sampledAt, totalNs },
  };
}

export interface ContainerMetricsOptions {
  runtime: ContainerRuntime;
  log: Logger;
  intervalMs: number;
  /** The tasks the engine holds now. */
  tasks(): TaskSnapshot[];
  send(stats: ContainerStats[]): void;
  /** The Service Connect proxies' counters, sampled and sent on the same beat. */
  serviceConnect?: { stats(): Promise<ServiceConnectStats[]>; send(stats: ServiceConnectStats[]): void };
  signal: AbortSignal;
}

/** Samples every running container each interval until `signal` aborts; resolves once stopped. */
export async function sampleContainerMetrics(options: ContainerMetricsOptions): Promise<void> {
  const marks = new Map<string, CpuMark>();
  const { signal } = options;
  while (!signal.aborted) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, options.intervalMs);
      signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
    });
    if (signal.aborted) break;
    const running = options.tasks().flatMap((task) =>
      task.knownStatus === 'RUNNING' ? task.containers.filter((c) => c.runtimeId && c.knownStatus === 'RUNNING').map((c) => ({ task, container: c })) : [],
    );
    const samples = await Promise.all(
      running.map(async ({ task, container }) => {
        const id = container.runtimeId!;
        const raw = await options.runtime.containerStats(id).catch(() => undefined);
        if (!raw) return undefined;
        const { usage, mark } = containerUsage(raw, marks.get(id), Date.now());
        marks.set(id, mark);
        return { taskArn: task.taskArn, containerName: container.name, ...usage };
      }),
    );
    // Containers gone since are forgotten.
    const live = new Set(running.map(({ container }) => container.runtimeId!));
    for (const id of marks.keys()) if (!live.has(id)) marks.delete(id);
    const stats = samples.filter((s): s is ContainerStats => s !== undefined);
    if (stats.length) options.send(stats);
    const proxied = (await options.serviceConnect?.stats()) ?? [];
    if (proxied.length) options.serviceConnect!.send(proxied);
    options.log.debug('container metrics sampled', { containers: stats.length, serviceConnect: proxied.length });
  }
}
