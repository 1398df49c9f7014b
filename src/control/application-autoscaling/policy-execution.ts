// A scaling policy invoked by its alarm: the metric's value (its latest periods, as the alarm watches it),
// the policy's proposal (target tracking: capacity for the metric to meet its target; step scaling: the step
// the breach falls in), the decision (cooldowns, suspension, bounds) and, when it scales, the change.
import type { ScalableTargetRecord, ScalingPolicyRecord } from '../../core/app-autoscaling.js';
import { activityText, targetKey } from '../../core/app-autoscaling.js';
import { adjustedCapacity, aggregate, decide, matchingStep, recordScaling, targetTrackingCapacity, type Proposal } from '../../core/app-autoscaling-decisions.js';
import type { MetricAlarmRecord, StandardUnit } from '../../core/cloudwatch.js';
import type { ControlContext } from '../context.js';
import { setCapacity } from './scaling.js';
import { isHighAlarm } from './target-tracking-alarms.js';
import { policiesByTarget, serviceOf } from './targets.js';

/** ECS's default cooldowns, in seconds, for either kind of policy. */
const DEFAULT_COOLDOWN = 300;

export async function executePolicy(ctx: ControlContext, policy: ScalingPolicyRecord, alarm: MetricAlarmRecord): Promise<void> {
  const target = ctx.state.get('scalableTarget', targetKey(policy));
  const service = target && serviceOf(ctx, target);
  if (!target || !service) return;
  const values = await alarmValues(ctx, alarm);
  const proposal = values.length ? proposalOf(policy, alarm, values) : undefined;
  if (!proposal) return;
  const now = ctx.clock.now().getTime();
  const current = service.desiredCount;
  const decision = decide(
    {
      current,
      min: target.MinCapacity,
      max: target.MaxCapacity,
      history: target.history,
      suspendedIn: target.SuspendedState?.DynamicScalingInSuspended,
      suspendedOut: target.SuspendedState?.DynamicScalingOutSuspended,
    },
    proposal,
    now,
  );
  if (!decision.scale) {
    ctx.log.debug('scaling policy held', { policyArn: policy.PolicyARN, alarm: alarm.AlarmName, why: decision.why });
    return;
  }
  // Target tracking's AlarmHigh only scales out and its AlarmLow only in: a high alarm still in ALARM just
  // after the load stopped must not take the capacity down (its low alarm does, once it fires).
  if (policy.TargetTrackingScalingPolicyConfiguration && decision.direction !== (isHighAlarm(alarm.AlarmName) ? 'out' : 'in')) {
    ctx.log.debug('scaling policy held', { policyArn: policy.PolicyARN, alarm: alarm.AlarmName, why: `the ${decision.direction} direction is the other alarm's` });
    return;
  }
  const capacity = decision.direction === 'in' && policy.TargetTrackingScalingPolicyConfiguration ? await agreedScaleIn(ctx, policy, target, current, decision.capacity) : decision.capacity;
  if (capacity === undefined) {
    ctx.log.debug('scaling policy held', { policyArn: policy.PolicyARN, alarm: alarm.AlarmName, why: 'another target tracking policy' });
    return;
  }
  await setCapacity(ctx, target, {
    capacity,
    cause: activityText.alarmCause(alarm.AlarmName, policy.PolicyName!),
    history: recordScaling(target.history, { ...decision, capacity }, current, proposal, now),
  });
}

/**
 * A target-tracking scale-in with the target's other target-tracking policies (those that may scale in): AWS
 * scales in only when all of them are ready to (their AlarmLow in ALARM), and to the largest capacity any
 * of them asks for. Undefined when one of them holds it.
 */
