// What ECS does for each Auto Scaling group capacity provider, per provider, level-based:
// - its group's container instances are the provider's (capacityProviderName), so placement finds them;
// - tasks waiting in PROVISIONING are placed once an instance has room, stopped once stopped by a user or
//   the service scheduler, and fail after ECS's wait for capacity;
// - managed termination protection: instances running tasks are protected from scale-in, idle ones not;
// - managed draining: an instance the group terminates is DRAINING until its tasks are gone, then its
//   termination hook is completed;
// - managed scaling: CapacityProviderReservation (scheduler/managed-scaling.ts) published to CloudWatch
//   (AWS/ECS/ManagedScaling) and the group's desired capacity tracked on it: out at once, in once the
//   metric has stayed below the target for the scale-in delay (AWS's alarm: 15 minutes); ECS's policy and
//   its alarms are kept as records (managed-scaling-policy.ts).
import { GROUP_TAG, inCapacity, type AutoScalingGroupRecord } from '../../core/autoscaling.js';
import { MANAGED_DRAINING_HOOK, type CapacityProviderRecord } from '../../core/capacity-providers.js';
import type { Dimension, MetricSample } from '../../core/cloudwatch.js';
import type { ClusterRecord, TaskRecord } from '../../core/ecs.js';
import { applyTaskReport, requestStop } from '../../core/task-lifecycle.js';
import { InvalidParameterException } from '../../core/ecs-errors.js';
import type { AwsVpcConfiguration } from '@aws-sdk/client-ecs';
import { capacityProviderReservation, desiredCapacity, instancesForTasks, type Size } from '../../scheduler/managed-scaling.js';
import { placeTasks } from '../../scheduler/placement.js';
import { taskRequirement } from '../../scheduler/resources.js';
import { setCapacity } from '../autoscaling/capacity.js';
import { groupTemplate } from '../autoscaling/groups.js';
import type { ControlContext } from '../context.js';
import { instanceTypeSpec } from '../ec2/instance-types.js';
import { ControllerRunner, type Reconciled } from '../runner.js';
import type { Transaction } from '../state.js';
import { isWaitingForCapacity } from './capacity-provider-tasks.js';
import { managedScalingPolicy, syncManagedScalingPolicy } from './managed-scaling-policy.js';
import { clusterSnapshots } from './cluster-snapshots.js';
import { periodStart } from './container-metrics.js';
import { containerInstancesByCluster, tasksByCluster, tasksByContainerInstance } from './indexes.js';
import { randomFrom } from './run-task.js';
import { attachTaskNetwork, resolveAwsvpcConfiguration } from './task-networking.js';
import { updateContainerInstancesState } from './update-container-instances-state.js';

/** How long a task waits in PROVISIONING for capacity ("between 10 and 30 minutes", ECS says). */
export const PROVISIONING_TIMEOUT_MS = 30 * 60_000;
/** How long the reservation stays under the target before the group scales in (AWS's low alarm: 15 x 1 minute). */
export const SCALE_IN_AFTER_MS = 15 * 60_000;
const RESYNC_MS = 15_000;

/** Options: the scale-in delay (WHARF_MANAGED_SCALE_IN_SECONDS shortens it, for tests and demos). */
export function runManagedScaling(ctx: ControlContext, signal: AbortSignal, scaleInAfterMs = scaleInDelay()): Promise<void> {
  // When each provider's reservation went under its target (in memory: a restart only restarts the wait).
  const lowSince = new Map<string, number>();
  const providerOf = (groupName: string | undefined) => [...ctx.state.all('capacityProvider')].find((p) => p.groupName === groupName)?.name;
  const runner = new ControllerRunner<string>(ctx, (name) => reconcile(ctx, name, { lowSince, scaleInAfterMs }), {
    name: 'ecs managed scaling',
    triggers: (changes) =>
      changes.flatMap((c) => {
        switch (c.kind) {
          case 'capacityProvider':
            return [c.id];
          case 'cluster': {
            // Providers joining or leaving a cluster (their policy follows).
            const names = (r: unknown) => (r as ClusterRecord | undefined)?.capacityProviders ?? [];
            return [...new Set([...names(c.before), ...names(c.after)])];
          }
          case 'autoScalingGroup':
            return [providerOf(c.id)].filter((n) => n !== undefined);
          case 'task': {
            const t = (c.after ?? c.before) as TaskRecord;
            return t.capacityProviderName && t.launchType === 'EC2' ? [t.capacityProviderName] : [];
          }
          case 'containerInstance': {
            const i = (c.after ?? c.before) as { ec2InstanceId?: string; capacityProviderName?: string };
            const group = i.ec2InstanceId && ctx.state.get('instance', i.ec2InstanceId)?.Tags.find((t) => t.Key === GROUP_TAG)?.Value;
            return [i.capacityProviderName ?? providerOf(group || undefined)].filter((n) => n !== undefined);
          }
          default:
            return [];
        }
      }),
    debounceMs: 100,
    resync: { everyMs: RESYNC_MS, keys: () => [...ctx.state.all('capacityProvider')].map((p) => p.name) },
    retryMs: 5_000,
  });
  return runner.run(signal);
}

