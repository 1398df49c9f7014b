import type { DescribeTargetHealthInput, DescribeTargetHealthOutput, TargetHealthDescription } from '@aws-sdk/client-elastic-load-balancing-v2';
import { TARGET_HEALTH, type TargetGroupRecord, type TargetHealthObservation, type TargetRecord } from '../../core/elbv2.js';
import type { ControlContext } from '../context.js';
import { loadBalancersOf, resolveTargetGroup } from './lookups.js';
import { targetKey } from './targets.js';

/**
 * The health of a group's targets as HAProxy's checks last observed it (the load-balancer controller
 * records it): initial, healthy, unhealthy, draining; unused when the group serves no load balancer or the
 * target is not registered.
 */
export function describeTargetHealth(ctx: ControlContext, input: DescribeTargetHealthInput): DescribeTargetHealthOutput {
  const tg = resolveTargetGroup(ctx.state, input.TargetGroupArn!);
  const inUse = loadBalancersOf(ctx.state, tg.TargetGroupArn).length > 0;
  const byKey = new Map(tg.targets.map((t) => [targetKey(t), t]));
  const asked = input.Targets?.length ? input.Targets.map((t) => ({ Id: t.Id!, Port: t.Port ?? tg.Port! })) : tg.targets;
  return {
    TargetHealthDescriptions: asked.map((t) => {
      const registered = byKey.get(targetKey(t));
      return describe(tg, registered ?? t, registered ? health(registered, inUse) : TARGET_HEALTH.notRegistered);
    }),
  };
}

function health(target: TargetRecord, inUse: boolean): TargetHealthObservation {
  if (target.drainingUntil) return TARGET_HEALTH.draining;
  if (!inUse) return TARGET_HEALTH.notInUse;
  return target.health ?? TARGET_HEALTH.registering;
}

const describe = (tg: TargetGroupRecord, t: { Id: string; Port: number; AvailabilityZone?: string }, observed: TargetHealthObservation): TargetHealthDescription => ({
  Target: { Id: t.Id, Port: t.Port, ...(t.AvailabilityZone ? { AvailabilityZone: t.AvailabilityZone } : {}) },
  HealthCheckPort: tg.HealthCheckPort === 'traffic-port' ? String(t.Port) : tg.HealthCheckPort,
  TargetHealth: observed,
});
