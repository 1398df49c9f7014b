// The agent's decisions, level-based and pure: from what one task's containers are now, what to do next
// and what the task's status is. The task engine applies a plan (pulls, starts, stops) and plans again
// whenever anything changes; planning twice from the same state gives the same plan.
//
// Follows the ECS agent: a container starts once its dependencies resolve (START: the dependency has
// started; COMPLETE: it exited; SUCCESS: it exited 0; HEALTHY: it reports healthy), and gives up when they
// never can; one that must wait has its image pulled right away, one that need not is created at once
// (the create pulls a missing image: nothing checks the image on the way to a start); an essential
// container that stops stops the task; on the way down a container stops only after the containers that
// depend on it; the task is RUNNING once every container has started, STOPPED once every one has stopped.
import { ESSENTIAL_CONTAINER_EXITED } from '../core/task-lifecycle.js';

export type ContainerCondition = 'START' | 'COMPLETE' | 'SUCCESS' | 'HEALTHY';

/**
 * PENDING: image not yet ensured. PULLED: image present. Either is created and started once its
 * dependencies resolve. RUNNING: started and not seen to exit. STOPPED: exited, or will never run.
 */
export type ContainerPhase = 'PENDING' | 'PULLED' | 'RUNNING' | 'STOPPED';

export interface ContainerView {
  name: string;
  essential: boolean;
  phase: ContainerPhase;
  /** An action on it (pull, start, stop, inspect) is under way: plan nothing more for it now. */
  busy: boolean;
  /** It was started at some point (a STOPPED container may never have run). */
  started: boolean;
  /** When it started (ms since the epoch): dependency start timeouts count from then. */
  startedAt?: number;
  exitCode?: number;
  health?: 'HEALTHY' | 'UNHEALTHY' | 'UNKNOWN';
  /** Seconds dependents wait for this container to reach their condition (its `startTimeout`). */
  startTimeoutSeconds?: number;
  dependsOn: { containerName: string; condition: ContainerCondition }[];
  /** Why it stopped, when it failed rather than exited (e.g. `CannotPullContainerError: ...`). */
  reason?: string;
}

export interface TaskView {
  /** The task's desired status as the agent holds it (once STOPPED, it stays so). */
  desiredStatus: 'RUNNING' | 'STOPPED';
  containers: ContainerView[];
}

export type TaskPhase = 'PENDING' | 'RUNNING' | 'STOPPED';

export interface TaskPlan {
  pull: string[];
  start: string[];
  stop: string[];
  /** Containers that will never run: they are STOPPED from now on, for the reason given. */
  cancel: { name: string; reason?: string }[];
  /** Set when the task must stop though it is desired RUNNING (an essential container stopped). */
  stopReason?: string;
  /** The task's status once the cancellations are applied. */
  status: TaskPhase;
  /** When to plan again even if nothing else changes (a dependency start timeout), ms since the epoch. */
  wakeAt?: number;
}


type Resolution = { kind: 'ready' } | { kind: 'wait'; until?: number } | { kind: 'never'; reason: string };

function resolve(target: ContainerView, byName: Map<string, ContainerView>, now: number): Resolution {
  let waitUntil: number | undefined;
  let waiting = false;
  for (const dep of target.dependsOn) {
    const d = byName.get(dep.containerName);
    const never = (why: string): Resolution => ({
      kind: 'never',
      reason: `DependencyError: container ${target.name} cannot start: ${why}`,
    });
    if (!d) return never(`dependency ${dep.containerName} is not in the task`);
    const stopped = d.phase === 'STOPPED';
    if (stopped && !d.started) return never(`dependency ${d.name} never started`);
    let met: boolean;
    switch (dep.condition) {
      case 'START':
        met = d.started;
        break;
      case 'COMPLETE':
        met = stopped;
        break;
      case 'SUCCESS':
        if (stopped && d.exitCode !== 0) return never(`dependency ${d.name} exited with code ${d.exitCode ?? 'unknown'}`);
        met = stopped;
        break;
      case 'HEALTHY':
        if (stopped) return never(`dependency ${d.name} stopped before it was healthy`);
        met = d.health === 'HEALTHY';
        break;
    }
    if (met) continue;
    waiting = true;
    // The dependency's startTimeout bounds how long dependents wait for it to complete or be healthy.
    if (dep.condition !== 'START' && d.startedAt !== undefined && d.startTimeoutSeconds) {
      const deadline = d.startedAt + d.startTimeoutSeconds * 1000;
      if (now >= deadline) return never(`dependency ${d.name} timed out reaching ${dep.condition}`);
      waitUntil = waitUntil === undefined ? deadline : Math.min(waitUntil, deadline);
    }
  }
  return waiting ? { kind: 'wait', until: waitUntil } : { kind: 'ready' };
}

