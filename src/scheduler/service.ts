// The ECS service scheduler as a pure function: from a view of one service (the service, its tasks, the
// container instances they need) and the time, the plan that moves it toward its desired state. It is
// level-based: it reads the whole current state every time, so a missed change is never a lost task, and
// planning twice from the same view gives the same plan. The control plane applies the plan (placement
// happens there, inside the same mutation) and plans again whenever anything the service depends on changes.
//
// What it follows (Amazon ECS Developer Guide, "Deploy Amazon ECS services by replacing tasks", "How the
// deployment circuit breaker detects failures", "Amazon ECS service throttle logic"):
// - REPLICA keeps `desiredCount` tasks of the PRIMARY deployment; DAEMON keeps one on every ACTIVE
//   instance its placement constraints admit.
// - Tasks leave (older deployments, draining instances, failed health checks, scale-in) within the
//   deployment configuration: at most maximumPercent of desiredCount (rounded down) running or pending,
//   at least minimumHealthyPercent (rounded up) healthy. Replacements start first when those allow it.
// - The circuit breaker counts tasks of a deployment that fail before any of its tasks was healthy; at
//   the threshold (half the desired count, at least 3, at most 200) the deployment FAILS and, with
//   rollback, the last COMPLETED deployment becomes PRIMARY again.
// - Tasks that keep failing to start are launched less and less often, up to every 27 minutes.
// - Task scale-in protection ("Protect your Amazon ECS tasks from being terminated by scale-in events"): a
//   protected task is not stopped by scale-in nor replaced by a deployment until its protection expires or
//   is removed; the service then runs more than its desired count, or its deployment stays IN_PROGRESS.
//   Failed health checks and lost instances still end it: protection guards against scale-in only.
import type { NetworkConfiguration } from '@aws-sdk/client-ecs';
import { isProtected, runsTaskSets, TASK_STATUS_ORDER, taskHost, type ContainerInstanceRecord, type DeploymentRecord, type ServiceRecord, type TaskRecord, type TaskSetRecord } from '../core/ecs.js';
import { sameData } from '../core/same-data.js';
import type { StopCause } from '../core/task-lifecycle.js';
import { advanceShift, holdsBlue, hooksAt, scalesUpGreen } from './deployment.js';
import * as events from './service-events.js';

export interface ServiceSchedulerOptions {
  /**
   * How long a task whose essential containers have no health check must have been RUNNING before it
   * counts as healthy. ECS waits 40 s; a task that crashes sooner counts as one that failed to start.
   */
  settleMs: number;
  /** How long an instance's agent may stay disconnected before its service tasks are replaced elsewhere. */
  lostAfterMs: number;
  /** How long a minute of a deployment's bake times lasts: 60 000 ms (shorter only for tests, docs/deployments.md). */
  minuteMs: number;
}

export const SCHEDULER_DEFAULTS: ServiceSchedulerOptions = { settleMs: 40_000, lostAfterMs: 20_000, minuteMs: 60_000 };

/** A container instance as the scheduler reads it. */
export interface InstanceView {
  record: ContainerInstanceRecord;
  /** Whether the service's placement constraints (and its task definition's) admit it: DAEMON runs only there. */
  eligible: boolean;
}

export interface ServiceView {
  service: ServiceRecord;
  /** The service's tasks that are not STOPPED, and the STOPPED ones the scheduler has not accounted for yet. */
  tasks: readonly TaskRecord[];
  /** The instances its tasks are on; for DAEMON, every instance of the cluster. */
  instances: ReadonlyMap<string, InstanceView>;
  /**
   * Until when agents may still be reconnecting because the control plane itself restarted: no instance is
   * lost before then, or a restart would replace tasks whose agents were only waiting to reconnect.
   */
  agentsExpectedBy?: Date;
  /** The alarms of deploymentConfiguration.alarms that are in ALARM now. */
  firingAlarms?: readonly string[];
}

/** Tasks to start for a deployment: `count` placed by strategy, or one on a given instance (DAEMON). */
export interface Launch {
  /** The deployment's or task set's id: the tasks' startedBy. */
  deploymentId: string;
  taskDefinition: string;
  count: number;
  containerInstanceArn?: string;
  /** A task set's own (the service's otherwise). */
  networkConfiguration?: NetworkConfiguration;
}

export interface TaskStop {
  taskArn: string;
  cause: StopCause;
}