function scaleInDelay(): number {
  const seconds = Number(process.env.WHARF_MANAGED_SCALE_IN_SECONDS);
  return Number.isFinite(seconds) && seconds >= 0 && process.env.WHARF_MANAGED_SCALE_IN_SECONDS !== '' ? seconds * 1000 : SCALE_IN_AFTER_MS;
}

async function reconcile(ctx: ControlContext, name: string, memory: { lowSince: Map<string, number>; scaleInAfterMs: number }): Promise<Reconciled | void> {
  const provider = ctx.state.get('capacityProvider', name);
  const group = provider && ctx.state.get('autoScalingGroup', provider.groupName);
  if (!provider || !group) return syncManagedScalingPolicy(ctx, name);
  const clusters = [...ctx.state.all('cluster')].filter((c) => c.status === 'ACTIVE' && c.capacityProviders?.includes(name));
  const scaled = provider.autoScalingGroupProvider.managedScaling.status === 'ENABLED' && clusters.length > 0;
  await syncManagedScalingPolicy(ctx, name, scaled ? { provider, group, cluster: clusters[0]! } : undefined);
  const members = new Set(group.Instances.map((i) => i.InstanceId));
  const waits: number[] = [];
  for (const cluster of clusters) {
    await ctx.state.mutate((tx) => {
      adoptInstances(tx, ctx, cluster, provider, members);
      const next = settleWaitingTasks(tx, ctx, cluster, name);
      if (next !== undefined) waits.push(next);
    });
    await drain(ctx, cluster, group, provider);
  }
  if (provider.autoScalingGroupProvider.managedTerminationProtection === 'ENABLED') await protectBusy(ctx, group.AutoScalingGroupName, clusters);
  if (provider.autoScalingGroupProvider.managedScaling.status === 'ENABLED') {
    const wait = await scale(ctx, provider, clusters, memory);
    if (wait !== undefined) waits.push(wait);
  }
  return waits.length ? { requeueAfterMs: Math.max(0, Math.min(...waits)) } : undefined;
}

/** The group's container instances in the cluster become the provider's. */
function adoptInstances(tx: Transaction, ctx: ControlContext, cluster: ClusterRecord, provider: CapacityProviderRecord, members: Set<string>): void {
  for (const instance of ctx.state.where(containerInstancesByCluster, cluster.clusterArn)) {
    if (instance.status === 'INACTIVE' || instance.capacityProviderName === provider.name || !members.has(instance.ec2InstanceId)) continue;
    tx.put('containerInstance', instance.containerInstanceArn, { ...instance, capacityProviderName: provider.name, version: instance.version + 1 });
  }
}

/**
 * Places the provider's waiting tasks where there is room, stops those no longer wanted and those that
 * waited too long; answers how long until the next of them times out.
 */
