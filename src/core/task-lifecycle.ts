// The lifecycle of an ECS task as pure transitions: every change to a task's status, timestamps, stop
// cause and health goes through here. Each transition returns the very same record when nothing changed,
// or a new one with `version` bumped: as in ECS, one version is one "ECS Task State Change" event, so
// events can be emitted from the task versions that state commits.
import type { HealthStatus, NetworkBinding, TaskStopCode } from '@aws-sdk/client-ecs';
import { TASK_STATUS_ORDER, type ContainerRecord, type TaskRecord, type TaskStatus } from './ecs.js';
import { sameData } from './same-data.js';

export const CONTAINER_STATUS_ORDER = ['PENDING', 'RUNNING', 'STOPPED'] as const;
export type ContainerStatus = (typeof CONTAINER_STATUS_ORDER)[number];

/** ECS's own words for the stop causes it fills in. */
export const STOPPED_BY_USER = 'Task stopped by user';
export const ESSENTIAL_CONTAINER_EXITED = 'Essential container in task exited';
export const TASK_FAILED_TO_START = 'Task failed to start';

export interface StopCause {
  stopCode: TaskStopCode;
  stoppedReason: string;
}

/** What an agent reports about one container (SubmitContainerStateChange, or one of SubmitTaskStateChange's). */
export interface ContainerReport {
  containerName: string;
  status?: string;
  runtimeId?: string;
  imageDigest?: string;
  exitCode?: number;
  reason?: string;
  networkBindings?: NetworkBinding[];
}

/** What an agent reports about a task (SubmitTaskStateChange). */
export interface TaskReport {
  status?: string;
  reason?: string;
  pullStartedAt?: Date;
  pullStoppedAt?: Date;
  executionStoppedAt?: Date;
  containers?: ContainerReport[];
}

export const isTaskStatus = (s: string): s is TaskStatus => (TASK_STATUS_ORDER as readonly string[]).includes(s);
export const isContainerStatus = (s: string): s is ContainerStatus =>
  (CONTAINER_STATUS_ORDER as readonly string[]).includes(s);

const rank = (s: TaskStatus) => TASK_STATUS_ORDER.indexOf(s);
const containerRank = (s: string) => CONTAINER_STATUS_ORDER.indexOf(s as ContainerStatus);

/** A task the agent never started (its containers were not yet running), so nothing runs that needs stopping. */
export const neverStarted = (task: TaskRecord): boolean => rank(task.lastStatus) < rank('ACTIVATING');

/** StopTask, or the control plane's own decision: the task is no longer wanted. The first cause stands. */
export function requestStop(task: TaskRecord, cause: StopCause, now: Date): TaskRecord {
  if (task.desiredStatus === 'STOPPED') return task;
  // A task behind a load balancer deactivates first, as in ECS: its targets drain for the target group's
  // deregistration delay, and only then do its containers get SIGTERM (the agent is told once it is over).
  const deactivate = task.lastStatus === 'RUNNING' && (task.loadBalancerTargets?.length ?? 0) > 0;
  return versioned(task, { ...task, desiredStatus: 'STOPPED', ...cause, stoppingAt: now, ...(deactivate && { lastStatus: 'DEACTIVATING' as const }) });
}

/** An agent's report on one container. */
export function applyContainerReport(task: TaskRecord, report: ContainerReport, now: Date): TaskRecord {
  return applyTaskReport(task, { containers: [report] }, now);
}

/**
 * An agent's report on a task: its status moves forward only (a late or repeated report never moves it
 * back), and the control plane draws the consequences: an essential container that exited or failed to
 * start stops the task (stopCause); STOPPED fills in every stop timestamp and the stop cause.
 */
export function applyTaskReport(task: TaskRecord, report: TaskReport, now: Date): TaskRecord {
  let next: TaskRecord = {
    ...task,
    containers: task.containers.map((c) => {
      const r = report.containers?.find((r) => r.containerName === c.name);
      return r ? mergeContainer(c, r) : c;
    }),
    ...definedOnly({
      pullStartedAt: task.pullStartedAt ?? report.pullStartedAt,
      pullStoppedAt: task.pullStoppedAt ?? report.pullStoppedAt,
      executionStoppedAt: task.executionStoppedAt ?? report.executionStoppedAt,
    }),
  };
  const status = report.status;
  if (status !== undefined && isTaskStatus(status) && rank(status) > rank(task.lastStatus)) {
    next = status === 'STOPPED' ? stop(next, now, report.reason) : advance(next, status, now);
  }
  return versioned(task, settle(next, now));
}

/** Container health, as the agent observes it from the container's health check. */
export function applyHealth(task: TaskRecord, containerName: string, healthStatus: HealthStatus, now: Date): TaskRecord {
  if (task.lastStatus === 'STOPPED') return task;
  const containers = task.containers.map((c) => (c.name === containerName ? { ...c, healthStatus } : c));
  return versioned(task, settle({ ...task, containers }, now));
}

