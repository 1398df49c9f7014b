// The instances' controller, per instance: it makes each requested state so, as EC2 does on its own time.
// `pending`: the launcher starts the instance's host (its agent, with a session of its instance profile),
// then the instance is `running`; `stopping`: the host is stopped, then `stopped`; `shutting-down`: the host
// is removed, its interface released and its container instance deregistered (INACTIVE, as ECS does when
// an instance terminates), then `terminated`; a terminated instance is forgotten after an hour; a running
// instance whose host the launcher does not run (after a restart) is started again. Without a
// launcher (a control plane that runs no hosts) the states move all the same.
import type { CallContext } from '../../core/caller.js';
import { instanceRun, instanceState, serviceInitiated, SPOT_SHUTDOWN_REASON, SPOT_TERMINATION_REASON, type InstanceHost, type InstanceRecord, type InstanceStateName } from '../../core/ec2-instances.js';
import type { InstanceJoinDocument } from '../../core/instance-join.js';
import type { ControlContext } from '../context.js';
import { deregisterContainerInstance } from '../ecs/deregister-container-instance.js';
import { joinInstance } from '../iam/instance-join.js';
import { ControllerRunner, type Reconciled } from '../runner.js';
import { deleteTaskInterfaces } from './network-interfaces.js';
import { instanceTypeSpec } from './instance-types.js';

/** How long DescribeInstances still shows a terminated instance. */
export const TERMINATED_VISIBLE_MS = 3_600_000;

export function instanceController(ctx: ControlContext, signal: AbortSignal): Promise<void> {
  const runner = new ControllerRunner<string>(ctx, (id) => reconcile(ctx, id), {
    name: 'ec2 instances',
    triggers: (changes) => changes.filter((c) => c.kind === 'instance' && c.after).map((c) => c.id),
    resync: { everyMs: 60_000, keys: () => [...ctx.state.all('instance')].map((i) => i.InstanceId) },
    retryMs: 5_000,
  });
  return runner.run(signal);
}

async function reconcile(ctx: ControlContext, id: string): Promise<Reconciled | void> {
  const instance = ctx.state.get('instance', id);
  if (!instance) return;
  switch (instance.State.Name) {
    case 'pending':
      await ctx.instanceLauncher?.start(await hostOf(ctx, instance));
      await settle(ctx, id, 'pending', 'running');
      return;
    case 'running': {
      // A control plane restarted with running instances starts their hosts again.
      if (ctx.instanceLauncher && !ctx.instanceLauncher.hosts(id)) await ctx.instanceLauncher.start(await hostOf(ctx, instance));
      // An interrupted Spot instance: EC2 terminates it when its notice runs out.
      if (!instance.spotInterruption) return;
      const left = new Date(instance.spotInterruption.time).getTime() - ctx.clock.now().getTime();
      if (left > 0) return { requeueAfterMs: left };
      // Stop and hibernate (a persistent request's) stop it; Wharf's capacity never comes back by itself, so it
      // stays stopped until StartInstances (EC2 starts it again when it has the capacity).
      const action = instance.spotInterruption.action;
      await ctx.state.mutate((tx) => {
        const current = tx.get('instance', id);
        if (current?.State.Name !== 'running') return;
        const to = action === 'terminate' ? 'shutting-down' : 'stopping';
        const reason = action === 'terminate' ? SPOT_TERMINATION_REASON : SPOT_SHUTDOWN_REASON;
        tx.put('instance', id, { ...current, State: instanceState(to), StateReason: { ...reason }, StateTransitionReason: serviceInitiated(ctx.clock.now()) });
      });
      ctx.log.info('spot instance interrupted at the end of its notice', { instanceId: id, action });
      return;
    }
    case 'stopping':
      await ctx.instanceLauncher?.stop(id, 'stop');
      await settle(ctx, id, 'stopping', 'stopped');
      return;
    case 'shutting-down':
      // Deregistered first, its agent retires as ECS's does (stops and removes its tasks' containers), then goes.
      await deregisterContainerInstances(ctx, id);
      await ctx.instanceLauncher?.stop(id, 'terminate');
      await settle(ctx, id, 'shutting-down', 'terminated');
      return;
    case 'terminated': {
      const left = new Date(instance.terminatedAt ?? instance.LaunchTime).getTime() + TERMINATED_VISIBLE_MS - ctx.clock.now().getTime();
      if (left > 0) return { requeueAfterMs: left };
      await ctx.state.mutate((tx) => {
        if (tx.get('instance', id)?.State.Name === 'terminated') tx.delete('instance', id);
      });
      return;
    }
  }
}

