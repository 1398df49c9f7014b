// ECS services behind load balancers: a service's `loadBalancers` register its tasks as targets once they
// are RUNNING (bridge and host mode: the container instance and the host port Docker bound; awsvpc: the
// task's ENI address and the container port), and deregister them when they are to stop. A task stopping
// behind a load balancer is DEACTIVATING while its targets drain (requestStop holds its containers
// running); once they are gone it moves on to STOPPING and its agent stops it. The targets' health is
// copied onto the task, where the service scheduler's health predicate reads it.
// Level-based, like every controller: each pass reads the state whole and converges it.
import type { LoadBalancer, TaskDefinition } from '@aws-sdk/client-ecs';
import { serviceArnOfTask } from '../../core/arn.js';
import type { ServiceRecord, TaskRecord, TaskTarget } from '../../core/ecs.js';
import { InvalidParameterException } from '../../core/ecs-errors.js';
import { applyTaskReport } from '../../core/task-lifecycle.js';
import type { ControlContext } from '../context.js';
import { ControllerRunner } from '../runner.js';
import { defineIndex, type Change, type State, type Transaction } from '../state.js';
import type { TargetGroupRecord } from '../../core/elbv2.js';
import { loadBalancersOf } from './lookups.js';
import { deregister, register, targetKey } from './targets.js';
import { taskLoadBalancers, trafficRule } from '../ecs/deployment-traffic.js';
import { loadBalancedTasks, tasksByService } from '../ecs/indexes.js';

export interface ServiceTargetsOptions {
  /** Every service is looked at this often whatever happens (draining ends on a timer, not a change). */
  resyncMs: number;
}

export class ServiceTargetsController {
  private readonly runner: ControllerRunner<'targets'>;

  constructor(
    private readonly ctx: ControlContext,
    options: Partial<ServiceTargetsOptions> = {},
  ) {
    const { resyncMs } = { resyncMs: 500, ...options };
    // One key: every pass converges every load-balanced service at once, in one mutation.
    this.runner = new ControllerRunner<'targets'>(ctx, () => this.pass(), {
      name: 'service targets',
      triggers: (changes: Change[]) => (changes.some((c) => this.concerns(c)) ? ['targets'] : []),
      resync: { everyMs: resyncMs, keys: () => ['targets'] },
      retryMs: resyncMs,
    });
  }

  run(signal: AbortSignal): Promise<void> {
    return this.runner.run(signal);
  }

  /** Task changes matter only for tasks behind a load balancer, or of a service with load balancers. */
  private concerns(change: Change): boolean {
    if (change.kind === 'service' || change.kind === 'targetGroup') return true;
    if (change.kind !== 'task') return false;
    return [change.before, change.after].some((t) => {
      const task = t as TaskRecord | undefined;
      if (!task) return false;
      if (task.loadBalancerTargets?.length) return true;
      const service = serviceArnOfTask(task);
      const record = service === undefined ? undefined : this.ctx.state.get('service', service);
      return record !== undefined && isLoadBalanced(record);
    });
  }

  /** One pass over every load-balanced service (public so tests drive it). */
  async pass(): Promise<void> {
    // Most Wharfs have no load-balanced service: then a pass costs no mutation at all.
    if (!this.idle()) await this.ctx.state.mutate((tx) => this.converge(tx));
  }

  private idle(): boolean {
    const { state } = this.ctx;
    return state.where(loadBalancedTasks, 'yes').length === 0 && state.where(loadBalancedServices, 'yes').length === 0;
  }

  private converge(tx: Transaction): void {
    const { state } = this.ctx;
    const now = this.ctx.clock.now();
    const seen = new Set<string>();
    for (const service of state.where(loadBalancedServices, 'yes')) {
      for (const task of state.where(tasksByService, service.serviceArn)) {
        seen.add(task.taskArn);
        this.convergeTask(tx, task, service, now);
      }
    }
    // Tasks whose service is gone still drain before they stop.
    for (const task of state.where(loadBalancedTasks, 'yes')) if (!seen.has(task.taskArn)) this.convergeTask(tx, task, undefined, now);
  }

