// The service controller: runs the service scheduler (scheduler/service.ts) for every service and applies
// its plans. Level-based: a committed change marks the services it may concern, which are planned again a
// moment later (changes close together are planned together); a timer plans every service now and then
// anyway, and each plan may ask to be planned again after a while. A plan is applied in one mutation,
// from the state it was made from: tasks stopped, tasks launched (placed here, against the cluster's
// snapshot), the service and its service deployments updated.
import { serviceArnOfTask, serviceGroup } from '../../core/arn.js';
import { taskHost, type ClusterRecord, type ServiceRecord, type TaskDefinitionRecord, type TaskRecord } from '../../core/ecs.js';
import { AwsError } from '../../core/errors.js';
import type { Ids } from '../../core/ports.js';
import { applyTaskReport, neverStarted, requestStop } from '../../core/task-lifecycle.js';
import { parseClusterQuery } from '../../scheduler/cluster-query.js';
import { hookDetail } from '../../scheduler/deployment.js';
import { placeOnInstances, placeTasks, MAX_TASKS_PER_REQUEST, type PlacementPlan } from '../../scheduler/placement.js';
import { reconcileService, SCHEDULER_DEFAULTS, type DeploymentTransition, type InstanceView, type Launch, type ServicePlan, type ServiceSchedulerOptions, type ServiceView } from '../../scheduler/service.js';
import { startedTasks, unableToPlace } from '../../scheduler/service-events.js';
import type { ClusterSnapshot } from '../../scheduler/snapshot.js';
import { clusterSnapshots } from './cluster-snapshots.js';
import type { ControlContext } from '../context.js';
import { launchOnGroupProviders } from './capacity-provider-tasks.js';
import { fargatePlatformVersion, launchFargateSplit } from './fargate.js';
import { randomFrom } from './run-task.js';
import { routeTraffic } from './deployment-traffic.js';
import { forgetHistory } from './services.js';
import { serviceConnectContainerName, serviceConnectProxied } from './service-connect.js';
import { launchTasks, type LaunchRequest } from './task-launch.js';
import { RETENTION_MS } from './retention.js';
import { ControllerRunner } from '../runner.js';
import type { Change, Transaction } from '../state.js';
import { containerInstancesByCluster, serviceDeploymentsByService, servicesByCluster, tasksByService } from './indexes.js';

export interface ServiceControllerOptions extends ServiceSchedulerOptions {
  /** Changes this close together are planned together. */
  debounceMs: number;
  /** Every service is planned this often whatever happens. */
  resyncMs: number;
  /** A service whose tasks could not all be placed is planned again after this long. */
  placementRetryMs: number;
  /** How long an INACTIVE service stays describable. */
  inactiveRetentionMs: number;
  /** After the control plane starts, how long agents have to reconnect before any instance counts as lost. */
  reconnectGraceMs: number;
}

export const SERVICE_CONTROLLER_DEFAULTS: ServiceControllerOptions = {
  ...SCHEDULER_DEFAULTS,
  debounceMs: 20,
  resyncMs: 15_000,
  placementRetryMs: 5_000,
  inactiveRetentionMs: RETENTION_MS,
  reconnectGraceMs: 35_000,
};

/** ECS balances a service's tasks across Availability Zones, then instances, unless the service says otherwise. */
const DEFAULT_STRATEGY = [
  { type: 'spread' as const, field: 'attribute:ecs.availability-zone' },
  { type: 'spread' as const, field: 'instanceId' },
];

const MAX_EVENTS = 100;

/** ECS service event ids are UUIDs. */
export const uuid = (ids: Ids) => ids.id().replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');

interface Applied {
  requeueAfterMs?: number;
  launched: number;
  stopped: number;
}

export class ServiceController {
  private readonly options: ServiceControllerOptions;
  private readonly runner: ControllerRunner<string>;
  /** Agents reconnect within 30 s of a control plane restart (their backoff's cap); until then none is lost. */
  private readonly agentsExpectedBy: Date;

