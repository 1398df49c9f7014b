// Application Auto Scaling's controllers. Alarm actions: a policy (Application Auto Scaling's, or an EC2
// Auto Scaling group's) runs when an alarm naming its ARN in
// AlarmActions is in ALARM with actions enabled, at once on the transition and again every minute (or every
// period, for shorter periods) while it stays there, as AWS re-invokes scaling policies. Scheduled actions:
// each runs when its next time comes, and its next time is worked out again.
import { activityText, targetKey, type ScheduledActionRecord } from '../../core/app-autoscaling.js';
import { withinBounds } from '../../core/app-autoscaling-decisions.js';
import type { MetricAlarmRecord } from '../../core/cloudwatch.js';
import type { ControlContext } from '../context.js';
import { ControllerRunner } from '../runner.js';
import type { Change } from '../state.js';
import { runGroupPolicy } from '../autoscaling/scaling-policies.js';
import { executePolicy } from './policy-execution.js';
import { recordActivity, setCapacity } from './scaling.js';
import { nextRunOf } from './scheduled-actions.js';
import { serviceOf } from './targets.js';

const RESYNC_MS = 60_000;
const RETRY_MS = 5_000;
/** AWS re-invokes a policy every minute while its alarm stays in ALARM. */
const REINVOKE_MS = 60_000;

const invokesScaling = (alarm: MetricAlarmRecord) => alarm.AlarmActions.some((action) => /^arn:aws[\w-]*:autoscaling:[^:]+:\d{12}:scalingPolicy:/.test(action));

export function runAlarmActions(ctx: ControlContext, signal: AbortSignal): Promise<void> {
  /** When each alarm's policies were last invoked, and for which transition into ALARM. */
  const invoked = new Map<string, { transition: number; at: number }>();
  const reconcile = async (name: string) => {
    const alarm = ctx.state.get('metricAlarm', name);
    if (!alarm || alarm.StateValue !== 'ALARM' || !alarm.ActionsEnabled || !invokesScaling(alarm)) return void invoked.delete(name);
    const now = ctx.clock.now().getTime();
    const transition = new Date(alarm.StateTransitionedTimestamp).getTime();
    const every = Math.min(REINVOKE_MS, (alarm.Period ?? 60) * 1000);
    const last = invoked.get(name);
    if (last && last.transition === transition && now - last.at < every) return { requeueAfterMs: last.at + every - now };
    invoked.set(name, { transition, at: now });
    for (const arn of alarm.AlarmActions) {
      const policy = ctx.state.get('scalingPolicy', arn);
      if (policy) await executePolicy(ctx, policy, alarm);
      const groupPolicy = ctx.state.get('autoScalingPolicy', arn);
      if (groupPolicy) await runGroupPolicy(ctx, groupPolicy, alarm);
    }
    return { requeueAfterMs: every };
  };
  const runner = new ControllerRunner<string>(ctx, reconcile, {
    name: 'scaling alarm actions',
    triggers: (changes: Change[]) => changes.filter((c) => c.kind === 'metricAlarm').map((c) => c.id),
    resync: { everyMs: RESYNC_MS, keys: () => [...ctx.state.all('metricAlarm')].filter((a) => a.StateValue === 'ALARM').map((a) => a.AlarmName) },
    retryMs: RETRY_MS,
  });
  return runner.run(signal);
}

export function runScheduledActions(ctx: ControlContext, signal: AbortSignal): Promise<void> {
  const reconcile = async (arn: string) => {
    const action = ctx.state.get('scalingScheduledAction', arn);
    if (action?.nextRunAt === undefined) return;
    const now = ctx.clock.now().getTime();
    if (now < action.nextRunAt) return { requeueAfterMs: action.nextRunAt - now };
    await runScheduledAction(ctx, action);
    const next = nextRunOf(action, now);
    await ctx.state.mutate((tx) => {
      const current = tx.get('scalingScheduledAction', arn);
      // Replaced meanwhile: its own next run stands.
      if (!current || current.nextRunAt !== action.nextRunAt) return;
      const { nextRunAt: _, ...rest } = current;
      tx.put('scalingScheduledAction', arn, { ...rest, ...(next !== undefined && { nextRunAt: next }) });
    });
    return next === undefined ? undefined : { requeueAfterMs: Math.max(0, next - now) };
  };
  const runner = new ControllerRunner<string>(ctx, reconcile, {
    name: 'scheduled scaling actions',
    triggers: (changes: Change[]) => changes.filter((c) => c.kind === 'scalingScheduledAction' && c.after).map((c) => c.id),
    resync: { everyMs: RESYNC_MS, keys: () => [...ctx.state.all('scalingScheduledAction')].map((a) => a.ScheduledActionARN) },
    retryMs: RETRY_MS,
  });
  return runner.run(signal);
}

/** Sets the target's bounds as the action says, then brings its capacity within them. */
async function runScheduledAction(ctx: ControlContext, action: ScheduledActionRecord): Promise<void> {
  const { MinCapacity: min, MaxCapacity: max } = action.ScalableTargetAction ?? {};
  const target = await ctx.state.mutate((tx) => {
    const current = tx.get('scalableTarget', targetKey(action));
    if (!current || current.SuspendedState?.ScheduledScalingSuspended) return undefined;
    // One bound given beyond the other moves the other along.
    const nextMin = min ?? Math.min(current.MinCapacity, max!);
    const nextMax = max ?? Math.max(current.MaxCapacity, min!);
    const next = tx.put('scalableTarget', targetKey(action), { ...current, MinCapacity: nextMin, MaxCapacity: nextMax });
    recordActivity(ctx, tx, next, {
      Description: activityText.settingBounds(min, max),
      Cause: activityText.scheduledCause(action.ScheduledActionName!),
      StatusCode: 'Successful',
      StatusMessage: activityText.boundsDone(min, max),
      EndTime: ctx.clock.now(),
    });
    return next;
  });
  if (!target) return;
  ctx.log.info('scheduled action ran', { arn: action.ScheduledActionARN, min: target.MinCapacity, max: target.MaxCapacity });
  const service = serviceOf(ctx, target);
  const bounded = service && withinBounds(service.desiredCount, target.MinCapacity, target.MaxCapacity);
  if (bounded !== undefined) {
    await setCapacity(ctx, target, { capacity: bounded, cause: bounded === target.MinCapacity ? activityText.minCause(bounded) : activityText.maxCause(bounded) });
  }
}