  private convergeTask(tx: Transaction, task: TaskRecord, service: ServiceRecord | undefined, now: Date): void {
    const leaving = task.desiredStatus === 'STOPPED' || task.lastStatus !== 'RUNNING';
    if (!leaving && service && task.loadBalancerTargets === undefined) {
      // A blue/green deployment's tasks go to its side's target groups, a task set's to its own (ecs/deployment-traffic.ts).
      const targets = taskTargets(this.ctx.state, taskLoadBalancers(service, task.startedBy), task);
      if (!targets) return;
      for (const t of targets) register(tx, tx.get('targetGroup', t.targetGroupArn)!, [{ Id: t.Id, Port: t.Port }], now, task.taskArn);
      tx.put('task', task.taskArn, { ...task, loadBalancerTargets: targets });
      this.ctx.log.info('task registered as targets', { taskArn: task.taskArn, targets: targets.map((t) => `${t.targetGroupArn} ${targetKey(t)}`) });
      return;
    }
    const targets = task.loadBalancerTargets ?? [];
    if (targets.length === 0) return;
    if (leaving) {
      let remaining = 0;
      for (const t of targets) {
        const tg = tx.get('targetGroup', t.targetGroupArn);
        const registered = tg?.targets.find((r) => targetKey(r) === targetKey(t) && r.taskArn === task.taskArn);
        if (!tg || !registered) continue;
        remaining++;
        if (!registered.drainingUntil) {
          const after = deregister(this.ctx.state, tx, tg, new Set([targetKey(t)]), now);
          if (!after.targets.some((r) => targetKey(r) === targetKey(t))) remaining--;
        }
      }
      if (task.lastStatus === 'DEACTIVATING' && remaining === 0) {
        tx.put('task', task.taskArn, applyTaskReport(task, { status: 'STOPPING' }, now));
        this.ctx.log.info('task deactivated', { taskArn: task.taskArn });
      }
      return;
    }
    // Running: carry the targets' health over to the task.
    let changed = false;
    const observed = targets.map((t): TaskTarget => {
      const health = tx.get('targetGroup', t.targetGroupArn)?.targets.find((r) => targetKey(r) === targetKey(t))?.health?.State;
      if (health === undefined || health === t.health) return t;
      changed = true;
      return { ...t, health };
    });
    if (changed) tx.put('task', task.taskArn, { ...task, loadBalancerTargets: observed });
  }
}

/** A service whose tasks register as targets: through its own load balancers or its task sets'. */
const isLoadBalanced = (service: ServiceRecord) =>
  [service.loadBalancers ?? [], ...(service.taskSets ?? []).map((ts) => ts.loadBalancers)].some((lbs) => lbs.some((lb) => lb.targetGroupArn));
/** The load-balanced services, so that a pass costs them, not every service. */
const loadBalancedServices = defineIndex('service', (s) => (isLoadBalanced(s) ? 'yes' : undefined));

/**
 * The targets a task stands for, one per load balancer of its service, or undefined while they cannot be
 * known yet (no host port bound, no address). Load balancers whose target group is gone are left out.
 */
