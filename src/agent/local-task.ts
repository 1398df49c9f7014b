// What the task engine knows of each task and container it holds, and how an inspection of a container
// folds into it. Pure: the engine owns the records; these functions read and update them.
import type { ContainerDefinition } from '@aws-sdk/client-ecs';
import type { ContainerHealth, TaskAssignment } from '../core/agent-protocol.js';
import type { ContainerState, HealthStatus, NetworkBinding } from '../core/runtime.js';
import { DEFAULT_STOP_TIMEOUT_SECONDS, containerDependencies } from './container-config.js';
import type { ContainerPhase, TaskPhase, TaskView } from './converge.js';

/** What ECS says of a container the kernel killed for memory. */
export const OOM_REASON = 'OutOfMemoryError: Container killed due to memory usage';

/** A task as the engine knows it, for readers outside it. */
export interface TaskSnapshot {
  taskArn: string;
  assignment?: TaskAssignment;
  desiredStatus: 'RUNNING' | 'STOPPED';
  /** What the control plane was last told. */
  knownStatus: TaskPhase;
  pullStartedAt?: Date;
  pullStoppedAt?: Date;
  containers: { name: string; runtimeId?: string; engineName?: string; knownStatus: TaskPhase; exitCode?: number }[];
}

export interface LocalContainer {
  name: string;
  /** The definition as assigned; absent for an adopted container whose task is not assigned. */
  def?: ContainerDefinition;
  phase: ContainerPhase;
  busy: boolean;
  /** A runtime event arrived while busy: inspect once the action ends. */
  stale: boolean;
  started: boolean;
  startedAt?: number;
  runtimeId?: string;
  /** The registry digest of the image it runs (ECR images), reported as the container's imageDigest. */
  imageDigest?: string;
  engineName?: string;
  exitCode?: number;
  reason?: string;
  health?: HealthStatus;
  networkBindings: NetworkBinding[];
  stopTimeoutSeconds: number;
  /** What the control plane was last told about this container. */
  reported?: string;
}

export interface LocalTask {
  arn: string;
  assignment?: TaskAssignment;
  desiredStatus: 'RUNNING' | 'STOPPED';
  /** What the control plane was last told about the task. */
  reportedStatus: TaskPhase;
  stoppedReason?: string;
  containers: Map<string, LocalContainer>;
  pullStartedAt?: Date;
  pullStoppedAt?: Date;
  executionStoppedAt?: Date;
  /** When the task's last container finished (ms): cleanup counts from then. */
  finishedAt?: number;
  volumes?: Promise<void>;
  /** What the task held on the host besides its containers: being released (false), released (true). */
  released?: boolean;
  wakeTimer?: NodeJS.Timeout;
  cleanupTimer?: NodeJS.Timeout;
}

export const errorMessage = (err: unknown) => (err instanceof Error ? err.message : String(err));

export const newTask = (arn: string): LocalTask => ({ arn, desiredStatus: 'RUNNING', reportedStatus: 'PENDING', containers: new Map() });

/** Gives a task its assignment: containers it did not have yet are PENDING; adopted ones get their definition. */
export function attachAssignment(task: LocalTask, assignment: TaskAssignment): void {
  task.assignment = assignment;
  for (const def of assignment.taskDefinition.containerDefinitions ?? []) {
    const name = def.name!;
    const container = task.containers.get(name);
    if (container) {
      container.def = def;
      continue;
    }
    task.containers.set(name, {
      name,
      def,
      phase: 'PENDING',
      busy: false,
      stale: false,
      started: false,
      networkBindings: [],
      stopTimeoutSeconds: def.stopTimeout ?? DEFAULT_STOP_TIMEOUT_SECONDS,
    });
  }
}

/** A container found in the runtime (after an agent restart), as it is now. */
export function adoptedContainer(name: string, state: ContainerState): LocalContainer {
  return {
    name,
    phase: state.status === 'running' ? 'RUNNING' : state.status === 'exited' ? 'STOPPED' : 'PULLED',
    busy: false,
    stale: false,
    started: state.startedAt !== undefined,
    startedAt: state.startedAt?.getTime(),
    runtimeId: state.id,
    engineName: state.name,
    exitCode: state.exitCode,
    reason: state.oomKilled ? OOM_REASON : undefined,
    health: state.health,
    networkBindings: state.networkBindings,
    stopTimeoutSeconds: state.stopTimeoutSeconds ?? DEFAULT_STOP_TIMEOUT_SECONDS,
  };
}

/** What converge.ts plans from. */
export function taskView(task: LocalTask): TaskView {
  return {
    desiredStatus: task.desiredStatus,
    containers: [...task.containers.values()].map((c) => ({
      name: c.name,
      essential: c.def?.essential ?? true,
      phase: c.phase,
      busy: c.busy,
      started: c.started,
      startedAt: c.startedAt,
      exitCode: c.exitCode,
      health: c.health,
      startTimeoutSeconds: c.def?.startTimeout,
      dependsOn: c.def ? containerDependencies(c.def) : [],
      reason: c.reason,
    })),
  };
}

export function taskSnapshot(task: LocalTask): TaskSnapshot {
  return {
    taskArn: task.arn,
    assignment: task.assignment,
    desiredStatus: task.desiredStatus,
    knownStatus: task.reportedStatus,
    pullStartedAt: task.pullStartedAt,
    pullStoppedAt: task.pullStoppedAt,
    containers: [...task.containers.values()].map((c) => ({
      name: c.name,
      runtimeId: c.runtimeId,
      engineName: c.engineName,
      knownStatus: c.phase === 'PULLED' ? 'PENDING' : c.phase,
      exitCode: c.exitCode,
    })),
  };
}

/**
 * Folds an inspection into what the engine knows; a container never moves backwards. Answers whether it
 * exited just now, and its new health when that changed to a status to report.
 */
export function foldInspection(task: LocalTask, container: LocalContainer, state: ContainerState): { exited: boolean; health?: ContainerHealth } {
  let exited = false;
  if (state.networkBindings.length) container.networkBindings = state.networkBindings;
  if (state.status !== 'created' && !container.started) {
    container.started = true;
    container.startedAt = state.startedAt?.getTime();
  }
  if (state.status === 'running' && (container.phase === 'PENDING' || container.phase === 'PULLED')) {
    container.phase = 'RUNNING';
  }
  if (state.status === 'exited' && container.phase !== 'STOPPED') {
    container.phase = 'STOPPED';
    container.exitCode = state.exitCode;
    if (state.oomKilled) container.reason = OOM_REASON;
    exited = true;
  }
  if (state.finishedAt) task.finishedAt = Math.max(task.finishedAt ?? 0, state.finishedAt.getTime());
  const health = container.phase === 'RUNNING' ? state.health : undefined;
  if (health === container.health) return { exited };
  container.health = health;
  return { exited, ...(health && { health: { taskArn: task.arn, containerName: container.name, healthStatus: health } }) };
}