  constructor(
    private readonly ctx: ControlContext,
    options: Partial<ServiceControllerOptions> = {},
  ) {
    this.options = { ...SERVICE_CONTROLLER_DEFAULTS, ...(ctx.deploymentMinuteMs && { minuteMs: ctx.deploymentMinuteMs }), ...options };
    this.agentsExpectedBy = new Date(ctx.clock.now().getTime() + this.options.reconnectGraceMs);
    this.runner = new ControllerRunner(ctx, (serviceArn) => this.reconcile(serviceArn), {
      name: 'service',
      triggers: (changes) => this.concerned(changes),
      debounceMs: this.options.debounceMs,
      resync: { everyMs: this.options.resyncMs, keys: () => [...ctx.state.all('service')].map((s) => s.serviceArn) },
      retryMs: this.options.placementRetryMs,
      // Planning a large service costs milliseconds: while changes keep coming (agents reporting thousands
      // of tasks), plan at most a fifth of the time so the reports themselves go through.
      busyShare: 0.2,
      // Each plan is one mutation: many at once share a group commit (a burst of CreateService calls).
      concurrency: 64,
    });
  }

  /** Plans services until `signal` aborts; resolves once the last plan has been applied. */
  run(signal: AbortSignal): Promise<void> {
    return this.runner.run(signal);
  }

  /** Plans one service and applies the plan (public so tests drive it with their own clock). */
  async reconcile(serviceArn: string): Promise<Applied> {
    const booked: { snapshot: ClusterSnapshot; task: TaskRecord }[] = [];
    try {
      return await this.ctx.state.mutate((tx) => this.apply(tx, serviceArn, booked));
    } catch (err) {
      // The tasks booked on the snapshot were never committed.
      for (const { snapshot, task } of booked) snapshot.removeTask(task.taskArn);
      throw err;
    }
  }

  /** The services a commit may concern: those of its tasks, of its instances' clusters, and its own. */
  private concerned(changes: Change[]): Set<string> {
    const services = new Set<string>();
    for (const change of changes) {
      if (change.kind === 'task') {
        const { before, after } = change as Change<'task'>;
        for (const t of [before, after]) {
          const arn = t && serviceArnOfTask(t);
          if (arn) services.add(arn);
        }
      } else if (change.kind === 'containerInstance') {
        const instance = (change.after ?? change.before) as { clusterArn: string };
        for (const s of this.ctx.state.where(servicesByCluster, instance.clusterArn)) services.add(s.serviceArn);
      } else if (change.kind === 'service') {
        services.add(change.id);
      } else if (change.kind === 'metricAlarm' || change.kind === 'compositeAlarm') {
        // deploymentConfiguration.alarms: a deployment in progress hears its alarms at once.
        for (const s of this.ctx.state.all('service')) if (s.deploymentConfiguration.alarms?.alarmNames?.includes(change.id)) services.add(s.serviceArn);
      }
    }
    return services;
  }

  /** Plans and applies, inside one mutation. */
  private apply(tx: Transaction, serviceArn: string, booked: { snapshot: ClusterSnapshot; task: TaskRecord }[]): Applied {
    const service = tx.get('service', serviceArn);
    const now = this.ctx.clock.now();
    if (!service) return { launched: 0, stopped: 0 };
    if (service.status === 'INACTIVE') return this.expire(tx, service, now);
    const snapshot = clusterSnapshots(this.ctx.state).of(service.clusterArn);
    const plan = reconcileService(this.view(service, snapshot), now, this.options);

    for (const { taskArn, cause } of plan.abandon) {
      const task = tx.get('task', taskArn)!;
      tx.put('task', taskArn, { ...applyTaskReport(requestStop(task, cause, now), { status: 'STOPPED' }, now), serviceAccounted: true });
    }
    for (const taskArn of plan.accounted) tx.put('task', taskArn, { ...tx.get('task', taskArn)!, serviceAccounted: true });
    for (const { taskArn, cause } of plan.stops) {
      const task = tx.get('task', taskArn)!;
      let next = requestStop(task, cause, now);
      // With no agent to hear of it, a task that never started is stopped here, as StopTask does.
      const host = taskHost(next);
      const instance = host ? tx.get('containerInstance', host) : undefined;
      if (neverStarted(next) && !instance?.agentConnected) next = applyTaskReport(next, { status: 'STOPPED' }, now);
      if (next !== task) tx.put('task', taskArn, next);
    }

    const messages = [...plan.events];
    let requeueAfterMs = plan.requeueAfterMs;
    let launched = 0;
    const cluster = tx.get('cluster', service.clusterArn)!;
    for (const launch of plan.launches) {
      const outcome = this.launch(tx, cluster, plan.service, launch, snapshot, booked);
      launched += outcome.started.length;
      messages.push(...startedTasks(service.serviceName, outcome.started));
      if (outcome.unplaced) {
        messages.push(outcome.unplaced);
        requeueAfterMs = Math.min(requeueAfterMs ?? Infinity, this.options.placementRetryMs);
      }
    }
    this.recordTransitions(tx, plan, now);
    this.recordLifecycleStage(tx, plan.service, now);
    const next = this.withEvents(plan.service, messages, now);
    if (next !== service) tx.put('service', serviceArn, { ...next, version: service.version + 1 });
    routeTraffic(this.ctx, tx, next);
    if (launched > 0 || plan.stops.length > 0 || plan.abandon.length > 0) {
      this.ctx.log.info('service reconciled', { serviceArn, launched, stopped: plan.stops.length, abandoned: plan.abandon.length });
    }
    return { requeueAfterMs, launched, stopped: plan.stops.length };
  }