/** Why a deployment failed: its circuit breaker (at `threshold` failed tasks) or its alarms (those in ALARM). */
export type FailureCause =
  | { by: 'circuitBreaker'; threshold: number }
  | { by: 'alarms'; triggered: readonly string[] }
  | { by: 'lifecycleHook'; hookId: string };

export type DeploymentTransition =
  | { kind: 'completed'; deployment: DeploymentRecord }
  | { kind: 'failed'; deployment: DeploymentRecord; cause: FailureCause; rollbackTo?: DeploymentRecord };

export interface ServicePlan {
  /** The service as it is to be (the very same record when nothing of it changes); events come separately. */
  service: ServiceRecord;
  launches: Launch[];
  /** Tasks to stop through their agents. */
  stops: TaskStop[];
  /** Tasks on lost instances: STOPPED at once, their agents being out of reach. */
  abandon: TaskStop[];
  /** STOPPED tasks now counted (failedTasks, throttle): mark them so no later plan counts them again. */
  accounted: string[];
  /** Service event messages, oldest first. */
  events: string[];
  transitions: DeploymentTransition[];
  /** Plan again after this long even if nothing changes (a task settling, a throttle ending, an agent lost). */
  requeueAfterMs?: number;
}

/** minimumHealthyPercent of the desired count, rounded up, as ECS rounds it. */
export const minimumHealthy = (desired: number, percent: number) => Math.ceil((desired * percent) / 100);
/** maximumPercent of the desired count, rounded down, as ECS rounds it. */
export const maximumRunning = (desired: number, percent: number) => Math.floor((desired * percent) / 100);
/** A task set's share of the service's desired count, rounded up as ECS rounds it (computedDesiredCount). */
export const computedDesiredCount = (desired: number, scalePercent: number) => Math.ceil((desired * scalePercent) / 100);
/** The circuit breaker's failure threshold: half the desired count, at least 3, at most 200. */
export const failureThreshold = (desired: number) => Math.min(200, Math.max(3, Math.ceil(desired / 2)));

/** ECS's service throttle: launches wait after this many failures in a row, doubling up to 27 minutes. */
const THROTTLE_AFTER = 3;
const THROTTLE_FIRST_MS = 5_000;
const THROTTLE_MAX_MS = 27 * 60_000;
export const throttleDelayMs = (failures: number) =>
  failures < THROTTLE_AFTER ? 0 : Math.min(THROTTLE_MAX_MS, THROTTLE_FIRST_MS * 2 ** (failures - THROTTLE_AFTER));

const SCHEDULER = 'ServiceSchedulerInitiated' as const;
const scaling = (deploymentId: string): StopCause => ({ stopCode: SCHEDULER, stoppedReason: `Scaling activity initiated by (deployment ${deploymentId})` });
const HEALTH_CHECKS_FAILED: StopCause = { stopCode: SCHEDULER, stoppedReason: 'Task failed container health checks' };
const elbHealthChecksFailed = (targetGroupArn: string): StopCause => ({ stopCode: SCHEDULER, stoppedReason: `Task failed ELB health checks in (target-group ${targetGroupArn})` });
const INSTANCE_LOST: StopCause = { stopCode: SCHEDULER, stoppedReason: 'Task stopped because its container instance lost its agent' };

/** Epoch ms of a record's timestamp (records hold Dates; no new Date per call: this runs per task, per plan). */
const time = (d: Date | undefined) => d?.getTime();
/** Records are immutable, so whether a task's essential containers have health checks is worked out once per record. */
const checkedTasks = new WeakMap<TaskRecord, boolean>();
function hasHealthChecks(t: TaskRecord): boolean {
  let checked = checkedTasks.get(t);
  if (checked === undefined) checkedTasks.set(t, (checked = t.containers.some((c) => c.essential && c.healthCheck)));
  return checked;
}

/** Health as the scheduler judges it at `at`: the one place load-balancer health joins container health. */
function passesHealthChecks(t: TaskRecord, at: number, settleMs: number): boolean {
  // Behind a load balancer, the target group's health checks decide (with the container's own, if any).
  const targets = t.loadBalancerTargets ?? [];
  if (targets.length > 0) return targets.every((x) => x.health === 'healthy') && (!hasHealthChecks(t) || t.healthStatus === 'HEALTHY');
  if (hasHealthChecks(t)) return t.healthStatus === 'HEALTHY';
  const started = time(t.startedAt);
  return started !== undefined && at - started >= settleMs;
}

