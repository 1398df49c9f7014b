// Spot instance interruptions, as EC2 makes them: a running Spot instance gets the two-minute warning (its
// metadata service's spot/instance-action and spot/termination-time answer from then on; an agent with
// ECS_ENABLE_SPOT_INSTANCE_DRAINING=true sets its container instance DRAINING on it), then EC2 terminates it,
// or stops it (its InstanceInterruptionBehavior stop or hibernate; instance-controller.ts) and its Auto Scaling group, if any, replaces it. The warning is also EventBridge's
// `EC2 Spot Instance Interruption Warning` event. AWS interrupts when it wants the
// capacity back; here at a configured rate per hour, or when an operator asks (`wharf spot-interrupt --instance`).
import { isInterruptibleSpot, SPOT_NOTICE_MS, type InstanceRecord } from '../../core/ec2-instances.js';
import { arn } from '../../core/arn.js';
import type { ControlContext } from '../context.js';
import { publishEvents } from '../events/publish.js';
import { randomFrom } from '../ecs/run-task.js';
import { every } from '../runner.js';

/** Gives the notice to the Spot instances `choose` picks among the interruptible ones; answers their ids. */
export async function interruptSpotInstances(ctx: ControlContext, choose: (candidates: InstanceRecord[]) => InstanceRecord[]): Promise<string[]> {
  const noticeMs = ctx.spotNoticeMs ?? SPOT_NOTICE_MS;
  const interrupted = await ctx.state.mutate((tx) => {
    const time = new Date(ctx.clock.now().getTime() + noticeMs);
    return choose([...ctx.state.all('instance')].filter(isInterruptibleSpot)).flatMap((instance) => {
      const current = tx.get('instance', instance.InstanceId);
      if (!current || !isInterruptibleSpot(current)) return [];
      const action = current.spotInterruptionBehavior ?? 'terminate';
      tx.put('instance', current.InstanceId, { ...current, spotInterruption: { action, time } });
      return [{ id: current.InstanceId, action }];
    });
  });
  if (interrupted.length) {
    // EC2's warning on the default event bus, as EC2 sends it at the notice.
    publishEvents(
      ctx,
      interrupted.map(({ id, action }) => ({
        source: 'aws.ec2',
        'detail-type': 'EC2 Spot Instance Interruption Warning',
        resources: [arn(ctx.partition, 'ec2', `instance/${id}`)],
        detail: { 'instance-id': id, 'instance-action': action },
      })),
    );
    ctx.log.info('spot instances interrupted', { instanceIds: interrupted.map((i) => i.id) });
  }
  return interrupted.map((i) => i.id);
}

/** The instances an operator names (ids), or all interruptible ones when none is named. */
export const selectSpotInstances = (ids: readonly string[] | undefined) => (candidates: InstanceRecord[]) =>
  ids?.length ? candidates.filter((i) => ids.includes(i.InstanceId)) : candidates;

/** Each minute, each running Spot instance is interrupted with probability `perHour` / 60. */
export function runSpotInstanceInterruptions(ctx: ControlContext, signal: AbortSignal, perHour: number): Promise<void> {
  const random = randomFrom(ctx.ids);
  return every(ctx, 'spot-instance-interruptions', 60_000, signal, () => interruptSpotInstances(ctx, (candidates) => candidates.filter(() => random() < perHour / 60)));
}
