// The task engine: holds what this instance runs, converges it on the control plane's assignment through
// the container runtime, and reports every change. Decisions come from planTask (converge.ts); this file
// only observes (adoption, runtime events, inspections) and acts (pull, create+start, stop, remove).
//
// One action at a time per container: an action marks its container busy, and when it ends the task is
// planned again. Runtime events never carry state: they make the engine inspect the container.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ContainerDefinition, ContainerStateChange, NetworkBinding as EcsNetworkBinding } from '@aws-sdk/client-ecs';
import type { ContainerHealth, TaskAssignment } from '../core/agent-protocol.js';
import type { Logger } from '../core/ports.js';
import {
  isRuntimeError,
  type ContainerRuntime,
  type ContainerSpec,
  type ContainerState,
  type HealthStatus,
  type NetworkBinding,
  type RuntimeEvent,
} from '../core/runtime.js';
import {
  DEFAULT_STOP_TIMEOUT_SECONDS,
  LABELS,
  containerDependencies,
  containerEngineName,
  containerSpec,
  taskVolumes,
  type TaskHostResources,
  type TaskVolume,
} from './container-config.js';
import { planTask, type ContainerPhase, type TaskPhase, type TaskView } from './converge.js';
import type { StateReporter } from './reporter.js';
import type { TaskResources } from './task-resources.js';

/** Extra environment for a container (e.g. ECS_CONTAINER_METADATA_URI_V4 once the metadata endpoint exists). */
export type ContainerEnvironmentHook = (task: TaskAssignment, containerName: string) => Record<string, string>;

export interface TaskEngineOptions {
  runtime: ContainerRuntime;
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
  /** What tasks hold on the host besides containers (awsvpc networks, task cgroups). */
  resources?: TaskResources;
}

/** Environment the ECS agent gives every container on an EC2 container instance. */
const AGENT_ENVIRONMENT = { AWS_EXECUTION_ENV: 'AWS_ECS_EC2' };

const OOM_REASON = 'OutOfMemoryError: Container killed due to memory usage';
/** A failed action is tried again after this long rather than at once. */
const ACTION_RETRY_MS = 1000;
const EVENTS_RETRY_FIRST_MS = 250;
const EVENTS_RETRY_MAX_MS = 10_000;

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

const STATUS_RANK: Record<TaskPhase, number> = { PENDING: 0, RUNNING: 1, STOPPED: 2 };

interface LocalContainer {
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
  engineName?: string;
  exitCode?: number;
  reason?: string;
  health?: HealthStatus;
  networkBindings: NetworkBinding[];
  stopTimeoutSeconds: number;
  /** What the control plane was last told about this container. */
  reported?: string;
}

interface LocalTask {
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

const errorMessage = (err: unknown) => (err instanceof Error ? err.message : String(err));

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
  private watching?: Promise<void>;