/** A task counts as healthy when it is RUNNING, wanted, and its container health checks pass (see ServiceSchedulerOptions.settleMs). */
export const isHealthy = (t: TaskRecord, now: number, settleMs: number): boolean =>
  t.lastStatus === 'RUNNING' && t.desiredStatus === 'RUNNING' && passesHealthChecks(t, now, settleMs);

/** A stopped task that failed before it was ever healthy: what the circuit breaker counts. */
function failedToStart(t: TaskRecord, settleMs: number): boolean {
  if (t.stopCode !== 'TaskFailedToStart' && t.stopCode !== 'EssentialContainerExited') return false;
  return t.startedAt === undefined || !passesHealthChecks(t, time(t.stoppedAt) ?? time(t.startedAt)!, settleMs);
}

/** What ECS's throttle counts: a task that went from PENDING to STOPPED without ever running. */
const neverRan = (t: TaskRecord) => t.startedAt === undefined && (t.stopCode === 'TaskFailedToStart' || t.stopCode === 'EssentialContainerExited');

const RUNNING = TASK_STATUS_ORDER.indexOf('RUNNING');

/** How DescribeServices counts a task: running, pending (placed, not yet RUNNING, still wanted), or not at all. */
export function countedAs(t: TaskRecord): 'running' | 'pending' | undefined {
  if (t.lastStatus === 'RUNNING') return 'running';
  return t.desiredStatus === 'RUNNING' && TASK_STATUS_ORDER.indexOf(t.lastStatus) < RUNNING ? 'pending' : undefined;
}

export function reconcileService(view: ServiceView, now: Date, options: ServiceSchedulerOptions = SCHEDULER_DEFAULTS): ServicePlan {
  return new Reconciliation(view, now.getTime(), options).run();
}

type Leaving = { task: TaskRecord; why: 'replaced' | 'unhealthy' };

/** One planning pass: accumulates the plan while it reads the view. */
class Reconciliation {
  private readonly service: ServiceRecord;
  private deployments: DeploymentRecord[];
  private desiredCount: number;
  private throttle: ServiceRecord['throttle'];
  private completedDeployment: DeploymentRecord | undefined;
  private status: ServiceRecord['status'];
  private taskSets: TaskSetRecord[] | undefined;
  private readonly plan: Omit<ServicePlan, 'service'> = { launches: [], stops: [], abandon: [], accounted: [], events: [], transitions: [] };
  /** Not STOPPED and wanted RUNNING (tasks this plan stops leave it). */
  private live: TaskRecord[] = [];
  /** Not STOPPED, wanted STOPPED: still running, so they still count against maximumPercent. */
  private stopping: TaskRecord[] = [];
  private readonly wakeAt: number[] = [];

  constructor(
    private readonly view: ServiceView,
    private readonly now: number,
    private readonly options: ServiceSchedulerOptions,
  ) {
    this.service = view.service;
    this.deployments = view.service.deployments.map((d) => ({ ...d }));
    this.desiredCount = view.service.desiredCount;
    this.throttle = view.service.throttle;
    this.completedDeployment = view.service.completedDeployment;
    this.status = view.service.status;
    this.taskSets = view.service.taskSets;
  }

  run(): ServicePlan {
    if (this.status === 'INACTIVE') return { service: this.service, ...this.plan };
    this.account();
    this.abandonLost();
    this.observeHealthy();
    if (runsTaskSets(this.service)) this.planTaskSets();
    else if (this.status === 'DRAINING') this.drainService();
    else {
      this.tripCircuitBreaker();
      this.watchAlarms();
      // Said when the throttle starts a wait (a rollback ends it first).
      if (this.throttle?.until && this.throttle.failures > (this.service.throttle?.failures ?? 0)) this.plan.events.push(events.startImpaired(this.name));
      if (this.service.schedulingStrategy === 'DAEMON') this.planDaemon();
      else this.planReplica();
    }
    this.scheduleWakeUps();
    return { service: this.nextService(), ...this.plan };
  }

  private get name(): string {
    return this.service.serviceName;
  }

  private get primary(): DeploymentRecord {
    return this.deployments[0]!;
  }

  /** Health of each task as of this pass, computed once per task. */
  private readonly health = new Map<TaskRecord, boolean>();

  private healthy(t: TaskRecord): boolean {
    let healthy = this.health.get(t);
    if (healthy === undefined) this.health.set(t, (healthy = isHealthy(t, this.now, this.options.settleMs)));
    return healthy;
  }

  private deployment(id: string | undefined): DeploymentRecord | undefined {
    return this.deployments.find((d) => d.id === id);
  }