export function taskTargets(state: Pick<State, 'get'>, loadBalancers: readonly LoadBalancer[], task: TaskRecord): TaskTarget[] | undefined {
  const targets: TaskTarget[] = [];
  for (const lb of loadBalancers) {
    const tg = lb.targetGroupArn ? state.get('targetGroup', lb.targetGroupArn) : undefined;
    if (!tg || lb.containerPort === undefined) continue;
    const container = task.containers.find((c) => c.name === lb.containerName);
    if (!container) continue;
    if (tg.TargetType === 'ip') {
      const address = container.networkInterfaces?.[0]?.privateIpv4Address;
      if (!address) return undefined;
      targets.push({ targetGroupArn: tg.TargetGroupArn, Id: address, Port: lb.containerPort });
    } else {
      const binding = container.networkBindings?.find((b) => b.containerPort === lb.containerPort && (b.protocol ?? 'tcp') === 'tcp');
      const instance = task.containerInstanceArn ? state.get('containerInstance', task.containerInstanceArn) : undefined;
      if (!binding?.hostPort || !instance) return undefined;
      targets.push({ targetGroupArn: tg.TargetGroupArn, Id: instance.ec2InstanceId, Port: binding.hostPort });
    }
  }
  return targets;
}

/**
 * A service's `loadBalancers` as CreateService and UpdateService check them (ECS's messages): each target
 * group exists and serves a load balancer, its target type suits the task's network mode, and the container
 * and port are in the task definition.
 */
export function checkServiceLoadBalancers(state: Pick<State, 'get' | 'all'>, loadBalancers: readonly LoadBalancer[], definition: TaskDefinition): void {
  for (const lb of loadBalancers) {
    if (!lb.targetGroupArn) throw new InvalidParameterException('targetGroupArn is required for an Application or Network Load Balancer.');
    const tg = state.get('targetGroup', lb.targetGroupArn);
    if (!tg) throw new InvalidParameterException(`The target group with targetGroupArn ${lb.targetGroupArn} does not exist.`);
    if (loadBalancersOf(state, tg.TargetGroupArn).length === 0)
      throw new InvalidParameterException(`The target group with targetGroupArn ${lb.targetGroupArn} does not have an associated load balancer.`);
    const awsvpc = definition.networkMode === 'awsvpc';
    if (awsvpc !== (tg.TargetType === 'ip'))
      throw new InvalidParameterException(
        `The provided target group ${lb.targetGroupArn} has target type ${tg.TargetType}, which is incompatible with the ${definition.networkMode ?? 'bridge'} network mode specified in the task definition.`,
      );
    const container = definition.containerDefinitions?.find((c) => c.name === lb.containerName);
    if (!container) throw new InvalidParameterException(`The container ${lb.containerName} does not exist in the task definition.`);
    if (!container.portMappings?.some((m) => m.containerPort === lb.containerPort))
      throw new InvalidParameterException(`The container ${lb.containerName} did not have a container port ${lb.containerPort} defined.`);
    if (lb.advancedConfiguration) checkAdvancedConfiguration(state, lb.advancedConfiguration, tg);
  }
}

/** A blue/green load balancer's alternate target group (like the primary) and its listener rules (an NLB's: listeners) exist. */
function checkAdvancedConfiguration(state: Pick<State, 'get' | 'all'>, advanced: NonNullable<LoadBalancer['advancedConfiguration']>, primary: TargetGroupRecord): void {
  const { alternateTargetGroupArn, productionListenerRule, testListenerRule, roleArn } = advanced;
  if (!alternateTargetGroupArn || !productionListenerRule || !roleArn)
    throw new InvalidParameterException('advancedConfiguration requires alternateTargetGroupArn, productionListenerRule and roleArn.');
  const alternate = state.get('targetGroup', alternateTargetGroupArn);
  if (!alternate) throw new InvalidParameterException(`The target group with targetGroupArn ${alternateTargetGroupArn} does not exist.`);
  if (alternate.TargetGroupArn === primary.TargetGroupArn) throw new InvalidParameterException('The alternate target group must differ from the target group.');
  if (alternate.TargetType !== primary.TargetType)
    throw new InvalidParameterException(`The alternate target group ${alternateTargetGroupArn} has target type ${alternate.TargetType}, which differs from the target group's ${primary.TargetType}.`);
  for (const rule of [productionListenerRule, testListenerRule]) if (rule !== undefined) trafficRule(state, rule);
}
