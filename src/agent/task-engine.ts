// The task engine: holds what this instance runs, converges it on the control plane's assignment through
// the container runtime, and reports every change. Decisions come from planTask (converge.ts); the engine
// observes (adoption and runtime events: runtime-watch.ts; inspections: local-task.ts), acts
// (container-actions.ts) and reports (state-reports.ts).
//
// One action at a time per container: an action marks its container busy, and when it ends the task is
// planned again. Runtime events never carry state: they make the engine inspect the container.
import type { ContainerHealth, TaskAssignment } from '../core/agent-protocol.js';
import type { Logger } from '../core/ports.js';
import { isRuntimeError, type ContainerRuntime, type ContainerState, type RuntimeEvent } from '../core/runtime.js';
import { ImagePulls } from './image-pulls.js';
import { ContainerActions, removeTaskContainers, type ContainerEnvironmentHook } from './container-actions.js';
import { LABELS } from './container-config.js';
import { planTask, type TaskPhase } from './converge.js';
import {
  adoptedContainer,
  attachAssignment,
  errorMessage,
  foldInspection,
  newTask,
  taskSnapshot,
  taskView,
  type LocalContainer,
  type LocalTask,
  type TaskSnapshot,
} from './local-task.js';
import type { StateReporter } from './reporter.js';
import { labelledContainers, watchRuntimeEvents } from './runtime-watch.js';
import type { SecuritySettings } from './security-settings.js';
import { reportTask } from './state-reports.js';
import type { TaskResources } from './task-resources.js';

export type { ContainerEnvironmentHook } from './container-actions.js';
export type { TaskSnapshot } from './local-task.js';

export interface TaskEngineOptions {
  runtime: ContainerRuntime;
  /** How containers' images are got (default: used when present, pulled when not; no ECR login). */
  images?: ImagePulls;
  reporter: StateReporter;
  log: Logger;
  /** The agent's configured cluster: the value of ECS's cluster label. */
  cluster: string;
  containerInstanceArn: string;
  /** Earlier registrations of this agent whose containers it adopts too (so none is orphaned). */
  previousContainerInstanceArns?: string[];
  /** How long a STOPPED task's containers stay before they are removed. */
  cleanupWaitMs: number;
  containerEnvironment?: ContainerEnvironmentHook;
  /** The resolvers containers with a network of their own get, unless their definition names its own (dnsServers). */
  resolvers?: string[];
  /** What tasks may do on this instance: a task it does not allow stops before its first container is made. */
  security?: SecuritySettings;
  /** What tasks hold on the host besides containers (awsvpc networks, task cgroups). */
  resources?: TaskResources;
  /** Whether a task's containers may start yet (a task with roles waits for their credentials). */
  startable?: (taskArn: string) => boolean;
  /** A container of the task has started (its addresses are known now). */
  containerStarted?: (taskArn: string) => void;
  /** What must be done before a task whose containers have stopped is reported STOPPED (its output sent: awslogs.ts); undefined when nothing. */
  beforeStopped?: (taskArn: string) => Promise<void> | undefined;
}

export class TaskEngine {
  private readonly tasks = new Map<string, LocalTask>();
  /** Runtime container id -> its task and container. */
  private readonly byRuntimeId = new Map<string, { task: LocalTask; container: LocalContainer }>();
  /** Tasks finished and cleaned up that assignments still list: never started again. */
  private readonly finished = new Set<string>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly healthListeners = new Set<(health: ContainerHealth[]) => void>();
  /** Until the first assignment arrives, adopted tasks are only observed: nothing says yet what is wanted. */
  private assigned = false;
  /** Leftovers of tasks no longer here (pause containers, networks) have been looked for. */
  private swept = false;
  /** The instance is gone for good: stopped tasks are cleaned up at once, and `drained` is called when none is left. */
  private retiring?: { drained: () => void };
  private readonly controller = new AbortController();
  private readonly actions: ContainerActions;
  private watching?: Promise<void>;

  constructor(private readonly options: TaskEngineOptions) {
    this.actions = new ContainerActions({
      runtime: options.runtime,
      images: options.images ?? new ImagePulls({ runtime: options.runtime, behavior: 'default', log: options.log }),
      log: options.log,
      cluster: options.cluster,
      containerInstanceArn: options.containerInstanceArn,
      resources: options.resources,
      containerEnvironment: options.containerEnvironment,
      resolvers: options.resolvers,
      security: options.security,
      signal: this.controller.signal,
      created: (task, container) => this.byRuntimeId.set(container.runtimeId!, { task, container }),
      started: (task) => options.containerStarted?.(task.arn),
      observe: (task, container, state) => this.observe(task, container, state),
      inspect: (task, container) => this.inspect(task, container),
    });
  }