  /** Counts each STOPPED task once: a failure before it was healthy feeds the circuit breaker and the throttle. */
  private account(): void {
    for (const t of this.view.tasks) {
      if (t.lastStatus !== 'STOPPED') {
        (t.desiredStatus === 'RUNNING' ? this.live : this.stopping).push(t);
        continue;
      }
      if (t.serviceAccounted) continue;
      this.plan.accounted.push(t.taskArn);
      if (failedToStart(t, this.options.settleMs)) {
        const d = this.deployment(t.startedBy);
        if (d && !d.launched && d.rolloutState === 'IN_PROGRESS') d.failedTasks++;
      }
      if (neverRan(t)) this.throttleLaunches(time(t.stoppedAt) ?? this.now);
    }
  }

  private throttleLaunches(at: number): void {
    const failures = (this.throttle?.failures ?? 0) + 1;
    const lastFailureAt = new Date(Math.max(at, time(this.throttle?.lastFailureAt) ?? 0));
    const delay = throttleDelayMs(failures);
    this.throttle = { failures, lastFailureAt, ...(delay > 0 && { until: new Date(this.now + delay) }) };
  }

  /** A task of a deployment that is healthy ends the counting of its failures; one that started after the last failure ends the throttle. */
  private observeHealthy(): void {
    // Usually every deployment has had a healthy task already and nothing is throttled: nothing to look for.
    if (!this.throttle && this.deployments.every((d) => d.launched)) return;
    for (const t of this.live) {
      if (!this.healthy(t)) continue;
      const d = this.deployment(t.startedBy);
      if (d && !d.launched) Object.assign(d, { launched: true, failedTasks: 0 });
      if (this.throttle && (time(t.createdAt) ?? 0) > time(this.throttle.lastFailureAt)!) this.throttle = undefined;
    }
  }

  /** The instance that runs the task: its container instance, or (Fargate) the managed host serving it. */
  private instance(t: TaskRecord): ContainerInstanceRecord | undefined {
    const host = taskHost(t);
    return host === undefined ? undefined : this.view.instances.get(host)?.record;
  }

  /** Deregistered, gone, or its agent away for lostAfterMs: nothing can stop its tasks, so they count as stopped. */
  private isLost(instance: ContainerInstanceRecord | undefined): boolean {
    if (!instance || instance.status === 'INACTIVE') return true;
    if (instance.agentConnected) return false;
    const since = time(instance.agentDisconnectedAt);
    return since !== undefined && this.now >= this.lostAt(since);
  }

  /** When an instance whose agent went away at `since` is lost. */
  private lostAt(since: number): number {
    return Math.max(since + this.options.lostAfterMs, time(this.view.agentsExpectedBy) ?? 0);
  }

  private abandonLost(): void {
    const lostInstances = new Set<string>();
    const keep = (t: TaskRecord) => {
      // A task waiting for its capacity provider's instances has no instance yet, and none to lose.
      if (t.lastStatus === 'PROVISIONING' && taskHost(t) === undefined) return true;
      const instance = this.instance(t);
      if (!this.isLost(instance)) return true;
      this.plan.abandon.push({ taskArn: t.taskArn, cause: INSTANCE_LOST });
      if (t.containerInstanceArn && !lostInstances.has(t.containerInstanceArn)) {
        lostInstances.add(t.containerInstanceArn);
        this.plan.events.push(events.instanceLost(this.name, t.containerInstanceArn));
      }
      return false;
    };
    this.live = this.live.filter(keep);
    this.stopping = this.stopping.filter(keep);
  }

  private tripCircuitBreaker(): void {
    const breaker = this.service.deploymentConfiguration.deploymentCircuitBreaker;
    const p = this.primary;
    const threshold = failureThreshold(p.desiredCount);
    if (!breaker?.enable || p.rolloutState !== 'IN_PROGRESS' || p.launched || p.failedTasks < threshold) return;
    this.fail({ by: 'circuitBreaker', threshold }, breaker.rollback, 'ECS deployment circuit breaker: tasks failed to start.');
  }

  /**
   * deploymentConfiguration.alarms: an alarm in ALARM while a deployment is in progress fails it (and rolls
   * it back when asked). A rollback itself (a return to the last completed deployment) is not watched.
   */
  private watchAlarms(): void {
    const alarms = this.config.alarms;
    const firing = this.view.firingAlarms ?? [];
    const p = this.primary;
    if (!alarms?.enable || firing.length === 0 || p.rolloutState !== 'IN_PROGRESS' || this.completedDeployment?.id === p.id) return;
    this.fail({ by: 'alarms', triggered: firing }, alarms.rollback, `ECS deployment alarms: ${firing.join(', ')} in ALARM.`);
  }