export function planTask(task: TaskView, now: number): TaskPlan {
  const plan: TaskPlan = { pull: [], start: [], stop: [], cancel: [], status: 'PENDING' };
  // Phases after this plan's cancellations, which later decisions must see.
  const containers = task.containers.map((c) => ({ ...c }));
  const byName = new Map(containers.map((c) => [c.name, c]));
  const cancel = (c: ContainerView, reason?: string) => {
    c.phase = 'STOPPED';
    c.reason = reason;
    plan.cancel.push(reason === undefined ? { name: c.name } : { name: c.name, reason });
  };
  const essentialStopped = () => containers.find((c) => c.essential && c.phase === 'STOPPED');

  let stopping = task.desiredStatus === 'STOPPED';
  // Once an essential container has stopped, what has not started is merely cancelled with the task: its
  // dependencies failing then is a consequence, not a failure of its own (which would misname the cause).
  if (!stopping && !essentialStopped()) {
    // Cancelling one container can make another's dependency unresolvable: repeat until nothing changes.
    for (let changed = true; changed; ) {
      changed = false;
      for (const c of containers) {
        if (c.busy || (c.phase !== 'PENDING' && c.phase !== 'PULLED')) continue;
        const r = resolve(c, byName, now);
        if (r.kind === 'never') {
          cancel(c, r.reason);
          changed = true;
        }
      }
    }
  }
  const exited = stopping ? undefined : essentialStopped();
  if (exited) {
    stopping = true;
    // One that ran exited (its own reason, e.g. OutOfMemoryError, stays on the container, as in ECS); one
    // that never ran gives the task its failure.
    plan.stopReason = exited.started ? ESSENTIAL_CONTAINER_EXITED : (exited.reason ?? ESSENTIAL_CONTAINER_EXITED);
  }

  if (!stopping) {
    for (const c of containers) {
      if (c.busy || (c.phase !== 'PENDING' && c.phase !== 'PULLED')) continue;
      const r = resolve(c, byName, now);
      if (r.kind === 'ready') {
        plan.start.push(c.name);
        continue;
      }
      if (c.phase === 'PENDING') plan.pull.push(c.name);
      if (r.kind === 'wait' && r.until !== undefined) {
        plan.wakeAt = plan.wakeAt === undefined ? r.until : Math.min(plan.wakeAt, r.until);
      }
    }
  } else {
    for (const c of containers) {
      if (!c.busy && (c.phase === 'PENDING' || c.phase === 'PULLED')) cancel(c);
    }
    // A container stops after every container that depends on it has stopped (or is stopping).
    const holds = (c: ContainerView) =>
      containers.some(
        (o) =>
          o.phase !== 'STOPPED' &&
          (o.busy || o.phase === 'RUNNING') &&
          o.dependsOn.some((d) => d.containerName === c.name),
      );
    const running = containers.filter((c) => c.phase === 'RUNNING' && !c.busy);
    const free = running.filter((c) => !holds(c));
    plan.stop.push(...free.map((c) => c.name));
    // A dependency cycle would hold everything forever: then stop them all.
    if (free.length === 0 && running.length > 0 && !containers.some((c) => c.busy)) {
      plan.stop.push(...running.map((c) => c.name));
    }
  }

  const allStopped = containers.every((c) => c.phase === 'STOPPED' && !c.busy);
  const allStarted = containers.every((c) => c.phase === 'RUNNING' || c.phase === 'STOPPED');
  // Like the agent, a task whose essential container already stopped does not go RUNNING on the way down.
  plan.status = allStopped ? 'STOPPED' : allStarted && !stopping ? 'RUNNING' : 'PENDING';
  return plan;
}