  /** What the scheduler reads of a service: its tasks still to be looked at, and the instances it needs. */
  private view(service: ServiceRecord, snapshot: ClusterSnapshot): ServiceView {
    const { state } = this.ctx;
    const tasks = state.where(tasksByService, service.serviceArn).filter((t) => t.lastStatus !== 'STOPPED' || !t.serviceAccounted);
    const instances = new Map<string, InstanceView>();
    if (service.schedulingStrategy === 'DAEMON') {
      const definition = state.get('taskDefinition', service.taskDefinition);
      const queries = [...(definition?.placementConstraints ?? []), ...(service.placementConstraints ?? [])]
        .filter((c) => c.type === 'memberOf' && c.expression)
        .map((c) => parseClusterQuery(c.expression!));
      for (const record of state.where(containerInstancesByCluster, service.clusterArn)) {
        const view = snapshot.view(record.containerInstanceArn);
        instances.set(record.containerInstanceArn, { record, eligible: view !== undefined && queries.every((q) => q.matches(view)) });
      }
    } else {
      for (const t of tasks) {
        const host = taskHost(t);
        if (host === undefined || instances.has(host)) continue;
        const record = state.get('containerInstance', host);
        if (record) instances.set(host, { record, eligible: true });
      }
    }
    return { service, tasks, instances, agentsExpectedBy: this.agentsExpectedBy, firingAlarms: this.firingAlarms(service) };
  }

  /** The service's deployment alarms in ALARM now (metric or composite alarms of its region, by name). */
  private firingAlarms(service: ServiceRecord): string[] {
    const alarms = service.deploymentConfiguration.alarms;
    if (!alarms?.enable) return [];
    const { state } = this.ctx;
    return (alarms.alarmNames ?? []).filter((name) => (state.get('metricAlarm', name) ?? state.get('compositeAlarm', name))?.StateValue === 'ALARM');
  }

  /** A traffic-shifting deployment's service deployment shows the lifecycle stage it is in and its PAUSE hooks. */
  private recordLifecycleStage(tx: Transaction, service: ServiceRecord, now: Date): void {
    const p = service.deployments[0];
    const stage = p?.trafficShift?.stage;
    if (!p || !stage) return;
    const sd = tx.get('serviceDeployment', p.serviceDeploymentArn);
    if (!sd) return;
    const hooks = p.trafficShift!.pauseHooks?.map(hookDetail);
    const sameHooks = JSON.stringify(hooks) === JSON.stringify(sd.lifecycleHookDetails);
    if (sd.lifecycleStage !== stage || !sameHooks) {
      tx.put('serviceDeployment', sd.serviceDeploymentArn, { ...sd, lifecycleStage: stage, ...(hooks && { lifecycleHookDetails: hooks }), updatedAt: now });
    }
  }