  /** The PRIMARY deployment FAILS; with `rollback`, the last completed deployment becomes PRIMARY again. */
  private fail(cause: FailureCause, rollback: boolean | undefined, reason: string): void {
    const p = this.primary;
    Object.assign(p, { rolloutState: 'FAILED', rolloutStateReason: reason });
    this.plan.events.push(cause.by === 'alarms' ? events.deploymentAlarmed(this.name, p.id, cause.triggered) : events.deploymentFailed(this.name, p.id));
    const target = rollback && this.completedDeployment?.id !== p.id ? this.completedDeployment : undefined;
    if (!target) {
      // Without a deployment to return to, the failed one stays PRIMARY and launches nothing more.
      this.plan.transitions.push({ kind: 'failed', deployment: p, cause });
      return;
    }
    const restored: DeploymentRecord = {
      ...(this.deployment(target.id) ?? target),
      status: 'PRIMARY',
      desiredCount: p.desiredCount,
      failedTasks: 0,
      launched: false,
      rolloutState: 'IN_PROGRESS',
      rolloutStateReason: `${reason.split(':')[0]}: rolling back to deploymentId ${target.id}.`,
    };
    delete restored.trafficShift;
    p.status = 'ACTIVE';
    this.deployments = [restored, ...this.deployments.filter((d) => d.id !== target.id)];
    // Returning to another task definition ends the throttle, as a new deployment does.
    this.throttle = undefined;
    this.plan.events.push(events.rollingBack(this.name, target.id));
    this.plan.transitions.push({ kind: 'failed', deployment: p, cause, rollbackTo: restored });
  }

  private unhealthy(t: TaskRecord): boolean {
    const failsTargets = (t.loadBalancerTargets ?? []).some((x) => x.health === 'unhealthy');
    if (t.lastStatus !== 'RUNNING' || (t.healthStatus !== 'UNHEALTHY' && !failsTargets)) return false;
    const graceEnds = (time(t.startedAt) ?? this.now) + (this.service.healthCheckGracePeriodSeconds ?? 0) * 1000;
    if (graceEnds <= this.now) return true;
    this.wakeAt.push(graceEnds);
    return false;
  }

  private get canLaunch(): boolean {
    const until = time(this.throttle?.until);
    if (until !== undefined && until > this.now) {
      this.wakeAt.push(until);
      return false;
    }
    return this.deployments[0]?.rolloutState !== 'FAILED';
  }

  /**
   * EXTERNAL and CODE_DEPLOY deployment controllers: each task set keeps its computedDesiredCount of tasks (none once it is
   * DRAINING, then it is forgotten when its last task has stopped); tasks of no task set stop. A task set
   * is STEADY_STATE when it runs its count, every task healthy, and nothing of it is starting or stopping.
   */
  private planTaskSets(): void {
    const draining = this.status === 'DRAINING';
    const sets: TaskSetRecord[] = [];
    for (const ts of this.taskSets ?? []) {
      const desired = draining || ts.status === 'DRAINING' ? 0 : computedDesiredCount(this.desiredCount, ts.scale.value);
      const mine = this.live.filter((t) => t.startedBy === ts.id);
      const sick = mine.filter((t) => this.unhealthy(t));
      for (const t of sick) this.plan.events.push(events.failedHealthChecks(this.name, t.taskArn));
      this.stop(sick, HEALTH_CHECKS_FAILED);
      const keep = this.keepersFirst(mine.filter((t) => !sick.includes(t)));
      this.stop(keep.slice(desired), scaling(ts.id));
      const count = desired - Math.min(keep.length, desired);
      if (count > 0 && this.canLaunch) {
        this.plan.launches.push({ deploymentId: ts.id, taskDefinition: ts.taskDefinition, count, ...(ts.networkConfiguration && { networkConfiguration: ts.networkConfiguration }) });
      }
      const running = keep.slice(0, desired);
      const stopping = this.stopping.some((t) => t.startedBy === ts.id);
      if (ts.status === 'DRAINING' && running.length === 0 && !stopping) continue;
      const steady = count === 0 && !stopping && running.every((t) => this.healthy(t));
      const stabilityStatus = steady ? 'STEADY_STATE' : 'STABILIZING';
      const same = stabilityStatus === ts.stabilityStatus && desired === ts.computedDesiredCount;
      sets.push(same ? ts : { ...ts, computedDesiredCount: desired, stabilityStatus, ...(stabilityStatus !== ts.stabilityStatus && { stabilityStatusAt: new Date(this.now) }), updatedAt: new Date(this.now) });
    }
    const known = new Set(sets.map((ts) => ts.id));
    this.stop(this.live.filter((t) => !known.has(t.startedBy ?? '')), { stopCode: SCHEDULER, stoppedReason: 'Task set deleted' });
    this.taskSets = sets;
    if (draining && this.live.length === 0 && this.stopping.length === 0) this.status = 'INACTIVE';
  }

