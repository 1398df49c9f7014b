// Container metrics, control-plane side: the stats agents send over the channel (the latest per container)
// published to CloudWatch a second after reports arrive (agents sample every 10 s), as ECS publishes them:
// - AWS/ECS CPUUtilization and MemoryUtilization per ClusterName+ServiceName (used by the service's tasks
//   / reserved by them × 100; Minimum and Maximum are those of single tasks), and per ClusterName with
//   CPUReservation and MemoryReservation (over what the cluster's container instances registered);
// - ECS/ContainerInsights when the cluster's `containerInsights` setting is enabled (or enhanced): CPU and
//   memory used and reserved, network and storage rates and task counts per cluster, service and task
//   definition family, and per task and container.
// Datapoints are 10-s high-resolution ones (CloudWatch rolls them up to the minute ECS publishes at).
import type { ContainerStats } from '../../core/agent-protocol.js';
import { lastSegment, serviceArnOfTask } from '../../core/arn.js';
import type { Dimension, MetricSample, StandardUnit } from '../../core/cloudwatch.js';
import { taskHost, type ClusterRecord, type TaskRecord } from '../../core/ecs.js';
import { parseTaskCpu, parseTaskMemory, readRegisteredResources } from '../../scheduler/resources.js';
import type { ControlContext } from '../context.js';
import { every } from '../runner.js';
import type { State } from '../state.js';
import { tasksByCluster } from './indexes.js';

export const DEFAULT_PUBLISH_INTERVAL_MS = 10_000;
/** Reports are gathered this long before a round publishes them. */
const PUBLISH_DELAY_MS = 1_000;
const MIB = 1024 * 1024;

/** A container's latest sample and the one before it (rates are taken between them). */
interface Sampled {
  host: string;
  latest: ContainerStats;
  previous?: ContainerStats;
}

/** One task's use and reservation, summed over its containers. */
interface TaskUse {
  task: TaskRecord;
  cpuUsed: number;
  memoryUsedMiB: number;
  cpuReserved: number;
  memoryReservedMiB: number;
  /** Bytes per second since the previous sample. */
  rates: { networkRx: number; networkTx: number; storageRead: number; storageWrite: number };
  containers: { name: string; stats: ContainerStats; cpuReserved: number; memoryReservedMiB: number }[];
}

export class ContainerMetrics {
  /** By task ARN, then container name. */
  private readonly samples = new Map<string, Map<string, Sampled>>();
  /** The round that will publish the reports gathered so far. */
  private publishing?: Promise<void>;

  constructor(
    private readonly ctx: ControlContext,
    private readonly intervalMs = DEFAULT_PUBLISH_INTERVAL_MS,
  ) {}

  /** Keeps an agent's samples of the tasks on its own instance (an agent speaks for nothing else). */
  record(containerInstanceArn: string, stats: unknown): void {
    if (!Array.isArray(stats)) return;
    for (const s of stats.filter(wellFormed)) {
      const task = this.ctx.state.get('task', s.taskArn);
      if (!task || taskHost(task) !== containerInstanceArn) continue;
      let containers = this.samples.get(s.taskArn);
      if (!containers) this.samples.set(s.taskArn, (containers = new Map()));
      const before = containers.get(s.containerName);
      containers.set(s.containerName, { host: containerInstanceArn, latest: s, ...(before && { previous: before.latest }) });
    }
    // At most one round a second, however many agents report: a round reads every running task.
    this.publishing ??= new Promise<void>((resolve) => setTimeout(resolve, PUBLISH_DELAY_MS))
      .then(() => {
        this.publishing = undefined;
        return this.publish();
      })
      .catch((err: Error) => this.ctx.log.warn('container metrics not published', { err: err.message }));
  }

  /** Forgets, every interval until `signal` aborts, the samples of stopped tasks and of containers no longer reporting. */
  run(signal: AbortSignal): Promise<void> {
    return every(this.ctx, 'container metrics', this.intervalMs, signal, () => this.prune());
  }