  /**
   * Places and creates the tasks of one launch, booking each on the snapshot at once so the next placement
   * sees it. Answers the tasks started and, when some could not be placed, the service event that says why.
   */
  private launch(
    tx: Transaction,
    cluster: ClusterRecord,
    service: ServiceRecord,
    launch: Launch,
    snapshot: ClusterSnapshot,
    booked: { snapshot: ClusterSnapshot; task: TaskRecord }[],
  ): { started: string[]; unplaced?: string } {
    const definition = tx.get('taskDefinition', launch.taskDefinition);
    if (!definition) {
      this.ctx.log.error('service task definition missing', { serviceArn: service.serviceArn, taskDefinition: launch.taskDefinition });
      return { started: [] };
    }
    const group = serviceGroup(service.serviceName);
    const request: LaunchRequest = {
      taskDefinition: definition.taskDefinitionArn,
      group,
      startedBy: launch.deploymentId,
      tags: [
        ...(service.propagateTags === 'SERVICE' ? service.tags : []),
        ...(service.enableECSManagedTags ? [{ key: 'aws:ecs:serviceName', value: service.serviceName }] : []),
      ],
      ...(service.propagateTags === 'TASK_DEFINITION' && { propagateTags: 'TASK_DEFINITION' as const }),
      enableECSManagedTags: service.enableECSManagedTags,
      enableExecuteCommand: service.enableExecuteCommand,
      ...((launch.networkConfiguration ?? service.networkConfiguration) && { networkConfiguration: launch.networkConfiguration ?? service.networkConfiguration }),
      ...(serviceConnectProxied(service, definition) && { serviceConnectContainer: serviceConnectContainerName(launch.deploymentId) }),
    };
    // Where the tasks go: their task set's launch type or capacity providers (EXTERNAL, CODE_DEPLOY), else the service's.
    const where = service.taskSets?.find((ts) => ts.id === launch.deploymentId) ?? service;
    if (where.launchType === 'FARGATE') return this.launchOnFargate(tx, cluster, service, where, definition, request, launch.count);
    if (where.capacityProviderStrategy?.length && !launch.containerInstanceArn) {
      const { tasks, failures } = launchOnGroupProviders(this.ctx, tx, cluster, definition, request, {
        count: launch.count,
        strategy: where.capacityProviderStrategy,
        running: this.runningByProvider(service),
        snapshot,
        placementConstraints: service.placementConstraints,
        placementStrategy: service.placementStrategy?.length ? service.placementStrategy : DEFAULT_STRATEGY,
        random: randomFrom(this.ctx.ids),
      });
      for (const task of tasks) if (task.containerInstanceArn) booked.push({ snapshot, task });
      const started = tasks.map((t) => t.taskArn);
      return failures.length ? { started, unplaced: unableToPlace(service.serviceName, failures) } : { started };
    }
    const started: string[] = [];
    const create = (plan: PlacementPlan) => {
      for (const task of launchTasks(this.ctx, tx, cluster, definition, request, plan.placements)) {
        snapshot.putTask(task, plan.requirement);
        booked.push({ snapshot, task });
        started.push(task.taskArn);
      }
    };
    try {
      if (launch.containerInstanceArn) {
        const plan = placeOnInstances(snapshot, { taskDefinition: definition, group }, [launch.containerInstanceArn]);
        create(plan);
        return plan.placements.length > 0 ? { started } : { started, unplaced: unableToPlace(service.serviceName, plan.failures) };
      }
      for (let left = launch.count; left > 0; ) {
        const count = Math.min(left, MAX_TASKS_PER_REQUEST);
        const plan = placeTasks(snapshot, {
          taskDefinition: definition,
          group,
          count,
          placementConstraints: service.placementConstraints,
          placementStrategy: service.placementStrategy?.length ? service.placementStrategy : DEFAULT_STRATEGY,
          random: randomFrom(this.ctx.ids),
        });
        create(plan);
        if (plan.placements.length < count) return { started, unplaced: unableToPlace(service.serviceName, plan.failures) };
        left -= count;
      }
      return { started };
    } catch (err) {
      // Placement refuses outright when the cluster has no ACTIVE instance at all.
      if (err instanceof AwsError && err.fault === 'client') return { started, unplaced: unableToPlace(service.serviceName, [], err.message) };
      throw err;
    }
  }

  /**
   * A Fargate service's tasks go to managed capacity, split across its capacity providers by their base and
   * weights (counting the tasks each already runs for the service).
   */
  private launchOnFargate(
    tx: Transaction,
    cluster: ClusterRecord,
    service: ServiceRecord,
    where: Pick<ServiceRecord, 'capacityProviderStrategy' | 'platformVersion'>,
    definition: TaskDefinitionRecord,
    request: LaunchRequest,
    count: number,
  ): { started: string[]; unplaced?: string } {
    const { tasks, failures } = launchFargateSplit(this.ctx, tx, cluster, definition, request, {
      count,
      strategy: where.capacityProviderStrategy ?? [],
      running: this.runningByProvider(service),
      platformVersion: fargatePlatformVersion(where.platformVersion),
      random: randomFrom(this.ctx.ids),
    });
    const started = tasks.map((t) => t.taskArn);
    if (failures.length > 0) return { started, unplaced: `(service ${service.serviceName}) was unable to place a task. Reason: ${failures[0]!.reason}.` };
    return { started };
  }