  private planReplica(): void {
    const D = this.desiredCount;
    const p = this.primary;
    p.desiredCount = D;
    // A traffic-shifting deployment (BLUE_GREEN, LINEAR, CANARY) keeps blue whole until its CLEAN_UP stage.
    const shifting = p.rolloutState === 'IN_PROGRESS' && p.trafficShift !== undefined;
    const leaving: Leaving[] = [];
    const blue: TaskRecord[] = [];
    let keep: TaskRecord[] = [];
    for (const t of this.live) {
      if (t.startedBy !== p.id && shifting) blue.push(t);
      else if (t.startedBy !== p.id || this.instance(t)?.status === 'DRAINING') leaving.push({ task: t, why: 'replaced' });
      else if (this.unhealthy(t)) leaving.push({ task: t, why: 'unhealthy' });
      else keep.push(t);
    }
    if (keep.length > D) keep = this.scaleIn(keep, D);
    if (shifting) this.shiftTraffic(p, keep.length === D && keep.every((t) => this.healthy(t)));
    if (!shifting || !holdsBlue(p.trafficShift!)) leaving.push(...blue.map((task) => ({ task, why: 'replaced' as const })));
    this.retire(leaving);
    // Green scales up to the full desired count beside blue, whatever maximumPercent says.
    const room = shifting ? D : maximumRunning(D, this.config.maximumPercent) - this.live.length - this.stopping.length;
    const count = Math.min(D - keep.length, room);
    const mayLaunch = !shifting || scalesUpGreen(p.trafficShift!);
    if (count > 0 && mayLaunch && this.canLaunch) this.plan.launches.push({ deploymentId: p.id, taskDefinition: p.taskDefinition, count });
    this.settle(keep, D, leaving.length === 0 && (count <= 0 || !mayLaunch));
  }

  /**
   * Moves the deployment's traffic shift on; the Lambda hooks of each stage it enters are reported as not
   * run; a PAUSE hook that timed out with ROLLBACK rolls the deployment back.
   */
  private shiftTraffic(p: DeploymentRecord, greenReady: boolean): void {
    const step = advanceShift(p.trafficShift!, { config: this.config, greenReady, minuteMs: this.options.minuteMs, deploymentId: p.id }, new Date(this.now));
    p.trafficShift = step.shift;
    for (const stage of step.entered) {
      for (const hook of hooksAt(this.config.lifecycleHooks, stage)) {
        if (hook.targetType !== 'PAUSE') this.plan.events.push(events.hookNotRun(this.name, p.id, stage, hook.hookTargetArn ?? ''));
      }
    }
    if (step.wakeAfterMs !== undefined) this.wakeAt.push(this.now + step.wakeAfterMs);
    if (step.timedOutHook) this.fail({ by: 'lifecycleHook', hookId: step.timedOutHook.hookId }, true, `ECS deployment lifecycle hook ${step.timedOutHook.hookId} timed out.`);
  }