  private get runtime() {
    return this.options.runtime;
  }

  private get log() {
    return this.options.log;
  }

  private get ownLabels() {
    return { [LABELS.containerInstanceArn]: this.options.containerInstanceArn };
  }

  /** Subscribes to runtime events, then adopts the containers this instance already has. */
  async start(): Promise<void> {
    // Subscribe first, so that nothing that happens while adopting goes unseen.
    const events = await this.runtime.events(this.ownLabels, this.controller.signal);
    this.watching = watchRuntimeEvents(events, {
      runtime: this.runtime,
      labels: this.ownLabels,
      log: this.log,
      signal: this.controller.signal,
      onEvent: (event) => this.onEvent(event),
      onResumed: () => {
        for (const { task, container } of this.byRuntimeId.values()) this.refresh(task, container);
      },
    });
    const instances = [this.options.containerInstanceArn, ...(this.options.previousContainerInstanceArns ?? [])];
    for (const { taskArn, containerName, state } of await labelledContainers(this.runtime, instances)) {
      this.adoptContainer(taskArn, containerName, state);
    }
    this.log.info('containers adopted', { tasks: this.tasks.size, containers: this.byRuntimeId.size });
  }

  /** Stops acting and observing; containers keep running (a restarted agent adopts them). */
  async close(): Promise<void> {
    this.controller.abort();
    for (const task of this.tasks.values()) {
      clearTimeout(task.wakeTimer);
      clearTimeout(task.cleanupTimer);
    }
    await this.watching;
    while (this.inFlight.size) await Promise.all(this.inFlight);
  }