function settleWaitingTasks(tx: Transaction, ctx: ControlContext, cluster: ClusterRecord, provider: string): number | undefined {
  const now = ctx.clock.now();
  const snapshot = clusterSnapshots(ctx.state).of(cluster.clusterArn);
  let next: number | undefined;
  const waiting = ctx.state.where(tasksByCluster, cluster.clusterArn).filter((t) => isWaitingForCapacity(t) && t.capacityProviderName === provider);
  waiting.sort((a, b) => new Date(a.createdAt!).getTime() - new Date(b.createdAt!).getTime());
  for (const task of waiting) {
    const waited = now.getTime() - new Date(task.createdAt!).getTime();
    if (task.desiredStatus === 'STOPPED' || waited >= PROVISIONING_TIMEOUT_MS) {
      const cause = task.desiredStatus === 'STOPPED' ? {} : { stopCode: 'TaskFailedToStart' as const, stoppedReason: 'Capacity is unavailable at this time. The task waited too long in PROVISIONING for its capacity provider.' };
      tx.put('task', task.taskArn, applyTaskReport({ ...task, ...cause, desiredStatus: 'STOPPED' }, { status: 'STOPPED' }, now));
      continue;
    }
    const definition = ctx.state.get('taskDefinition', task.taskDefinitionArn);
    if (!definition || snapshot.activeInstances === 0) {
      next = Math.min(next ?? Infinity, PROVISIONING_TIMEOUT_MS - waited);
      continue;
    }
    const plan = placeTasks(snapshot, { taskDefinition: definition, overrides: task.overrides, group: task.group, random: randomFrom(ctx.ids), capacityProvider: provider });
    const placed = plan.placements[0];
    if (!placed) {
      next = Math.min(next ?? Infinity, PROVISIONING_TIMEOUT_MS - waited);
      continue;
    }
    const instance = tx.get('containerInstance', placed.containerInstanceArn)!;
    const zone = instance.attributes.find((a) => a.name === 'ecs.availability-zone')?.value;
    const architecture = instance.attributes.find((a) => a.name === 'ecs.cpu-architecture')?.value;
    const { awsvpcConfiguration, ...rest } = task;
    const moved: TaskRecord = {
      ...rest,
      containerInstanceArn: placed.containerInstanceArn,
      ...(zone !== undefined && { availabilityZone: zone }),
      ...(architecture !== undefined && { attributes: [{ name: 'ecs.cpu-architecture', value: architecture }] }),
      // An awsvpc task goes on waiting (PROVISIONING) for the interface made for it here.
      lastStatus: awsvpcConfiguration ? 'PROVISIONING' : 'PENDING',
      version: task.version + 1,
    };
    const networked = awsvpcConfiguration ? withInterface(ctx, tx, moved, awsvpcConfiguration, zone) : moved;
    snapshot.putTask(tx.put('task', task.taskArn, networked), plan.requirement);
    ctx.log.info('waiting task placed', { taskArn: task.taskArn, host: placed.containerInstanceArn });
  }
  return next;
}

/**
 * A placed awsvpc task's interface, in its subnets as they are now; a subnet or group deleted while it waited
 * fails it as ECS fails a task it cannot give an interface.
 */
function withInterface(ctx: ControlContext, tx: Transaction, task: TaskRecord, config: AwsVpcConfiguration, zone: string | undefined): TaskRecord {
  try {
    return attachTaskNetwork(ctx, tx, task, resolveAwsvpcConfiguration(ctx, config, tx), zone);
  } catch (err) {
    if (!(err instanceof InvalidParameterException)) throw err;
    const now = ctx.clock.now();
    const stopping = requestStop(task, { stopCode: 'TaskFailedToStart', stoppedReason: err.message }, now);
    return applyTaskReport(stopping, { status: 'STOPPED', reason: err.message }, now);
  }
}

/** The provider's container instances that run tasks (any not STOPPED). */
function busyInstances(ctx: ControlContext, clusters: readonly ClusterRecord[], provider: string): Set<string> {
  const busy = new Set<string>();
  for (const cluster of clusters) {
    for (const instance of ctx.state.where(containerInstancesByCluster, cluster.clusterArn)) {
      if (instance.capacityProviderName !== provider || instance.status === 'INACTIVE') continue;
      if (ctx.state.where(tasksByContainerInstance, instance.containerInstanceArn).some((t) => t.lastStatus !== 'STOPPED')) busy.add(instance.ec2InstanceId);
    }
  }
  return busy;
}