  private planDaemon(): void {
    const p = this.primary;
    const eligible = [...this.view.instances.values()].filter(
      (i) => i.record.status === 'ACTIVE' && i.eligible && !this.isLost(i.record),
    );
    const D = eligible.length;
    this.desiredCount = D;
    p.desiredCount = D;
    const eligibleArns = new Set(eligible.map((i) => i.record.containerInstanceArn));
    const leaving: Leaving[] = [];
    const keep: TaskRecord[] = [];
    // One task of the primary per eligible instance; tasks elsewhere (draining, no longer admitted), of older deployments, or extra, leave.
    const kept = new Set<string>();
    for (const t of this.keepersFirst(this.live)) {
      const arn = t.containerInstanceArn!;
      if (t.startedBy !== p.id || !eligibleArns.has(arn) || kept.has(arn)) leaving.push({ task: t, why: 'replaced' });
      else if (this.unhealthy(t)) leaving.push({ task: t, why: 'unhealthy' });
      else {
        kept.add(arn);
        keep.push(t);
      }
    }
    this.retire(leaving);
    // One task per instance: an instance gets its task once nothing of the service is left on it.
    let room = maximumRunning(D, this.config.maximumPercent) - this.live.length - this.stopping.length;
    const hosting = new Set([...this.live, ...this.stopping].map((t) => t.containerInstanceArn));
    const free = eligible.filter((i) => !hosting.has(i.record.containerInstanceArn) && i.record.agentConnected);
    if (free.length > 0 && room > 0 && this.canLaunch) {
      for (const i of free) {
        if (room-- <= 0) break;
        this.plan.launches.push({ deploymentId: p.id, taskDefinition: p.taskDefinition, count: 1, containerInstanceArn: i.record.containerInstanceArn });
      }
    }
    this.settle(keep, D, leaving.length === 0 && free.length === 0);
  }

  private get config() {
    return this.service.deploymentConfiguration;
  }

  /** Healthy ones first, then the oldest: the ones to keep when only one may stay. */
  private keepersFirst(tasks: TaskRecord[]): TaskRecord[] {
    return [...tasks].sort((a, b) => Number(this.healthy(b)) - Number(this.healthy(a)) || (time(a.createdAt) ?? 0) - (time(b.createdAt) ?? 0));
  }

  /**
   * Stops the primary's tasks beyond the desired count: those not yet healthy first (newest first), then
   * healthy ones as if taken one by one from the busiest instance, which keeps the rest spread.
   */
  private scaleIn(keep: TaskRecord[], desired: number): TaskRecord[] {
    const newestFirst = (a: TaskRecord, b: TaskRecord) => (time(b.createdAt) ?? 0) - (time(a.createdAt) ?? 0);
    const candidates = keep.filter((t) => !this.protectedNow(t));
    const healthy = candidates.filter((t) => this.healthy(t)).sort(newestFirst);
    const onInstance = new Map<string | undefined, number>();
    for (const t of healthy) onInstance.set(t.containerInstanceArn, (onInstance.get(t.containerInstanceArn) ?? 0) + 1);
    // Taking from the busiest instance each time takes its k-th newest task when it holds count - k + 1.
    const seen = new Map<string | undefined, number>();
    const rank = new Map<TaskRecord, number>();
    for (const t of healthy) {
      const k = seen.get(t.containerInstanceArn) ?? 0;
      seen.set(t.containerInstanceArn, k + 1);
      rank.set(t, onInstance.get(t.containerInstanceArn)! - k);
    }
    const order = [...candidates.filter((t) => !this.healthy(t)).sort(newestFirst), ...healthy.sort((a, b) => rank.get(b)! - rank.get(a)! || newestFirst(a, b))];
    const extra = order.slice(0, keep.length - desired);
    this.stop(extra, scaling(this.primary.id));
    const gone = new Set(extra);
    return keep.filter((t) => !gone.has(t));
  }

  /**
   * Stops leaving tasks within minimumHealthyPercent: those not healthy at once (stopping them costs no
   * health), healthy ones only while enough other healthy tasks remain, so replacements come first.
   */
  private retire(leaving: Leaving[]): void {
    const minHealthy = minimumHealthy(this.desiredCount, this.config.minimumHealthyPercent);
    let healthy = this.live.filter((t) => this.healthy(t)).length;
    const stops: TaskRecord[] = [];
    for (const { task, why } of leaving.sort((a, b) => Number(this.healthy(a.task)) - Number(this.healthy(b.task)))) {
      if (why === 'unhealthy') {
        const failedTarget = task.loadBalancerTargets?.find((x) => x.health === 'unhealthy');
        this.stop([task], failedTarget ? elbHealthChecksFailed(failedTarget.targetGroupArn) : HEALTH_CHECKS_FAILED);
        this.plan.events.push(events.failedHealthChecks(this.name, task.taskArn));
        const d = this.deployment(task.startedBy);
        if (d && !d.launched && d.rolloutState === 'IN_PROGRESS') d.failedTasks++;
      } else if (this.protectedNow(task)) continue;
      else if (!this.healthy(task)) stops.push(task);
      else if (healthy - 1 >= minHealthy) {
        stops.push(task);
        healthy--;
      }
    }
    this.stop(stops, scaling(this.primary.id));
  }