/**
 * The task's health from its essential containers that have a health check: UNHEALTHY if any is, HEALTHY
 * when all are, UNKNOWN otherwise (including when none has a health check), as ECS reports it.
 */
export function taskHealth(containers: readonly ContainerRecord[]): HealthStatus {
  const checked = containers.filter((c) => c.essential && c.healthCheck);
  if (checked.some((c) => c.healthStatus === 'UNHEALTHY')) return 'UNHEALTHY';
  return checked.length > 0 && checked.every((c) => c.healthStatus === 'HEALTHY') ? 'HEALTHY' : 'UNKNOWN';
}

/**
 * Why a task whose containers are as given must stop, if it must. As ECS documents `essential`: an
 * essential container that stops stops the task; a non-essential one never does. An essential container
 * that failed before it ran (a reason and no exit code: CannotPullContainerError, ...) makes the task
 * TaskFailedToStart with that reason, and wins over exit codes, which may be of containers stopped because
 * of it; one that exited makes it EssentialContainerExited. A container stopped with neither exit code nor
 * reason was cancelled by the agent as the task stopped: a consequence, never the cause.
 */
export function stopCause(containers: readonly ContainerRecord[]): StopCause | undefined {
  const stopped = containers.filter((c) => c.essential && c.lastStatus === 'STOPPED');
  const failure = stopped.find((c) => c.exitCode === undefined && c.reason !== undefined)?.reason;
  if (failure !== undefined) return { stopCode: 'TaskFailedToStart', stoppedReason: failure };
  if (stopped.some((c) => c.exitCode !== undefined)) {
    return { stopCode: 'EssentialContainerExited', stoppedReason: ESSENTIAL_CONTAINER_EXITED };
  }
  return undefined;
}

function mergeContainer(c: ContainerRecord, r: ContainerReport): ContainerRecord {
  const moves = r.status !== undefined && isContainerStatus(r.status) && containerRank(r.status) >= containerRank(c.lastStatus);
  if (!moves && r.status !== undefined) return c; // a stale report about an earlier status
  return {
    ...c,
    ...definedOnly({
      lastStatus: r.status,
      runtimeId: r.runtimeId,
      imageDigest: r.imageDigest,
      exitCode: r.exitCode,
      reason: r.reason,
      networkBindings: r.networkBindings,
    }),
  };
}

function advance(task: TaskRecord, status: TaskStatus, now: Date): TaskRecord {
  return {
    ...task,
    lastStatus: status,
    connectivity: 'CONNECTED',
    connectivityAt: task.connectivityAt ?? now,
    ...(rank(status) >= rank('RUNNING') && { startedAt: task.startedAt ?? now }),
  };
}

function stop(task: TaskRecord, now: Date, reason: string | undefined): TaskRecord {
  const ran = task.startedAt !== undefined || task.containers.some((c) => c.exitCode !== undefined);
  // The cause comes from the containers as reported, before the rest are marked stopped with the task.
  const cause: StopCause = task.stopCode
    ? { stopCode: task.stopCode, stoppedReason: task.stoppedReason ?? reason ?? STOPPED_BY_USER }
    : stopCause(task.containers) ??
      (ran
        ? { stopCode: 'EssentialContainerExited', stoppedReason: reason ?? ESSENTIAL_CONTAINER_EXITED }
        : { stopCode: 'TaskFailedToStart', stoppedReason: reason ?? TASK_FAILED_TO_START });
  return {
    ...task,
    ...cause,
    lastStatus: 'STOPPED',
    desiredStatus: 'STOPPED',
    containers: task.containers.map((c) => (c.lastStatus === 'STOPPED' ? c : { ...c, lastStatus: 'STOPPED' })),
    stoppingAt: task.stoppingAt ?? now,
    executionStoppedAt: task.executionStoppedAt ?? now,
    stoppedAt: now,
    ...(ran && { startedAt: task.startedAt ?? now }),
  };
}

/** Consequences that hold whatever the report was: health, and stopping a task whose containers ended. */
function settle(task: TaskRecord, now: Date): TaskRecord {
  const settled = { ...task, healthStatus: taskHealth(task.containers) };
  const cause = settled.desiredStatus === 'RUNNING' ? stopCause(settled.containers) : undefined;
  return cause ? { ...settled, desiredStatus: 'STOPPED', ...cause, stoppingAt: now } : settled;
}

/** The next version of a task, if anything changed. */
function versioned(before: TaskRecord, after: TaskRecord): TaskRecord {
  return sameData(after, before) ? before : { ...after, version: before.version + 1 };
}

function definedOnly<T extends object>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<T>;
}