  private prune(): void {
    const fresh = this.ctx.clock.now().getTime() - 2 * this.intervalMs - 5_000;
    for (const [taskArn, containers] of this.samples) {
      const task = this.ctx.state.get('task', taskArn);
      if (!task || task.lastStatus === 'STOPPED') this.samples.delete(taskArn);
      else for (const [name, s] of containers) if (Date.parse(s.latest.timestamp) < fresh) containers.delete(name);
    }
  }

  /** The metrics of every cluster with running tasks, written to the metric store. */
  async publish(): Promise<void> {
    this.prune();
    const now = periodStart(this.ctx.clock.now());
    if (!this.ctx.metrics) return;
    const samples = [...this.ctx.state.all('cluster')].flatMap((cluster) => clusterMetrics(this.ctx.state, cluster, (arn) => this.samples.get(arn), now));
    if (samples.length) await this.ctx.metrics.put(this.ctx.partition, samples);
  }
}

/** A sample as the agent protocol has it: names as strings, figures as finite non-negative numbers, a time. */
function wellFormed(s: unknown): s is ContainerStats {
  if (typeof s !== 'object' || s === null) return false;
  const c = s as Record<string, unknown>;
  const figure = (k: string) => typeof c[k] === 'number' && Number.isFinite(c[k]) && (c[k] as number) >= 0;
  return (
    typeof c.taskArn === 'string' &&
    typeof c.containerName === 'string' &&
    typeof c.timestamp === 'string' &&
    !Number.isNaN(Date.parse(c.timestamp)) &&
    ['cpuUnits', 'memoryBytes', 'networkRxBytes', 'networkTxBytes', 'storageReadBytes', 'storageWriteBytes'].every(figure)
  );
}

/** A task's figures from its containers' samples; undefined when none has reported. */
function taskUse(task: TaskRecord, sampled: Map<string, Sampled> | undefined): TaskUse | undefined {
  if (!sampled?.size) return undefined;
  const use: TaskUse = {
    task,
    cpuUsed: 0,
    memoryUsedMiB: 0,
    ...taskReservation(task),
    rates: { networkRx: 0, networkTx: 0, storageRead: 0, storageWrite: 0 },
    containers: [],
  };
  for (const [name, { latest, previous }] of sampled) {
    use.cpuUsed += latest.cpuUnits;
    use.memoryUsedMiB += latest.memoryBytes / MIB;
    const seconds = previous ? (Date.parse(latest.timestamp) - Date.parse(previous.timestamp)) / 1000 : 0;
    if (previous && seconds > 0) {
      const rate = (now: number, before: number) => Math.max(0, now - before) / seconds;
      use.rates.networkRx += rate(latest.networkRxBytes, previous.networkRxBytes);
      use.rates.networkTx += rate(latest.networkTxBytes, previous.networkTxBytes);
      use.rates.storageRead += rate(latest.storageReadBytes, previous.storageReadBytes);
      use.rates.storageWrite += rate(latest.storageWriteBytes, previous.storageWriteBytes);
    }
    const container = task.containers.find((c) => c.name === name);
    use.containers.push({ name, stats: latest, cpuReserved: Number(container?.cpu ?? 0), memoryReservedMiB: Number(container?.memoryReservation ?? container?.memory ?? 0) });
  }
  return use;
}

/** What a task reserves, as ECS counts it: task-level cpu and memory, else the sums over its containers. */
export function taskReservation(task: Pick<TaskRecord, 'cpu' | 'memory' | 'containers'>): { cpuReserved: number; memoryReservedMiB: number } {
  const cpu = parseTaskCpu(task.cpu) ?? task.containers.reduce((sum, c) => sum + Number(c.cpu ?? 0), 0);
  const memory = parseTaskMemory(task.memory) ?? task.containers.reduce((sum, c) => sum + Number(c.memoryReservation ?? c.memory ?? 0), 0);
  return { cpuReserved: cpu, memoryReservedMiB: memory };
}