  /** Whether the task's scale-in protection holds now; the plan is made again when it expires. */
  private protectedNow(t: TaskRecord): boolean {
    if (!isProtected(t, this.now)) return false;
    this.wakeAt.push(time(t.protectedUntil)!);
    return true;
  }

  private stop(tasks: TaskRecord[], cause: StopCause): void {
    if (tasks.length === 0) return;
    const gone = new Set(tasks);
    this.live = this.live.filter((t) => !gone.has(t));
    this.stopping.push(...tasks);
    for (const t of tasks) this.plan.stops.push({ taskArn: t.taskArn, cause });
    const running = tasks.filter((t) => t.lastStatus === 'RUNNING').map((t) => t.taskArn);
    this.plan.events.push(...events.stoppedTasks(this.name, running));
  }

  /** DeleteService: every task stops, whatever the deployment configuration; then the service is INACTIVE. */
  private drainService(): void {
    this.desiredCount = 0;
    this.primary.desiredCount = 0;
    this.stop(this.live, scaling(this.primary.id));
    if (this.stopping.length === 0) this.status = 'INACTIVE';
  }

  /**
   * Completes the PRIMARY deployment once it alone runs, with all its desired tasks healthy; drops ACTIVE
   * deployments that have no task left; says when the service has reached a steady state.
   */
  private settle(keep: TaskRecord[], desired: number, nothingPlanned: boolean): void {
    const p = this.primary;
    const stable = nothingPlanned && this.stopping.length === 0 && keep.length === desired && this.live.length === keep.length && keep.every((t) => this.healthy(t));
    if (stable && p.rolloutState === 'IN_PROGRESS') {
      Object.assign(p, { rolloutState: 'COMPLETED', rolloutStateReason: `ECS deployment ${p.id} completed.` });
      delete p.trafficShift;
      this.completedDeployment = { ...p, status: 'PRIMARY' };
      this.plan.events.push(events.deploymentCompleted(this.name, p.id));
      this.plan.transitions.push({ kind: 'completed', deployment: p });
    }
    const tasksOf = new Map<string | undefined, number>();
    for (const t of [...this.live, ...this.stopping]) tasksOf.set(t.startedBy, (tasksOf.get(t.startedBy) ?? 0) + 1);
    this.deployments = this.deployments.filter((d) => d === p || (tasksOf.get(d.id) ?? 0) > 0);
    for (const d of this.deployments) if (d !== p) d.desiredCount = this.live.filter((t) => t.startedBy === d.id).length;
    if (stable && this.deployments.length === 1 && p.rolloutState === 'COMPLETED') this.plan.events.push(events.steadyState(this.name));
  }

  /** When planning again could decide otherwise with nothing else changing. */
  private scheduleWakeUps(): void {
    for (const t of this.live) {
      const started = time(t.startedAt);
      if (t.lastStatus === 'RUNNING' && started !== undefined && !hasHealthChecks(t) && this.now - started < this.options.settleMs) {
        this.wakeAt.push(started + this.options.settleMs);
      }
    }
    // The instances in the view are those the tasks are on (all of them for DAEMON: an early wake is harmless).
    for (const { record } of this.view.instances.values()) {
      const since = time(record.agentDisconnectedAt);
      if (!record.agentConnected && since !== undefined) this.wakeAt.push(this.lostAt(since));
    }
    const next = Math.min(...this.wakeAt.filter((at) => at > this.now));
    if (Number.isFinite(next)) this.plan.requeueAfterMs = next - this.now;
  }

  /** The service record with this plan's changes, or the same record when there are none. */
  private nextService(): ServiceRecord {
    const before = this.service;
    const deployments = this.deployments.map((d) => {
      const old = before.deployments.find((o) => o.id === d.id);
      return old && sameData(old, d) ? old : { ...d, updatedAt: new Date(this.now) };
    });
    const primarySet = this.taskSets?.find((ts) => ts.status === 'PRIMARY');
    const next: ServiceRecord = {
      ...before,
      status: this.status,
      desiredCount: this.desiredCount,
      taskDefinition: deployments[0]?.taskDefinition ?? primarySet?.taskDefinition ?? before.taskDefinition,
      deployments,
      ...(this.taskSets && { taskSets: this.taskSets }),
    };
    if (this.throttle) next.throttle = this.throttle;
    else delete next.throttle;
    if (this.completedDeployment) next.completedDeployment = this.completedDeployment;
    if (this.status === 'INACTIVE') next.deletedAt = new Date(this.now);
    return sameData(next, before) ? before : next;
  }
}