/** Managed termination protection: ECS protects the instances that run tasks and releases the idle ones. */
async function protectBusy(ctx: ControlContext, groupName: string, clusters: readonly ClusterRecord[]): Promise<void> {
  const provider = [...ctx.state.all('capacityProvider')].find((p) => p.groupName === groupName)!;
  const busy = busyInstances(ctx, clusters, provider.name);
  const group = ctx.state.get('autoScalingGroup', groupName);
  if (!group?.Instances.some((i) => i.LifecycleState === 'InService' && i.ProtectedFromScaleIn !== busy.has(i.InstanceId))) return;
  await ctx.state.mutate((tx) => {
    const current = tx.get('autoScalingGroup', groupName);
    if (!current) return;
    const Instances = current.Instances.map((i) => (i.LifecycleState === 'InService' ? { ...i, ProtectedFromScaleIn: busy.has(i.InstanceId) } : i));
    tx.put('autoScalingGroup', groupName, { ...current, Instances });
  });
}

/**
 * Managed draining: an instance held by ECS's termination hook is set DRAINING (the service scheduler moves
 * its tasks away); once nothing runs on it, the hook is completed and the group terminates it.
 */
async function drain(ctx: ControlContext, cluster: ClusterRecord, group: AutoScalingGroupRecord, provider: CapacityProviderRecord): Promise<void> {
  const held = group.Instances.filter((i) => i.LifecycleState === 'Terminating:Wait' && i.hook?.name === MANAGED_DRAINING_HOOK).map((i) => i.InstanceId);
  if (!held.length) return;
  const instances = ctx.state.where(containerInstancesByCluster, cluster.clusterArn).filter((c) => held.includes(c.ec2InstanceId) && c.status !== 'INACTIVE');
  const toDrain = instances.filter((c) => c.status === 'ACTIVE').map((c) => c.containerInstanceArn);
  if (toDrain.length) await updateContainerInstancesState(ctx, { cluster: cluster.clusterArn, containerInstances: toDrain, status: 'DRAINING' });
  const busy = busyInstances(ctx, [cluster], provider.name);
  const done = held.filter((id) => !busy.has(id));
  if (!done.length) return;
  await ctx.state.mutate((tx) => {
    const current = tx.get('autoScalingGroup', group.AutoScalingGroupName);
    if (!current) return;
    const Instances = current.Instances.map((i) =>
      done.includes(i.InstanceId) && i.LifecycleState === 'Terminating:Wait' && i.hook?.name === MANAGED_DRAINING_HOOK ? { ...i, hook: undefined, LifecycleState: 'Terminating' as const } : i,
    );
    tx.put('autoScalingGroup', current.AutoScalingGroupName, { ...current, Instances });
  });
}

/**
 * Managed scaling: M (busy instances, plus new ones for the waiting tasks) against N (the group's), the
 * metric published, the desired capacity set. Answers when to look again for a scale-in still waiting.
 */
