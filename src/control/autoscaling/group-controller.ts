// The group controller: keeps each Auto Scaling group at its desired capacity, as EC2 Auto Scaling does.
// Per group, level-based: instances EC2 runs go InService (after a launch hook's wait), instances EC2 lost
// or stopped are marked Unhealthy and replaced, missing capacity is launched through EC2 (balanced across the
// group's zones), surplus is taken out of service by the termination policies (never an instance protected
// from scale-in), a termination hook holds an instance until CompleteLifecycleAction or its timeout, and a
// group being deleted is emptied, then forgotten. Every launch and termination is a scaling activity.
import type { Tag } from '@aws-sdk/client-ec2';
import { causeTime, GROUP_TAG, inCapacity, type AutoScalingGroupRecord, type GroupInstance } from '../../core/autoscaling.js';
import { instancesToTerminate, onDemandCount, zonesToLaunch } from '../../core/autoscaling-decisions.js';
import type { InstanceRecord } from '../../core/ec2-instances.js';
import type { AwsError } from '../../core/errors.js';
import type { ControlContext } from '../context.js';
import { launchInstances, terminateInstances } from '../ec2/instances.js';
import { ControllerRunner, type Reconciled } from '../runner.js';
import { defineIndex } from '../state.js';
import { beginTermination } from './capacity.js';
import { activityDetails, finishActivity, groupTemplate, recordActivity } from './groups.js';
import { hookWait, LAUNCHING, nextAfterWait } from './lifecycle-hooks.js';

/** EC2 instances by the group that launched them (their aws:autoscaling:groupName tag). */
export const instancesByGroup = defineIndex('instance', (i) => i.Tags.find((t) => t.Key === GROUP_TAG)?.Value);

/** After a failed launch, AWS tries again a little later (it backs off further; one pace is enough here). */
const LAUNCH_RETRY_MS = 10_000;

export function groupController(ctx: ControlContext, signal: AbortSignal): Promise<void> {
  const runner = new ControllerRunner<string>(ctx, (name) => reconcile(ctx, name), {
    name: 'auto scaling groups',
    triggers: (changes) =>
      changes.flatMap((c) => {
        if (c.kind === 'autoScalingGroup') return [c.id];
        if (c.kind !== 'instance') return [];
        const group = ((c.after ?? c.before) as InstanceRecord).Tags.find((t) => t.Key === GROUP_TAG)?.Value;
        return group === undefined ? [] : [group];
      }),
    debounceMs: 50,
    resync: { everyMs: 30_000, keys: () => [...ctx.state.all('autoScalingGroup')].map((g) => g.AutoScalingGroupName) },
    retryMs: 5_000,
  });
  return runner.run(signal);
}

async function reconcile(ctx: ControlContext, name: string): Promise<Reconciled | void> {
  const group = await observe(ctx, name);
  if (!group) return;
  const live = group.Instances.filter(inCapacity);
  const missing = group.DesiredCapacity - live.length;
  let retry: number | undefined;
  if (missing > 0) retry = await launch(ctx, group, missing);
  if (missing < 0) await scaleIn(ctx, group, -missing);
  await terminate(ctx, name);
  const deadlines = (ctx.state.get('autoScalingGroup', name)?.Instances ?? []).flatMap((i) => (i.hook ? [i.hook.deadline] : []));
  const wait = Math.min(retry ?? Infinity, ...deadlines.map((d) => Math.max(0, d - ctx.clock.now().getTime())));
  return Number.isFinite(wait) ? { requeueAfterMs: wait } : undefined;
}

/**
 * Brings the group's instances up to date with EC2's, in one mutation: launched instances go InService,
 * timed-out hooks take their default result, lost instances are replaced, terminated ones leave; a group
 * being deleted with no instances left is forgotten. Answers the group as it then stands.
 */