async function agreedScaleIn(ctx: ControlContext, policy: ScalingPolicyRecord, target: ScalableTargetRecord, current: number, capacity: number): Promise<number | undefined> {
  const others = ctx.state
    .where(policiesByTarget, targetKey(target))
    .filter((p) => p.PolicyARN !== policy.PolicyARN && p.TargetTrackingScalingPolicyConfiguration && !p.TargetTrackingScalingPolicyConfiguration.DisableScaleIn);
  let agreed = capacity;
  for (const other of others) {
    const low = other.Alarms.filter((a) => !isHighAlarm(a.AlarmName)).map((a) => ctx.state.get('metricAlarm', a.AlarmName))[0];
    if (low?.StateValue !== 'ALARM') return undefined;
    const values = await alarmValues(ctx, low);
    const asked = values.length ? proposalOf(other, low, values)?.capacity(current) : undefined;
    if (asked === undefined || asked >= current) return undefined;
    agreed = Math.max(agreed, Math.min(target.MaxCapacity, Math.max(target.MinCapacity, asked)));
  }
  return agreed;
}

function proposalOf(policy: ScalingPolicyRecord, alarm: MetricAlarmRecord, values: number[]): Proposal | undefined {
  const tracking = policy.TargetTrackingScalingPolicyConfiguration;
  if (tracking) {
    const metric = aggregate(values, 'Average')!;
    return {
      capacity: (base) => targetTrackingCapacity(base, metric, tracking.TargetValue!),
      scaleOutCooldownSeconds: tracking.ScaleOutCooldown ?? DEFAULT_COOLDOWN,
      scaleInCooldownSeconds: tracking.ScaleInCooldown ?? DEFAULT_COOLDOWN,
      disableScaleIn: tracking.DisableScaleIn ?? false,
    };
  }
  const step = policy.StepScalingPolicyConfiguration;
  if (!step || alarm.Threshold === undefined) return undefined;
  const metric = aggregate(values, step.MetricAggregationType)!;
  const adjustment = matchingStep(step.StepAdjustments ?? [], metric - alarm.Threshold);
  if (!adjustment) return undefined;
  const cooldown = step.Cooldown ?? DEFAULT_COOLDOWN;
  return { capacity: (base) => adjustedCapacity(step, base, adjustment.ScalingAdjustment!), scaleOutCooldownSeconds: cooldown, scaleInCooldownSeconds: cooldown };
}

/**
 * The metric's values now: its latest periods from the metric store (fresh on every re-invocation while the
 * alarm stays in ALARM), else the `recentDatapoints` of the alarm's StateReasonData (metric math alarms).
 */
export async function alarmValues(ctx: ControlContext, alarm: MetricAlarmRecord): Promise<number[]> {
  if (ctx.metrics && alarm.MetricName && alarm.Namespace && alarm.Period && alarm.Statistic) {
    // The alarm's evaluation range: its last complete periods, aligned as CloudWatch aligns them.
    const periodMs = alarm.Period * 1000;
    const end = Math.floor(ctx.clock.now().getTime() / periodMs) * periodMs;
    const periods = await ctx.metrics.read(ctx.partition, {
      metric: { Namespace: alarm.Namespace, MetricName: alarm.MetricName, Dimensions: alarm.Dimensions },
      startTime: new Date(end - periodMs * alarm.EvaluationPeriods),
      endTime: new Date(end),
      period: alarm.Period,
      ...(alarm.Unit && { unit: alarm.Unit as StandardUnit }),
    });
    const statistic = alarm.Statistic as 'Average' | 'Sum' | 'Minimum' | 'Maximum' | 'SampleCount';
    const values = periods.map(({ statistics: s }) => (statistic === 'Average' ? s.Sum / s.SampleCount : s[statistic]));
    if (values.length) return values;
  }
  try {
    const data = JSON.parse(alarm.StateReasonData ?? '{}') as { recentDatapoints?: unknown };
    if (Array.isArray(data.recentDatapoints) && data.recentDatapoints.every((v) => typeof v === 'number')) return data.recentDatapoints as number[];
  } catch {
    // Not JSON: no values.
  }
  return [];
}