/** A datapoint of one value (or, for utilizations, of several tasks' values with their overall ratio). */
export function sample(namespace: string, name: string, dimensions: Dimension[], at: Date, unit: StandardUnit, value: number, parts?: number[]): MetricSample {
  const count = parts?.length ?? 1;
  return {
    metric: { Namespace: namespace, MetricName: name, Dimensions: dimensions },
    timestamp: at,
    storageResolution: 1,
    unit,
    statistics: { SampleCount: count, Sum: value * count, Minimum: parts ? Math.min(...parts) : value, Maximum: parts ? Math.max(...parts) : value },
  };
}

const percent = (used: number, reserved: number) => (reserved > 0 ? (used / reserved) * 100 : undefined);

/** The AWS/ECS (and Container Insights) datapoints of one cluster at `at`. */
export function clusterMetrics(state: Pick<State, 'where' | 'get' | 'all'>, cluster: ClusterRecord, sampled: (taskArn: string) => Map<string, Sampled> | undefined, at: Date): MetricSample[] {
  const out: MetricSample[] = [];
  const clusterDims = [{ Name: 'ClusterName', Value: cluster.clusterName }];
  const tasks = state.where(tasksByCluster, cluster.clusterArn).filter((t) => t.lastStatus === 'RUNNING');
  if (tasks.length === 0) return out;
  const uses = tasks.flatMap((t) => taskUse(t, sampled(t.taskArn)) ?? []);

  // Per service: what its tasks use over what they reserve.
  const byService = new Map<string, TaskUse[]>();
  for (const use of uses) {
    const service = serviceArnOfTask(use.task);
    if (!service) continue;
    byService.set(service, [...(byService.get(service) ?? []), use]);
  }
  for (const [serviceArn, group] of byService) {
    const dims = [...clusterDims, { Name: 'ServiceName', Value: lastSegment(serviceArn) }];
    const cpu = percent(sum(group, (u) => u.cpuUsed), sum(group, (u) => u.cpuReserved));
    const memory = percent(sum(group, (u) => u.memoryUsedMiB), sum(group, (u) => u.memoryReservedMiB));
    if (cpu !== undefined) out.push(sample('AWS/ECS', 'CPUUtilization', dims, at, 'Percent', cpu, group.flatMap((u) => percent(u.cpuUsed, u.cpuReserved) ?? [])));
    if (memory !== undefined) out.push(sample('AWS/ECS', 'MemoryUtilization', dims, at, 'Percent', memory, group.flatMap((u) => percent(u.memoryUsedMiB, u.memoryReservedMiB) ?? [])));
  }

  // Per cluster: over what its container instances registered (Fargate tasks have none: not counted).
  const instances = [...state.all('containerInstance')].filter((i) => i.clusterArn === cluster.clusterArn && i.status !== 'INACTIVE');
  const registered = instances.map((i) => readRegisteredResources(i.registeredResources));
  const registeredCpu = registered.reduce((s, r) => s + r.cpu, 0);
  const registeredMemory = registered.reduce((s, r) => s + r.memory, 0);
  const onInstances = (t: TaskRecord) => t.containerInstanceArn !== undefined && t.launchType !== 'FARGATE';
  const hosted = uses.filter((u) => onInstances(u.task));
  const reserved = tasks.filter(onInstances).map(taskReservation);
  const clusterFigures: [string, number | undefined][] = [
    ['CPUUtilization', percent(sum(hosted, (u) => u.cpuUsed), registeredCpu)],
    ['MemoryUtilization', percent(sum(hosted, (u) => u.memoryUsedMiB), registeredMemory)],
    ['CPUReservation', percent(sum(reserved, (r) => r.cpuReserved), registeredCpu)],
    ['MemoryReservation', percent(sum(reserved, (r) => r.memoryReservedMiB), registeredMemory)],
  ];
  for (const [name, value] of clusterFigures) if (value !== undefined) out.push(sample('AWS/ECS', name, clusterDims, at, 'Percent', value));

  const insights = cluster.settings?.find((s) => s.name === 'containerInsights')?.value;
  if (insights === 'enabled' || insights === 'enhanced') out.push(...containerInsights(state, cluster, tasks, uses, at));
  return out;
}