  constructor(private readonly options: TaskEngineOptions) {}

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
    this.watching = this.watch(events);
    await this.adopt();
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
    this.assigned = true;
    const wanted = new Map(assignments.map((a) => [a.taskArn, a]));
    for (const assignment of assignments) {
      let task = this.tasks.get(assignment.taskArn);
      if (!task) {
        if (this.finished.has(assignment.taskArn)) continue;
        task = this.addTask(assignment.taskArn);
      }
      if (!task.assignment) this.attach(task, assignment);
      if (assignment.desiredStatus === 'STOPPED') this.wantStopped(task, 'stop requested');
    }
    for (const task of this.tasks.values()) {
      if (!wanted.has(task.arn)) this.wantStopped(task, 'not assigned to this instance');
    }
    // A finished task only needs remembering while the control plane still lists it.
    for (const arn of this.finished) if (!wanted.has(arn)) this.finished.delete(arn);
    this.options.resources?.update(assignments);
    if (!this.swept) {
      // Once the tasks are known, what an earlier run left for tasks no longer here can go.
      this.swept = true;
      const known = new Set([...wanted.keys(), ...this.tasks.keys()]);
      this.track(this.options.resources?.sweep(known).catch((err: unknown) => this.log.warn('task resources not swept', { error: errorMessage(err) })) ?? Promise.resolve());
    }
    for (const task of this.tasks.values()) this.converge(task);
  }

  /** The ARNs of the tasks the engine holds. */
  taskArns(): string[] {
    return [...this.tasks.keys()];
  }

  /** What the engine knows of a task now (the task metadata endpoint answers from it). */
  snapshot(taskArn: string): TaskSnapshot | undefined {
    const task = this.tasks.get(taskArn);
    if (!task) return undefined;
    return {
      taskArn,
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

  private async adopt(): Promise<void> {
    const arns = new Set([this.options.containerInstanceArn, ...(this.options.previousContainerInstanceArns ?? [])]);
    for (const arn of arns) {
      for (const summary of await this.runtime.listContainers({ [LABELS.containerInstanceArn]: arn })) {
        const taskArn = summary.labels[LABELS.taskArn];
        const name = summary.labels[LABELS.containerName];
        if (!taskArn || !name) continue;
        const state = await this.runtime.inspectContainer(summary.id).catch((err: unknown) => {
          if (isRuntimeError(err, 'ContainerNotFound')) return undefined;
          throw err;
        });
        if (state) this.adoptContainer(taskArn, name, state);
      }
    }
    this.log.info('containers adopted', { tasks: this.tasks.size, containers: this.byRuntimeId.size });
  }

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
    const container: LocalContainer = {
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
    task.containers.set(name, container);
    this.byRuntimeId.set(state.id, { task, container });
    if (state.finishedAt) task.finishedAt = Math.max(task.finishedAt ?? 0, state.finishedAt.getTime());
  }

  private async watch(events: AsyncIterable<RuntimeEvent>): Promise<void> {
    const signal = this.controller.signal;
    for (let attempt = 0; !signal.aborted; ) {
      try {
        for await (const event of events) {
          attempt = 0;
          this.onEvent(event);
        }
      } catch (err) {
        this.log.warn('runtime event stream lost', { error: errorMessage(err) });
      }
      for (; !signal.aborted; attempt++) {
        await sleep(Math.min(EVENTS_RETRY_MAX_MS, EVENTS_RETRY_FIRST_MS * 2 ** attempt), undefined, { signal }).catch(
          () => undefined,
        );
        if (signal.aborted) return;
        try {
          events = await this.runtime.events(this.ownLabels, signal);
          break;
        } catch (err) {
          this.log.warn('runtime event stream unavailable', { error: errorMessage(err) });
        }
      }
      // Whatever happened while the stream was down went unseen: look at every container again.
      for (const { task, container } of this.byRuntimeId.values()) this.refresh(task, container);
    }
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

  /** Folds an inspection into what the engine knows; a container never moves backwards. */
  private observe(task: LocalTask, container: LocalContainer, state: ContainerState): void {
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
      this.log.info('container exited', { taskArn: task.arn, containerName: container.name, exitCode: state.exitCode });
    }
    if (state.finishedAt) task.finishedAt = Math.max(task.finishedAt ?? 0, state.finishedAt.getTime());
    const health = container.phase === 'RUNNING' ? state.health : undefined;
    if (health !== container.health) {
      container.health = health;
      if (health) {
        const change = [{ taskArn: task.arn, containerName: container.name, healthStatus: health }];
        for (const listener of this.healthListeners) listener(change);
      }
    }
  }

  // --- deciding ----------------------------------------------------------------------------------

  private addTask(arn: string): LocalTask {
    const task: LocalTask = { arn, desiredStatus: 'RUNNING', reportedStatus: 'PENDING', containers: new Map() };
    this.tasks.set(arn, task);
    return task;
  }

  private attach(task: LocalTask, assignment: TaskAssignment): void {
    task.assignment = assignment;
    // What the task holds on the host is set up at once, alongside its images (a failure shows when its first container starts).
    const resources = this.options.resources;
    if (assignment.desiredStatus === 'RUNNING' && resources?.needs(assignment)) resources.prepare(assignment).catch(() => undefined);
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

  private wantStopped(task: LocalTask, why: string): void {
    if (task.desiredStatus === 'STOPPED') return;
    task.desiredStatus = 'STOPPED';
    this.log.info('stopping task', { taskArn: task.arn, why });
  }

  private view(task: LocalTask): TaskView {
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

  private converge(task: LocalTask): void {
    if (!this.assigned || this.controller.signal.aborted || this.tasks.get(task.arn) !== task) return;
    const plan = planTask(this.view(task), Date.now());
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
    for (const name of plan.pull) this.act(task, container(name), () => this.pull(task, container(name)));
    for (const name of plan.start) this.act(task, container(name), () => this.startContainer(task, container(name)));
    for (const name of plan.stop) this.act(task, container(name), () => this.stopContainer(task, container(name)));
    const status = this.unlessHolding(task, plan.status);
    this.report(task, status);

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
   * is free and nothing of it is left running when the control plane hears it stopped).
   */
  private unlessHolding(task: LocalTask, status: TaskPhase): TaskPhase {
    const resources = this.options.resources;
    if (status !== 'STOPPED' || !resources || task.released === true) return status;
    // An adopted task whose assignment is gone may still hold a pause container: release it too.
    if (task.assignment && !resources.needs(task.assignment)) return status;
    if (task.released === undefined) {
      task.released = false;
      const release = resources
        .release(task.arn)
        .catch((err: unknown) => this.log.error('task resources not released', { taskArn: task.arn, error: errorMessage(err) }))
        .then(() => {
          task.released = true;
          this.converge(task);
        });
      this.track(release);
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

  /** Ensures the image of a container that waits for its dependencies, so it starts the moment they resolve. */
  private async pull(task: LocalTask, container: LocalContainer): Promise<void> {
    let present: boolean;
    try {
      present = await this.runtime.hasImage(container.def!.image!);
    } catch (err) {
      return this.fail(task, container, 'CannotPullContainerError', err);
    }
    if ((present || (await this.pullImage(task, container))) && container.phase === 'PENDING') container.phase = 'PULLED';
  }

  /** Pulls the container's image, timing the task's pull; false when it cannot (the container then failed). */
  private async pullImage(task: LocalTask, container: LocalContainer): Promise<boolean> {
    task.pullStartedAt ??= new Date();
    this.log.info('pulling image', { taskArn: task.arn, image: container.def!.image });
    try {
      await this.runtime.pullImage(container.def!.image!, this.controller.signal);
      return true;
    } catch (err) {
      this.fail(task, container, 'CannotPullContainerError', err);
      return false;
    } finally {
      task.pullStoppedAt = new Date();
    }
  }

  /**
   * Creates the container. No image check on the way to a start: the image is pulled only when the engine
   * says it is missing, then the create is tried once more. Undefined when it failed.
   */
  private async create(task: LocalTask, container: LocalContainer, spec: ContainerSpec): Promise<string | undefined> {
    try {
      return await this.runtime.createContainer(spec);
    } catch (err) {
      if (!isRuntimeError(err, 'ImageNotFound')) return void this.fail(task, container, 'CannotCreateContainerError', err);
    }
    if (!(await this.pullImage(task, container))) return undefined;
    try {
      return await this.runtime.createContainer(spec);
    } catch (err) {
      return void this.fail(task, container, 'CannotCreateContainerError', err);
    }
  }

  private fail(task: LocalTask, container: LocalContainer, reason: string, err: unknown): void {
    container.phase = 'STOPPED';
    container.reason = `${reason}: ${errorMessage(err)}`;
    this.log.warn('container failed', { taskArn: task.arn, containerName: container.name, reason: container.reason });
  }

  /** Creates the task's volumes once, before its first container. */
  private prepareVolumes(task: LocalTask, volumes: TaskVolume[]): Promise<void> {
    task.volumes ??= (async () => {
      for (const volume of volumes) {
        if (volume.kind === 'unsupported') throw new Error(volume.reason);
        if (volume.kind !== 'volume') continue;
        if (volume.scope === 'shared' && (await this.runtime.hasVolume(volume.spec.name))) continue;
        if (volume.scope === 'shared' && !volume.autoprovision) {
          throw new Error(`shared volume ${volume.spec.name} does not exist and autoprovision is off`);
        }
        await this.runtime.createVolume(volume.spec);
      }
    })();
    return task.volumes;
  }

  private volumes(task: LocalTask): TaskVolume[] {
    return taskVolumes(task.assignment!, {
      [LABELS.taskArn]: task.arn,
      [LABELS.cluster]: this.options.cluster,
      [LABELS.containerInstanceArn]: this.options.containerInstanceArn,
    });
  }

  private async startContainer(task: LocalTask, container: LocalContainer): Promise<void> {
    const assignment = task.assignment!;
    const volumes = this.volumes(task);
    let host: TaskHostResources | undefined;
    try {
      await this.prepareVolumes(task, volumes);
      const resources = this.options.resources;
      if (resources?.needs(assignment)) host = await resources.prepare(assignment);
    } catch (err) {
      return this.fail(task, container, 'ResourceInitializationError', err);
    }
    if (!container.runtimeId) {
      const engineName = containerEngineName(assignment, container.name, randomBytes(10).toString('hex'));
      const siblings = Object.fromEntries(
        [...task.containers.values()].filter((c) => c.engineName).map((c) => [c.name, c.engineName!]),
      );
      const spec = containerSpec({
        task: assignment,
        container: container.def!,
        engineName,
        cluster: this.options.cluster,
        containerInstanceArn: this.options.containerInstanceArn,
        volumes,
        siblings,
        agentEnvironment: { ...AGENT_ENVIRONMENT, ...this.options.containerEnvironment?.(assignment, container.name) },
        host,
      });
      container.runtimeId = await this.create(task, container, spec);
      if (!container.runtimeId) return;
      container.engineName = engineName;
      this.byRuntimeId.set(container.runtimeId, { task, container });
    }
    try {
      await this.runtime.startContainer(container.runtimeId);
    } catch (err) {
      return this.fail(task, container, 'CannotStartContainerError', err);
    }
    container.started = true;
    container.startedAt = Date.now();
    if (container.phase === 'PENDING' || container.phase === 'PULLED') container.phase = 'RUNNING';
    this.log.info('container started', { taskArn: task.arn, containerName: container.name, runtimeId: container.runtimeId });
    const ports = container.def!.portMappings ?? [];
    if (assignment.taskDefinition.networkMode === 'host') {
      // Host networking binds container ports on the host as they are.
      container.networkBindings = ports.map((p) => ({
        bindIP: '0.0.0.0',
        containerPort: p.containerPort!,
        hostPort: p.containerPort!,
        protocol: p.protocol ?? 'tcp',
      }));
    } else if (ports.length) {
      // Dynamic host ports are known only once Docker has bound them.
      this.observe(task, container, await this.runtime.inspectContainer(container.runtimeId));
    }
  }

  private async stopContainer(task: LocalTask, container: LocalContainer): Promise<void> {
    try {
      await this.runtime.stopContainer(container.runtimeId!, container.stopTimeoutSeconds);
    } catch (err) {
      if (!isRuntimeError(err, 'ContainerNotFound')) {
        this.log.warn('container stop failed', { taskArn: task.arn, containerName: container.name, error: errorMessage(err) });
        await sleep(ACTION_RETRY_MS, undefined, { signal: this.controller.signal }).catch(() => undefined);
        return;
      }
    }
    await this.inspect(task, container);
  }

  private async cleanup(task: LocalTask): Promise<void> {
    if (this.controller.signal.aborted) return;
    for (const c of task.containers.values()) {
      if (!c.runtimeId) continue;
      this.byRuntimeId.delete(c.runtimeId);
      await this.runtime.removeContainer(c.runtimeId).catch((err: unknown) =>
        this.log.warn('container removal failed', { taskArn: task.arn, runtimeId: c.runtimeId, error: errorMessage(err) }),
      );
    }
    // Task-scoped volumes carry the task's label (shared ones never do).
    const volumes = await this.runtime.listVolumes({ [LABELS.taskArn]: task.arn }).catch(() => []);
    for (const name of volumes) {
      await this.runtime.removeVolume(name).catch((err: unknown) =>
        this.log.warn('volume removal failed', { taskArn: task.arn, volume: name, error: errorMessage(err) }),
      );
    }
    this.tasks.delete(task.arn);
    this.finished.add(task.arn);
    this.log.info('task cleaned up', { taskArn: task.arn });
    this.checkDrained();
  }

  // --- reporting ---------------------------------------------------------------------------------

  private report(task: LocalTask, status: TaskPhase): void {
    const changed = [...task.containers.values()].filter(
      (c) => (c.phase === 'RUNNING' || c.phase === 'STOPPED') && reportKey(c) !== c.reported,
    );
    const cluster = task.assignment?.clusterArn ?? this.options.cluster;
    if (STATUS_RANK[status] > STATUS_RANK[task.reportedStatus]) {
      task.reportedStatus = status;
      if (status === 'STOPPED') task.executionStoppedAt ??= new Date(task.finishedAt ?? Date.now());
      this.log.info('task state changed', { taskArn: task.arn, status, reason: task.stoppedReason });
      this.options.reporter.submitTaskStateChange({
        cluster,
        task: task.arn,
        status,
        reason: status === 'STOPPED' ? task.stoppedReason : undefined,
        containers: changed.map(containerChange),
        pullStartedAt: task.pullStartedAt,
        pullStoppedAt: task.pullStoppedAt,
        executionStoppedAt: status === 'STOPPED' ? task.executionStoppedAt : undefined,
      });
    } else {
      for (const c of changed) this.options.reporter.submitContainerStateChange({ cluster, task: task.arn, ...containerChange(c) });
    }
    for (const c of changed) c.reported = reportKey(c);
  }
}

const reportKey = (c: LocalContainer) => `${c.phase}:${c.exitCode}:${c.reason}:${c.networkBindings.length}`;

function containerChange(c: LocalContainer): ContainerStateChange & { containerName: string } {
  return {
    containerName: c.name,
    runtimeId: c.runtimeId,
    status: c.phase,
    exitCode: c.phase === 'STOPPED' ? c.exitCode : undefined,
    reason: c.reason,
    networkBindings: c.networkBindings.map((b): EcsNetworkBinding => ({ ...b })),
  };
}