/** Moves the instance from `from` to `to` if nothing changed it meanwhile (a stop asked while it started). */
async function settle(ctx: ControlContext, id: string, from: InstanceStateName, to: InstanceStateName): Promise<void> {
  const moved = await ctx.state.mutate((tx) => {
    const current = tx.get('instance', id);
    if (current?.State.Name !== from) return false;
    const now = ctx.clock.now();
    const { runningSince: _ran, spotInterruption: notice, ...rest } = current;
    // A Spot instance stopped by its interruption may be started again, and interrupted again.
    const next: InstanceRecord =
      to === 'running'
        ? { ...current, State: instanceState(to), runningSince: now }
        : { ...rest, ...(notice && to !== 'stopped' && { spotInterruption: notice }), State: instanceState(to), ...(to === 'terminated' && { terminatedAt: now }) };
    if (to === 'terminated') deleteTaskInterfaces(ctx.state, tx, id);
    if (current.runningSince !== undefined && to !== 'running') {
      tx.put('instanceUsage', `${id}@${new Date(current.runningSince).toISOString()}`, instanceRun({ ...current, runningSince: current.runningSince }, now));
    }
    tx.put('instance', id, next);
    return true;
  });
  if (moved) ctx.log.info('instance state changed', { instanceId: id, state: to });
}

/** The instance's host as the launcher starts it: its type's resources, its user data, its profile's session. */
async function hostOf(ctx: ControlContext, instance: InstanceRecord): Promise<InstanceHost> {
  const spec = instanceTypeSpec(instance.InstanceType)!;
  const profileArn = instance.IamInstanceProfile?.Arn;
  return {
    instanceId: instance.InstanceId,
    region: ctx.partition.region,
    instanceType: instance.InstanceType,
    vcpus: spec.vcpu,
    memoryMiB: spec.memoryMiB,
    architecture: spec.architecture,
    availabilityZone: instance.Placement.AvailabilityZone,
    privateIpAddress: instance.PrivateIpAddress,
    spot: instance.spot,
    imageId: instance.ImageId,
    privateDnsName: instance.PrivateDnsName,
    ...(instance.NetworkInterfaces?.[0]?.MacAddress !== undefined && { macAddress: instance.NetworkInterfaces[0].MacAddress }),
    ...(profileArn !== undefined && { roleName: ctx.state.get('iamInstanceProfile', profileArn.slice(profileArn.lastIndexOf('/') + 1))?.roles[0] }),
    ...(instance.userData !== undefined && { userData: Buffer.from(instance.userData, 'base64').toString('utf8') }),
    ...(profileArn !== undefined && { credentials: await profileSession(ctx, profileArn, instance.InstanceId) }),
  };
}

const profileSession = (ctx: ControlContext, profileArn: string, instanceId: string) =>
  joinInstance(ctx, internalCall(ctx), { IamInstanceProfile: { Arn: profileArn } }, undefined, instanceId);

/**
 * A new session of the instance's profile, as EC2 gives its metadata service before the current one
 * expires; undefined for an instance gone or without a profile.
 */
export async function renewInstanceProfileSession(ctx: ControlContext, instanceId: string): Promise<InstanceJoinDocument | undefined> {
  const instance = ctx.state.get('instance', instanceId);
  const profileArn = instance?.IamInstanceProfile?.Arn;
  if (!instance || instance.State.Name !== 'running' || profileArn === undefined) return undefined;
  return profileSession(ctx, profileArn, instanceId);
}

/** EC2 itself acts: the account's root, in the instance's region. */
const internalCall = (ctx: ControlContext): CallContext => ({
  requestId: ctx.ids.id(),
  region: ctx.partition.region,
  caller: { accessKeyId: '', accountId: ctx.partition.accountId, arn: `arn:aws:iam::${ctx.partition.accountId}:root` },
});

/** ECS deregisters the container instance of a terminated EC2 instance; its tasks stop. */
async function deregisterContainerInstances(ctx: ControlContext, id: string): Promise<void> {
  for (const ci of ctx.state.all('containerInstance')) {
    if (ci.ec2InstanceId !== id || ci.status === 'INACTIVE') continue;
    await deregisterContainerInstance(ctx, { cluster: ci.clusterArn, containerInstance: ci.containerInstanceArn, force: true });
  }
}