/** ECS/ContainerInsights: per cluster, service, task definition family, task and container. */
function containerInsights(state: Pick<State, 'get'>, cluster: ClusterRecord, tasks: TaskRecord[], uses: TaskUse[], at: Date): MetricSample[] {
  const ns = 'ECS/ContainerInsights';
  const out: MetricSample[] = [];
  const clusterDims = [{ Name: 'ClusterName', Value: cluster.clusterName }];
  const figures = (dims: Dimension[], group: TaskUse[]) => {
    out.push(
      sample(ns, 'CpuUtilized', dims, at, 'None', sum(group, (u) => u.cpuUsed)),
      sample(ns, 'CpuReserved', dims, at, 'None', sum(group, (u) => u.cpuReserved)),
      sample(ns, 'MemoryUtilized', dims, at, 'Megabytes', sum(group, (u) => u.memoryUsedMiB)),
      sample(ns, 'MemoryReserved', dims, at, 'Megabytes', sum(group, (u) => u.memoryReservedMiB)),
      sample(ns, 'NetworkRxBytes', dims, at, 'Bytes/Second', sum(group, (u) => u.rates.networkRx)),
      sample(ns, 'NetworkTxBytes', dims, at, 'Bytes/Second', sum(group, (u) => u.rates.networkTx)),
      sample(ns, 'StorageReadBytes', dims, at, 'Bytes', sum(group, (u) => u.rates.storageRead)),
      sample(ns, 'StorageWriteBytes', dims, at, 'Bytes', sum(group, (u) => u.rates.storageWrite)),
    );
  };
  figures(clusterDims, uses);
  out.push(sample(ns, 'TaskCount', clusterDims, at, 'Count', tasks.length));
  const services = new Set(tasks.flatMap((t) => serviceArnOfTask(t) ?? []));
  out.push(sample(ns, 'ServiceCount', clusterDims, at, 'Count', services.size));
  for (const serviceArn of services) {
    const dims = [...clusterDims, { Name: 'ServiceName', Value: lastSegment(serviceArn) }];
    figures(dims, uses.filter((u) => serviceArnOfTask(u.task) === serviceArn));
    const service = state.get('service', serviceArn);
    out.push(sample(ns, 'RunningTaskCount', dims, at, 'Count', tasks.filter((t) => serviceArnOfTask(t) === serviceArn).length));
    if (service) out.push(sample(ns, 'DesiredTaskCount', dims, at, 'Count', service.desiredCount));
  }
  const families = new Map<string, TaskUse[]>();
  for (const use of uses) {
    const family = familyOf(use.task);
    families.set(family, [...(families.get(family) ?? []), use]);
  }
  for (const [family, group] of families) figures([...clusterDims, { Name: 'TaskDefinitionFamily', Value: family }], group);
  for (const use of uses) {
    const taskDims = [...clusterDims, { Name: 'TaskDefinitionFamily', Value: familyOf(use.task) }, { Name: 'TaskId', Value: lastSegment(use.task.taskArn) }];
    figures(taskDims, [use]);
    for (const c of use.containers) {
      const dims = [...taskDims, { Name: 'ContainerName', Value: c.name }];
      out.push(
        sample(ns, 'ContainerCpuUtilized', dims, at, 'None', c.stats.cpuUnits),
        sample(ns, 'ContainerCpuReserved', dims, at, 'None', c.cpuReserved),
        sample(ns, 'ContainerMemoryUtilized', dims, at, 'Megabytes', c.stats.memoryBytes / MIB),
        sample(ns, 'ContainerMemoryReserved', dims, at, 'Megabytes', c.memoryReservedMiB),
      );
    }
  }
  return out;
}

/**
 * The start of the 10-s period a datapoint falls in: what each report gives within a period is filed at
 * its start and merges there, one high-resolution datapoint per period, as ECS aggregates its own.
 */
export const periodStart = (at: Date) => new Date(Math.floor(at.getTime() / HIGH_RESOLUTION_MS) * HIGH_RESOLUTION_MS);
const HIGH_RESOLUTION_MS = 10_000;

const familyOf = (task: TaskRecord) => lastSegment(task.taskDefinitionArn).replace(/:\d+$/, '');

function sum<T>(items: readonly T[], value: (item: T) => number): number {
  return items.reduce((total, item) => total + value(item), 0);
}