  /**
   * The instance is gone for good (deregistered): stops every task's containers and removes them with the
   * tasks' volumes at once, since no agent will account for them again; resolves when none is left or
   * the engine is closed. Like an empty assignment, with no cleanup wait.
   */
  async retire(why: string): Promise<void> {
    const drained = new Promise<void>((resolve) => {
      this.retiring = { drained: resolve };
      this.controller.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    this.assigned = true;
    for (const task of this.tasks.values()) {
      this.wantStopped(task, why);
      // A task already STOPPED waits out its cleanup no longer.
      clearTimeout(task.cleanupTimer);
      task.cleanupTimer = undefined;
      this.converge(task);
    }
    this.checkDrained();
    await drained;
  }

  /** The control plane's complete desired set for this instance: converge on it. */
  setAssignment(assignments: TaskAssignment[]): void {
    const wanted = new Set(assignments.map((a) => a.taskArn));
    this.apply(assignments, [...this.tasks.keys(), ...this.finished].filter((arn) => !wanted.has(arn)));
    if (!this.swept) {
      // Once the tasks are known, what an earlier run left for tasks no longer here can go.
      this.swept = true;
      const known = new Set([...wanted, ...this.tasks.keys()]);
      this.track(this.options.resources?.sweep(known).catch((err: unknown) => this.log.warn('task resources not swept', { error: errorMessage(err) })) ?? Promise.resolve());
    }
    for (const task of this.tasks.values()) this.converge(task);
  }

  /** A change to the desired set (after a whole one): `assignments` new or replaced, the tasks `removed` names no longer wanted. */
  changeAssignment(assignments: TaskAssignment[], removed: string[]): void {
    for (const task of this.apply(assignments, removed)) this.converge(task);
  }

  /** Takes assignments and removals into the tasks held; returns the tasks they touched. */
  private apply(assignments: TaskAssignment[], removed: string[]): LocalTask[] {
    this.assigned = true;
    const touched: LocalTask[] = [];
    for (const assignment of assignments) {
      let task = this.tasks.get(assignment.taskArn);
      if (!task) {
        if (this.finished.has(assignment.taskArn)) continue;
        task = this.addTask(assignment.taskArn);
      }
      if (!task.assignment) this.attach(task, assignment);
      if (assignment.desiredStatus === 'STOPPED') this.wantStopped(task, 'stop requested');
      touched.push(task);
    }
    for (const arn of removed) {
      // A finished task only needs remembering while the control plane still lists it.
      this.finished.delete(arn);
      const task = this.tasks.get(arn);
      if (!task) continue;
      this.wantStopped(task, 'not assigned to this instance');
      touched.push(task);
    }
    this.options.resources?.update(assignments);
    return touched;
  }

  /** The ARNs of the tasks the engine holds. */
  taskArns(): string[] {
    return [...this.tasks.keys()];
  }

  /** What the engine knows of a task now (the task metadata endpoint answers from it). */
  snapshot(taskArn: string): TaskSnapshot | undefined {
    const task = this.tasks.get(taskArn);
    return task && taskSnapshot(task);
  }

  /** Current health of every running container with a health check (for a fresh channel). */
  health(): ContainerHealth[] {
    return [...this.tasks.values()].flatMap((task) =>
      [...task.containers.values()]
        .filter((c) => c.health && c.phase === 'RUNNING')
        .map((c) => ({ taskArn: task.arn, containerName: c.name, healthStatus: c.health! })),
    );
  }

  onHealth(listener: (health: ContainerHealth[]) => void): () => void {
    this.healthListeners.add(listener);
    return () => this.healthListeners.delete(listener);
  }

  // --- observing ---------------------------------------------------------------------------------

  private adoptContainer(taskArn: string, name: string, state: ContainerState): void {
    const task = this.tasks.get(taskArn) ?? this.addTask(taskArn);
    const existing = task.containers.get(name);
    if (existing?.runtimeId) {
      // Two containers for one (a crash between create and record): keep the one that ran, drop the other.
      const keepExisting = existing.started || state.status === 'created';
      const drop = keepExisting ? state.id : existing.runtimeId;
      this.log.warn('duplicate container removed', { taskArn, containerName: name, runtimeId: drop });
      void this.runtime.removeContainer(drop).catch(() => undefined);
      if (keepExisting) return;
      this.byRuntimeId.delete(existing.runtimeId);
    }
    const container = adoptedContainer(name, state);
    task.containers.set(name, container);
    this.byRuntimeId.set(state.id, { task, container });
    if (state.finishedAt) task.finishedAt = Math.max(task.finishedAt ?? 0, state.finishedAt.getTime());
  }

  private onEvent(event: RuntimeEvent): void {
    const known = this.byRuntimeId.get(event.containerId);
    if (!known) return;
    const { task, container } = known;
    // Our own starts announce themselves; the start action already knows.
    if (event.kind === 'start' && (container.busy || container.phase === 'RUNNING')) return;
    this.refresh(task, container);
  }

  private refresh(task: LocalTask, container: LocalContainer): void {
    if (container.busy) {
      container.stale = true;
      return;
    }
    this.act(task, container, () => this.inspect(task, container));
  }

  private async inspect(task: LocalTask, container: LocalContainer): Promise<void> {
    if (!container.runtimeId) return;
    try {
      this.observe(task, container, await this.runtime.inspectContainer(container.runtimeId));
    } catch (err) {
      if (!isRuntimeError(err, 'ContainerNotFound')) throw err;
      // Removed behind the agent's back: it is not running, whatever it was.
      if (container.phase !== 'STOPPED') {
        this.log.warn('container vanished', { taskArn: task.arn, containerName: container.name });
        container.phase = 'STOPPED';
      }
      this.byRuntimeId.delete(container.runtimeId);
    }
  }

  private observe(task: LocalTask, container: LocalContainer, state: ContainerState): void {
    const { exited, health } = foldInspection(task, container, state);
    if (exited) this.log.info('container exited', { taskArn: task.arn, containerName: container.name, exitCode: state.exitCode });
    if (health) for (const listener of this.healthListeners) listener([health]);
  }

  // --- deciding ----------------------------------------------------------------------------------

  private addTask(arn: string): LocalTask {
    const task = newTask(arn);
    this.tasks.set(arn, task);
    return task;
  }

  private attach(task: LocalTask, assignment: TaskAssignment): void {
    attachAssignment(task, assignment);
    // What the task holds on the host is set up at once, alongside its images (a failure shows when its first container starts).
    const resources = this.options.resources;
    if (assignment.desiredStatus === 'RUNNING' && resources?.needs(assignment)) resources.prepare(assignment).catch(() => undefined);
  }

  private wantStopped(task: LocalTask, why: string): void {
    if (task.desiredStatus === 'STOPPED') return;
    task.desiredStatus = 'STOPPED';
    this.log.info('stopping task', { taskArn: task.arn, why });
  }

  private converge(task: LocalTask): void {
    if (!this.assigned || this.controller.signal.aborted || this.tasks.get(task.arn) !== task) return;
    const plan = planTask(taskView(task), Date.now());
    for (const { name, reason } of plan.cancel) {
      const c = task.containers.get(name)!;
      c.phase = 'STOPPED';
      c.reason = reason;
    }
    if (plan.stopReason && task.desiredStatus === 'RUNNING') {
      task.stoppedReason = plan.stopReason;
      this.wantStopped(task, plan.stopReason);
    }
    const container = (name: string) => task.containers.get(name)!;
    for (const name of plan.pull) this.act(task, container(name), () => this.actions.pull(task, container(name)));
    if (this.options.startable?.(task.arn) ?? true) {
      for (const name of plan.start) this.act(task, container(name), () => this.actions.start(task, container(name)));
    }
    for (const name of plan.stop) this.act(task, container(name), () => this.actions.stop(task, container(name)));
    const status = this.unlessHolding(task, plan.status);
    const reported = task.reportedStatus;
    reportTask(this.options.reporter, this.log, this.options.cluster, task, status);
    if (reported === 'PENDING' && task.reportedStatus === 'RUNNING' && this.options.resources) {
      // The host's work for later tasks waits until this one's start is through, its RUNNING delivered.
      const resources = this.options.resources;
      void this.options.reporter.delivered(task.arn).then(() => resources.taskRunning(task.arn));
    }

    clearTimeout(task.wakeTimer);
    if (plan.wakeAt !== undefined) {
      task.wakeTimer = setTimeout(() => this.converge(task), Math.max(0, plan.wakeAt - Date.now()));
    }
    if (status === 'STOPPED' && !task.cleanupTimer) {
      const at = this.retiring ? Date.now() : (task.finishedAt ?? Date.now()) + this.options.cleanupWaitMs;
      task.cleanupTimer = setTimeout(() => this.track(this.cleanup(task)), Math.max(0, at - Date.now()));
    }
  }

  /**
   * The status to report: a task is STOPPED only once what it held on the host is released (so its address
   * is free and nothing of it is left running when the control plane hears it stopped) and `beforeStopped`
   * is done (every line of its output sent).
   */
  private unlessHolding(task: LocalTask, status: TaskPhase): TaskPhase {
    if (status !== 'STOPPED' || task.released === true) return status;
    if (task.released === undefined) {
      const resources = this.options.resources;
      // An adopted task whose assignment is gone may still hold a pause container: release it too.
      const holding = resources && (!task.assignment || resources.needs(task.assignment)) ? resources : undefined;
      const work = [
        holding?.release(task.arn).catch((err: unknown) => this.log.error('task resources not released', { taskArn: task.arn, error: errorMessage(err) })),
        this.options.beforeStopped?.(task.arn)?.catch((err: unknown) => this.log.error('task output not sent', { taskArn: task.arn, error: errorMessage(err) })),
      ].filter((w) => w !== undefined);
      if (!work.length) return status;
      task.released = false;
      this.track(
        Promise.all(work).then(() => {
          task.released = true;
          this.converge(task);
        }),
      );
    }
    return task.reportedStatus;
  }

  // --- acting ------------------------------------------------------------------------------------

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  private checkDrained(): void {
    if (this.retiring && this.tasks.size === 0) this.retiring.drained();
  }

  /** Runs one action on a container; when it ends, plans the task again. */
  private act(task: LocalTask, container: LocalContainer, action: () => Promise<void>): void {
    container.busy = true;
    const work = action()
      .catch((err: unknown) => {
        this.log.error('container action failed', { taskArn: task.arn, containerName: container.name, error: errorMessage(err) });
      })
      .finally(() => {
        container.busy = false;
        this.converge(task);
        if (container.stale && !container.busy) {
          container.stale = false;
          this.refresh(task, container);
        }
      });
    this.track(work);
  }

  private async cleanup(task: LocalTask): Promise<void> {
    if (this.controller.signal.aborted) return;
    for (const c of task.containers.values()) if (c.runtimeId) this.byRuntimeId.delete(c.runtimeId);
    await removeTaskContainers(this.runtime, this.log, task);
    this.tasks.delete(task.arn);
    this.finished.add(task.arn);
    this.log.info('task cleaned up', { taskArn: task.arn });
    this.checkDrained();
  }
}