function observe(ctx: ControlContext, name: string): Promise<AutoScalingGroupRecord | undefined> {
  return ctx.state.mutate((tx) => {
    const group = tx.get('autoScalingGroup', name);
    if (!group) return undefined;
    const now = ctx.clock.now();
    const lost: string[] = [];
    const instances: GroupInstance[] = [];
    // Instances EC2 launched for the group that it never recorded (a restart between the two) are adopted.
    const known = new Set(group.Instances.map((i) => i.InstanceId));
    const adopted = ctx.state
      .where(instancesByGroup, name)
      .filter((e) => !known.has(e.InstanceId) && e.State.Name !== 'terminated' && e.State.Name !== 'shutting-down')
      .map((e): GroupInstance => ({
        InstanceId: e.InstanceId,
        InstanceType: e.InstanceType,
        AvailabilityZone: e.Placement.AvailabilityZone,
        LifecycleState: 'Pending',
        HealthStatus: 'Healthy',
        ProtectedFromScaleIn: group.NewInstancesProtectedFromScaleIn,
        launchedAt: new Date(e.LaunchTime).getTime(),
      }));
    for (const i of [...group.Instances, ...adopted]) {
      const ec2 = ctx.state.get('instance', i.InstanceId);
      const state = ec2?.State.Name ?? 'terminated';
      if (i.LifecycleState === 'Terminating:Proceed') {
        if (state === 'terminated') finishActivity(ctx, tx, i.activityId);
        else instances.push(i);
        continue;
      }
      if (i.hook && i.hook.deadline <= now.getTime()) {
        instances.push({ ...i, hook: undefined, LifecycleState: nextAfterWait(i, i.hook.defaultResult) });
        continue;
      }
      if (inCapacity(i) && state !== 'pending' && state !== 'running') {
        lost.push(i.InstanceId);
        instances.push({ ...i, HealthStatus: 'Unhealthy' });
        continue;
      }
      if (i.LifecycleState === 'Pending' && state === 'running') {
        const hook = hookWait(ctx, group, LAUNCHING);
        finishActivity(ctx, tx, i.activityId);
        instances.push({ ...i, LifecycleState: hook ? 'Pending:Wait' : 'InService', ...(hook && { hook }) });
        continue;
      }
      instances.push(i);
    }
    const observed = tx.put('autoScalingGroup', name, { ...group, Instances: instances });
    if (lost.length) {
      const cause = `At ${causeTime(now)} an instance was taken out of service in response to an EC2 health check indicating it has been terminated or stopped.`;
      beginTermination(ctx, tx, observed, lost, () => cause);
    }
    const current = tx.get('autoScalingGroup', name)!;
    if (current.Status === 'Delete in progress' && current.Instances.length === 0) {
      tx.delete('autoScalingGroup', name);
      return undefined;
    }
    return current;
  });
}

