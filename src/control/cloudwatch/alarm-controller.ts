// The alarm controller of a region: every 10 s (high-resolution alarms' shortest period), each metric alarm
// whose latest period has completed since it was last evaluated is evaluated over its evaluation range
// (core/alarm-evaluation.ts) and its state written (transition.ts); then composite alarms follow their
// rules. A period is taken as complete EVALUATION_DELAY_MS after it ends, so that datapoints for it that
// are on their way (agents report every 10 s) are in.
import { evaluateAlarm, type EvaluatedPoint } from '../../core/alarm-evaluation.js';
import { parseAlarmRule, ruleHolds } from '../../core/cloudwatch-alarm-rule.js';
import type { MetricAlarmRecord } from '../../core/cloudwatch.js';
import type { ControlContext } from '../context.js';
import { every } from '../runner.js';
import { readSeries, runQueries, seriesOfResult } from './metric-queries.js';
import { transition } from './transition.js';

export const EVALUATION_TICK_MS = 10_000;
export const EVALUATION_DELAY_MS = 2_000;

export function alarmController(ctx: ControlContext, signal: AbortSignal): Promise<void> {
  /** Per alarm, the end of the range it was last evaluated over (and the configuration it was evaluated with). */
  const evaluated = new Map<string, { end: number; updated: number }>();
  return every(ctx, 'cloudwatch-alarms', EVALUATION_TICK_MS, signal, async () => {
    const now = ctx.clock.now();
    for (const alarm of [...ctx.state.all('metricAlarm')]) {
      const end = rangeEnd(alarm, now);
      const last = evaluated.get(alarm.AlarmName);
      const updated = new Date(alarm.AlarmConfigurationUpdatedTimestamp).getTime();
      if (last && last.end >= end && last.updated === updated) continue;
      try {
        await evaluate(ctx, alarm, new Date(end), now);
        evaluated.set(alarm.AlarmName, { end, updated });
      } catch (error) {
        ctx.log.warn('alarm not evaluated', { alarmName: alarm.AlarmName, error: (error as Error).message });
      }
    }
    for (const name of evaluated.keys()) if (!ctx.state.get('metricAlarm', name)) evaluated.delete(name);
    await evaluateComposites(ctx);
  });
}

/** The period of a metric alarm: its own, or its metric math's returned query's. */
const periodOf = (alarm: MetricAlarmRecord) =>
  alarm.Period ?? alarm.Metrics?.find((q) => q.ReturnData !== false && q.Id !== alarm.ThresholdMetricId)?.Period ?? alarm.Metrics?.find((q) => q.MetricStat)?.MetricStat!.Period ?? 60;

/** The end of the latest complete period (ms). */
function rangeEnd(alarm: MetricAlarmRecord, now: Date): number {
  const periodMs = periodOf(alarm) * 1000;
  return Math.floor((now.getTime() - EVALUATION_DELAY_MS) / periodMs) * periodMs;
}

async function evaluate(ctx: ControlContext, alarm: MetricAlarmRecord, end: Date, now: Date): Promise<void> {
  const period = periodOf(alarm);
  const start = new Date(end.getTime() - alarm.EvaluationPeriods * period * 1000);
  const points = new Map<number, EvaluatedPoint>();
  let statistic = alarm.Statistic ?? alarm.ExtendedStatistic;
  if (alarm.Metrics) {
    const results = await runQueries(ctx, alarm.Metrics, start, end);
    const returned = results.find((r) => r.query.ReturnData !== false && r.query.Id !== alarm.ThresholdMetricId);
    const series = returned ? seriesOfResult(returned)[0] : undefined;
    for (const [t, value] of series?.points ?? []) points.set(t, { value });
    const band = results.find((r) => r.query.Id === alarm.ThresholdMetricId);
    if (band) {
      const [lower, upper] = seriesOfResult(band);
      for (const [t, point] of points) points.set(t, { ...point, lower: lower?.points.get(t), upper: (upper ?? lower)?.points.get(t) });
    }
    statistic = returned?.query.MetricStat?.Stat;
  } else {
    const metric = { Namespace: alarm.Namespace!, MetricName: alarm.MetricName!, Dimensions: alarm.Dimensions };
    const series = await readSeries(ctx, metric, statistic!, period, start, end, alarm.Unit);
    for (const [t, value] of series) points.set(t, { value });
  }
  const outcome = evaluateAlarm({ ...alarm, Period: period, ...(statistic !== undefined && { statistic }) }, points, end, now);
  if (outcome) await transition(ctx, alarm.AlarmName, false, { state: outcome.state, reason: outcome.reason, reasonData: outcome.reasonData });
}

/** Composite alarms: ALARM while their rule holds over the other alarms' states, else OK. */
async function evaluateComposites(ctx: ControlContext): Promise<void> {
  const stateOf = (name: string) => (ctx.state.get('metricAlarm', name) ?? ctx.state.get('compositeAlarm', name))?.StateValue;
  for (const alarm of [...ctx.state.all('compositeAlarm')]) {
    const holds = ruleHolds(parseAlarmRule(alarm.AlarmRule), stateOf);
    const state = holds ? 'ALARM' : 'OK';
    if (state === alarm.StateValue) continue;
    await transition(ctx, alarm.AlarmName, true, {
      state,
      reason: `The rule ${alarm.AlarmRule} evaluated to ${holds ? 'TRUE' : 'FALSE'}.`,
      reasonData: JSON.stringify({ version: '1.0', queryDate: ctx.clock.now().toISOString().replace('Z', '+0000') }),
    });
  }
}

/** The metric store's retention (rolls up and drops old data; one store for every region): every 10 minutes. */
export function retentionController(ctx: ControlContext, signal: AbortSignal): Promise<void> {
  return every(ctx, 'cloudwatch-retention', 600_000, signal, () => ctx.metrics?.age(ctx.clock.now()));
}