  /** How many tasks the service runs on each capacity provider: what the strategy's split counts. */
  private runningByProvider(service: ServiceRecord): Map<string, number> {
    const running = new Map<string, number>();
    for (const t of this.ctx.state.where(tasksByService, service.serviceArn)) {
      if (t.desiredStatus !== 'STOPPED' && t.capacityProviderName) running.set(t.capacityProviderName, (running.get(t.capacityProviderName) ?? 0) + 1);
    }
    return running;
  }

  /** The service deployments follow their deployments: completed, failed, rolled back. */
  private recordTransitions(tx: Transaction, plan: ServicePlan, now: Date): void {
    // A rollback asked for (StopServiceDeployment, ContinueServiceDeployment) is under way once the service is planned.
    for (const { serviceDeploymentArn } of this.ctx.state.where(serviceDeploymentsByService, plan.service.serviceArn)) {
      const sd = tx.get('serviceDeployment', serviceDeploymentArn)!;
      if (sd.status === 'ROLLBACK_REQUESTED') tx.put('serviceDeployment', serviceDeploymentArn, { ...sd, status: 'ROLLBACK_IN_PROGRESS', updatedAt: now });
    }
    for (const t of plan.transitions as DeploymentTransition[]) {
      const sd = tx.get('serviceDeployment', t.deployment.serviceDeploymentArn);
      if (t.kind === 'completed') {
        if (sd?.status === 'IN_PROGRESS') tx.put('serviceDeployment', sd.serviceDeploymentArn, { ...sd, status: 'SUCCESSFUL', finishedAt: now, updatedAt: now });
        for (const { serviceDeploymentArn } of this.ctx.state.where(serviceDeploymentsByService, plan.service.serviceArn)) {
          const other = tx.get('serviceDeployment', serviceDeploymentArn)!; // as this plan may have left it
          if (other.status === 'ROLLBACK_IN_PROGRESS' && other.rollback?.serviceRevisionArn === t.deployment.serviceRevisionArn) {
            tx.put('serviceDeployment', other.serviceDeploymentArn, { ...other, status: 'ROLLBACK_SUCCESSFUL', finishedAt: now, updatedAt: now });
          }
        }
        continue;
      }
      if (sd?.status !== 'IN_PROGRESS') continue;
      const reason = t.deployment.rolloutStateReason;
      const why =
        t.cause.by === 'circuitBreaker'
          ? { deploymentCircuitBreaker: { status: 'TRIGGERED' as const, failureCount: t.deployment.failedTasks, threshold: t.cause.threshold } }
          : t.cause.by === 'alarms'
            ? { alarms: { status: 'TRIGGERED' as const, alarmNames: sd.alarms?.alarmNames ?? [...t.cause.triggered], triggeredAlarmNames: [...t.cause.triggered] } }
            : { lifecycleHookDetails: (t.deployment.trafficShift?.pauseHooks ?? []).map(hookDetail) };
      tx.put(
        'serviceDeployment',
        sd.serviceDeploymentArn,
        t.rollbackTo
          ? { ...sd, status: 'ROLLBACK_IN_PROGRESS', statusReason: reason, ...why, rollback: { reason, startedAt: now, serviceRevisionArn: t.rollbackTo.serviceRevisionArn }, updatedAt: now }
          : { ...sd, status: 'STOPPED', statusReason: reason, ...why, stoppedAt: now, updatedAt: now },
      );
    }
  }

  /** Adds service events, newest first, dropping one that repeats the newest (as ECS omits duplicates). */
  private withEvents(service: ServiceRecord, messages: string[], now: Date): ServiceRecord {
    let events = service.events;
    for (const message of messages) {
      if (events[0]?.message === message) continue;
      events = [{ id: uuid(this.ctx.ids), createdAt: now, message }, ...events].slice(0, MAX_EVENTS);
    }
    return events === service.events ? service : { ...service, events };
  }

  /** An INACTIVE service is forgotten once its retention is over. */
  private expire(tx: Transaction, service: ServiceRecord, now: Date): Applied {
    const left = new Date(service.deletedAt ?? now).getTime() + this.options.inactiveRetentionMs - now.getTime();
    if (left > 0) return { requeueAfterMs: left, launched: 0, stopped: 0 };
    tx.delete('service', service.serviceArn);
    forgetHistory(this.ctx.state, tx, service.serviceArn);
    return { launched: 0, stopped: 0 };
  }
}

/** The service controller's loop, until `signal` aborts. */
export function runServiceController(ctx: ControlContext, signal: AbortSignal, options: Partial<ServiceControllerOptions> = {}): Promise<void> {
  return new ServiceController(ctx, options).run(signal);
}