/** Launches `count` instances, spread to the emptiest zones; a failure is a Failed activity, tried again later. */
async function launch(ctx: ControlContext, group: AutoScalingGroupRecord, count: number): Promise<number | undefined> {
  const live = group.Instances.filter(inCapacity);
  const zones = zonesToLaunch(group.AvailabilityZones, live, count);
  const perZone = new Map<string, number>();
  for (const z of zones) perZone.set(z, (perZone.get(z) ?? 0) + 1);
  const policy = group.MixedInstancesPolicy;
  // Under a mixed instances policy, On-Demand instances fill the distribution's share first, Spot the rest.
  let onDemandLeft = policy ? onDemandCount(group.DesiredCapacity, policy.InstancesDistribution) - live.filter((i) => !ctx.state.get('instance', i.InstanceId)?.spot).length : count;
  const instanceType = policy?.LaunchTemplate?.Overrides?.[0]?.InstanceType;
  const tags: Tag[] = [
    { Key: GROUP_TAG, Value: group.AutoScalingGroupName },
    ...group.Tags.filter((t) => t.PropagateAtLaunch).map((t) => ({ Key: t.Key!, Value: t.Value ?? '' })),
  ];
  const now = ctx.clock.now();
  const cause = `${group.capacityCause}  At ${causeTime(now)} an instance was started in response to a difference between desired and actual capacity, increasing the capacity from ${live.length} to ${live.length + count}.`;
  try {
    const template = groupTemplate(ctx, group);
    for (const [zone, n] of perZone) {
      const onDemand = Math.min(n, Math.max(0, onDemandLeft));
      onDemandLeft -= onDemand;
      for (const [market, size] of [['on-demand', onDemand], ['spot', n - onDemand]] as const) {
        if (size === 0) continue;
        const subnets = group.subnetsByZone[zone];
        const launched = await launchInstances(ctx, {
          count: size,
          ...(instanceType !== undefined && { instanceType }),
          ...(subnets?.length ? { subnetIds: subnets } : { availabilityZone: zone }),
          launchTemplate: { id: template.id, version: template.version },
          tags,
          market,
        });
        await ctx.state.mutate((tx) => {
          const current = tx.get('autoScalingGroup', group.AutoScalingGroupName);
          if (!current) return;
          const added = launched.map((e): GroupInstance => {
            const activity = recordActivity(ctx, tx, current, { Description: `Launching a new EC2 instance: ${e.InstanceId}`, Cause: cause, StatusCode: 'InProgress', Details: activityDetails(ctx, e.InstanceId) });
            return {
              InstanceId: e.InstanceId,
              InstanceType: e.InstanceType,
              AvailabilityZone: e.Placement.AvailabilityZone,
              LifecycleState: 'Pending',
              HealthStatus: 'Healthy',
              ProtectedFromScaleIn: current.NewInstancesProtectedFromScaleIn,
              LaunchTemplate: { LaunchTemplateId: template.id, LaunchTemplateName: template.name, Version: template.version },
              launchedAt: now.getTime(),
              templateVersion: template.version,
              activityId: activity.ActivityId,
            };
          });
          tx.put('autoScalingGroup', current.AutoScalingGroupName, { ...current, Instances: [...current.Instances, ...added] });
        });
      }
    }
    return undefined;
  } catch (err) {
    const reason = (err as AwsError).message;
    ctx.log.warn('auto scaling launch failed', { group: group.AutoScalingGroupName, reason });
    await ctx.state.mutate((tx) => {
      const current = tx.get('autoScalingGroup', group.AutoScalingGroupName);
      if (!current) return;
      recordActivity(ctx, tx, current, {
        Description: 'Launching a new EC2 instance.  Status Reason: ' + reason + '. Launching EC2 instance failed.',
        Cause: cause,
        StatusCode: 'Failed',
        StatusMessage: `${reason}. Launching EC2 instance failed.`,
        EndTime: ctx.clock.now(),
        Details: JSON.stringify({}),
      });
    });
    return LAUNCH_RETRY_MS;
  }
}

/** Takes `count` instances out of service, as the termination policies choose among the unprotected. */
async function scaleIn(ctx: ControlContext, group: AutoScalingGroupRecord, count: number): Promise<void> {
  const now = ctx.clock.now();
  await ctx.state.mutate((tx) => {
    const current = tx.get('autoScalingGroup', group.AutoScalingGroupName);
    if (!current) return;
    const live = current.Instances.filter(inCapacity);
    const excess = Math.min(count, live.length - current.DesiredCapacity);
    if (excess <= 0) return;
    const deleting = current.Status === 'Delete in progress';
    const chosen = instancesToTerminate(
      deleting ? live.map((i) => ({ ...i, ProtectedFromScaleIn: false })) : live,
      excess,
      { policies: current.TerminationPolicies, currentVersion: current.LaunchTemplate?.Version, now: now.getTime() },
    );
    if (!chosen.length) return;
    const shrink = `${current.capacityCause}  At ${causeTime(now)} an instance was taken out of service in response to a difference between desired and actual capacity, shrinking the capacity from ${live.length} to ${live.length - chosen.length}.`;
    beginTermination(ctx, tx, current, chosen.map((i) => i.InstanceId), (id) => `${shrink}  At ${causeTime(now)} instance ${id} was selected for termination.`, { skipHooks: deleting });
  });
}

/** Asks EC2 to terminate the instances taken out of service (their hooks done), then waits for EC2. */
async function terminate(ctx: ControlContext, name: string): Promise<void> {
  const group = ctx.state.get('autoScalingGroup', name);
  const ids = (group?.Instances ?? []).filter((i) => i.LifecycleState === 'Terminating').map((i) => i.InstanceId);
  if (!ids.length) return;
  const existing = ids.filter((id) => ctx.state.get('instance', id));
  if (existing.length) await terminateInstances(ctx, existing);
  await ctx.state.mutate((tx) => {
    const current = tx.get('autoScalingGroup', name);
    if (!current) return;
    tx.put('autoScalingGroup', name, {
      ...current,
      Instances: current.Instances.map((i) => (ids.includes(i.InstanceId) && i.LifecycleState === 'Terminating' ? { ...i, LifecycleState: 'Terminating:Proceed' } : i)),
    });
  });
}
