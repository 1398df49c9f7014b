// Usage records: what a stopped Fargate task would have been billed for on AWS. Fargate bills the task's
// vCPU, memory and ephemeral storage beyond the 20 GiB included, from the moment its image download starts
// until the task stops, rounded up to the second, with a minimum of one minute.
import type { TaskRecord } from './ecs.js';

export interface UsageRecord {
  taskArn: string;
  clusterArn: string;
  launchType: 'FARGATE';
  /** FARGATE or FARGATE_SPOT when the task ran through a capacity provider. */
  capacityProviderName?: string;
  /** Its task definition's family, for the cost reports (absent in records from before it was kept). */
  family?: string;
  /** Its task group (`service:<name>` for a service's tasks), for the cost reports. */
  group?: string;
  startedBy?: string;
  cpuArchitecture: string;
  /** When billing started: the start of the image pull (or, with no pull, of the task's start). */
  billingStartedAt: Date;
  billingStoppedAt: Date;
  /** The billed duration: rounded up to the second, at least 60. */
  billedSeconds: number;
  vcpu: number;
  memoryGB: number;
  /** Ephemeral storage billed (beyond the 20 GiB every task has), in GB. */
  extraEphemeralStorageGB: number;
  /** A task still running, billed up to the report's time (never stored: the cost report makes these). */
  running?: boolean;
}

export const MINIMUM_BILLED_SECONDS = 60;
/** Ephemeral storage every Fargate task gets without charge. */
export const INCLUDED_EPHEMERAL_STORAGE_GIB = 20;

/** The billed duration of a run from `start` to `stop`: rounded up to the second, at least one minute. */
export function billedSeconds(start: Date, stop: Date): number {
  const ms = Math.max(0, new Date(stop).getTime() - new Date(start).getTime());
  return Math.max(MINIMUM_BILLED_SECONDS, Math.ceil(ms / 1000));
}

/**
 * The usage record of a stopped Fargate task; undefined for a task that is not Fargate, not stopped, or
 * never got as far as pulling (it never ran, so AWS bills nothing).
 */
export function fargateUsage(task: TaskRecord): UsageRecord | undefined {
  if (task.lastStatus !== 'STOPPED' || !task.stoppedAt) return undefined;
  return usageUntil(task, task.executionStoppedAt ?? task.stoppedAt);
}

/** A Fargate task still running, billed so far: up to `now` (the cost report counts it, marked running). */
export function openFargateUsage(task: TaskRecord, now: Date): UsageRecord | undefined {
  if (task.lastStatus === 'STOPPED') return undefined;
  const usage = usageUntil(task, now);
  return usage && { ...usage, running: true };
}

function usageUntil(task: TaskRecord, stop: Date): UsageRecord | undefined {
  if (task.launchType !== 'FARGATE') return undefined;
  const start = task.pullStartedAt ?? task.startedAt;
  if (!start) return undefined;
  const storage = task.ephemeralStorage?.sizeInGiB ?? INCLUDED_EPHEMERAL_STORAGE_GIB;
  return {
    taskArn: task.taskArn,
    clusterArn: task.clusterArn,
    launchType: 'FARGATE',
    ...(task.capacityProviderName !== undefined && { capacityProviderName: task.capacityProviderName }),
    family: task.taskDefinitionArn.split('/').at(-1)!.split(':')[0]!,
    ...(task.group !== undefined && { group: task.group }),
    ...(task.startedBy !== undefined && { startedBy: task.startedBy }),
    cpuArchitecture: task.attributes?.find((a) => a.name === 'ecs.cpu-architecture')?.value ?? 'x86_64',
    billingStartedAt: start,
    billingStoppedAt: stop,
    billedSeconds: billedSeconds(start, stop),
    vcpu: Number(task.cpu ?? 0) / 1024,
    memoryGB: Number(task.memory ?? 0) / 1024,
    extraEphemeralStorageGB: Math.max(0, storage - INCLUDED_EPHEMERAL_STORAGE_GIB),
  };
}