async function scale(
  ctx: ControlContext,
  provider: CapacityProviderRecord,
  clusters: readonly ClusterRecord[],
  memory: { lowSince: Map<string, number>; scaleInAfterMs: number },
): Promise<number | undefined> {
  const group = ctx.state.get('autoScalingGroup', provider.groupName)!;
  const size = instanceSize(ctx, group);
  const waiting: Size[] = [];
  for (const cluster of clusters) {
    for (const t of ctx.state.where(tasksByCluster, cluster.clusterArn)) {
      if (!isWaitingForCapacity(t) || t.capacityProviderName !== provider.name || t.desiredStatus === 'STOPPED') continue;
      const definition = ctx.state.get('taskDefinition', t.taskDefinitionArn);
      if (definition) waiting.push(taskRequirement(definition, t.overrides));
    }
  }
  const busy = [...busyInstances(ctx, clusters, provider.name)].filter((id) => group.Instances.some((i) => i.InstanceId === id && inCapacity(i))).length;
  const needed = busy + (waiting.length ? instancesForTasks(waiting, size) : 0);
  const instances = group.Instances.filter(inCapacity).length;
  const reservation = capacityProviderReservation(needed, instances);
  await publish(ctx, provider, clusters, reservation);
  const settings = provider.autoScalingGroupProvider.managedScaling;
  const now = ctx.clock.now().getTime();
  // instanceWarmupPeriod: a new instance counts toward the next scale-out step only once warm.
  const warmupMs = settings.instanceWarmupPeriod * 1000;
  const warming = group.Instances.filter((i) => inCapacity(i) && i.launchedAt + warmupMs > now);
  const warmed = group.Instances.filter(inCapacity).length - warming.length;
  const desired = desiredCapacity({ needed, current: group.DesiredCapacity, warmed }, settings, { min: group.MinSize, max: group.MaxSize });
  // A scale-out held back by warming instances is looked at again when the first of them is warm.
  const target = desiredCapacity({ needed, current: group.DesiredCapacity }, settings, { min: group.MinSize, max: group.MaxSize });
  const warmAt = target > desired && warming.length ? Math.min(...warming.map((i) => i.launchedAt + warmupMs)) - now : undefined;
  if (desired >= group.DesiredCapacity) memory.lowSince.delete(provider.name);
  else if (!memory.lowSince.has(provider.name)) memory.lowSince.set(provider.name, now);
  const scaleInAt = (memory.lowSince.get(provider.name) ?? now) + memory.scaleInAfterMs;
  if (desired === group.DesiredCapacity || (desired < group.DesiredCapacity && now < scaleInAt)) return desired < group.DesiredCapacity ? scaleInAt - now : warmAt;
  // The cause names ECS's policy and the alarm of the direction, as AWS's activity does.
  const record = managedScalingPolicy(ctx, provider.name);
  const policy = record?.PolicyName ?? 'ECSManagedAutoScalingPolicy';
  const which = desired > group.DesiredCapacity ? '-AlarmHigh-' : '-AlarmLow-';
  const alarm = record?.Alarms.find((a) => a.AlarmName.includes(which))?.AlarmName ?? `TargetTracking-${group.AutoScalingGroupName}${which.slice(0, -1)}`;
  await ctx.state.mutate((tx) => {
    const current = tx.get('autoScalingGroup', group.AutoScalingGroupName);
    if (current) setCapacity(ctx, tx, current, desired, `a monitor alarm ${alarm} in state ALARM triggered policy ${policy}`);
  });
  memory.lowSince.delete(provider.name);
  ctx.log.info('managed scaling', { capacityProvider: provider.name, reservation, from: group.DesiredCapacity, to: desired });
  return warmAt;
}

/** The CPU units and MiB of one of the group's instances: as its container instances register, else its instance type's. */
function instanceSize(ctx: ControlContext, group: AutoScalingGroupRecord): Size {
  const template = groupTemplate(ctx, group);
  const data = ctx.state.get('launchTemplate', template.id)?.versions.find((v) => String(v.VersionNumber) === template.version)?.LaunchTemplateData;
  const type = group.MixedInstancesPolicy?.LaunchTemplate?.Overrides?.[0]?.InstanceType ?? data?.InstanceType;
  const spec = type === undefined ? undefined : instanceTypeSpec(type);
  return spec ? { cpu: spec.vcpu * 1024, memory: spec.memoryMiB } : { cpu: 2048, memory: 4096 };
}

/** CapacityProviderReservation, per cluster the provider serves, as ECS publishes it (one datapoint a round). */
async function publish(ctx: ControlContext, provider: CapacityProviderRecord, clusters: readonly ClusterRecord[], value: number): Promise<void> {
  if (!ctx.metrics || !clusters.length) return;
  const at = periodStart(ctx.clock.now());
  const samples = clusters.map((cluster): MetricSample => {
    const dimensions: Dimension[] = [
      { Name: 'CapacityProviderName', Value: provider.name },
      { Name: 'ClusterName', Value: cluster.clusterName },
    ];
    return {
      metric: { Namespace: 'AWS/ECS/ManagedScaling', MetricName: 'CapacityProviderReservation', Dimensions: dimensions },
      timestamp: at,
      storageResolution: 60,
      unit: 'Percent',
      statistics: { SampleCount: 1, Sum: value, Minimum: value, Maximum: value },
    };
  });
  await ctx.metrics.put(ctx.partition, samples);
}
