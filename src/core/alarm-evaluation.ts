// Metric alarm evaluation, as CloudWatch does it: the last EvaluationPeriods periods (the evaluation range),
// each datapoint breaching or not by the comparison operator, missing ones treated per TreatMissingData,
// ALARM when at least DatapointsToAlarm of them breach (M out of N), and the StateReason /
// StateReasonData CloudWatch writes. Pure: the datapoints and the time come in.
import type { AlarmState, ComparisonOperator, TreatMissingData } from './cloudwatch.js';

export interface AlarmDefinition {
  Period: number;
  EvaluationPeriods: number;
  DatapointsToAlarm?: number;
  Threshold?: number;
  ComparisonOperator: ComparisonOperator;
  TreatMissingData?: TreatMissingData;
  /** Named in StateReasonData (`statistic`): Average, p99... */
  statistic?: string;
}

/** One period's value; band alarms also carry the band's bounds at that time. */
export interface EvaluatedPoint {
  value: number;
  lower?: number;
  upper?: number;
  sampleCount?: number;
}

export interface AlarmEvaluation {
  state: AlarmState;
  reason: string;
  reasonData: string;
}

const WORDS: Record<ComparisonOperator, string> = {
  GreaterThanOrEqualToThreshold: 'greater than or equal to',
  GreaterThanThreshold: 'greater than',
  LessThanThreshold: 'less than',
  LessThanOrEqualToThreshold: 'less than or equal to',
  LessThanLowerOrGreaterThanUpperThreshold: 'outside the band',
  LessThanLowerThreshold: 'less than the lower',
  GreaterThanUpperThreshold: 'greater than the upper',
};

export function breaches(operator: ComparisonOperator, point: EvaluatedPoint, threshold: number | undefined): boolean {
  const { value, lower = -Infinity, upper = Infinity } = point;
  switch (operator) {
    case 'GreaterThanOrEqualToThreshold':
      return value >= threshold!;
    case 'GreaterThanThreshold':
      return value > threshold!;
    case 'LessThanThreshold':
      return value < threshold!;
    case 'LessThanOrEqualToThreshold':
      return value <= threshold!;
    case 'LessThanLowerOrGreaterThanUpperThreshold':
      return value < lower || value > upper;
    case 'LessThanLowerThreshold':
      return value < lower;
    case 'GreaterThanUpperThreshold':
      return value > upper;
  }
}

/**
 * Evaluates the range that ends at `end` (exclusive, a period boundary): `points` by period start (ms).
 * Undefined when the alarm keeps its state and reason (TreatMissingData `ignore` with nothing to evaluate).
 */
export function evaluateAlarm(alarm: AlarmDefinition, points: ReadonlyMap<number, EvaluatedPoint>, end: Date, now: Date): AlarmEvaluation | undefined {
  const n = alarm.EvaluationPeriods;
  const m = alarm.DatapointsToAlarm ?? n;
  const periodMs = alarm.Period * 1000;
  const starts = Array.from({ length: n }, (_, i) => end.getTime() - (n - i) * periodMs);
  const treat = alarm.TreatMissingData ?? 'missing';
  // Each period of the range, oldest first: breaching, not, or dropped (missing under `missing`/`ignore`).
  const slots = starts.map((t) => {
    const point = points.get(t);
    if (point) return { t, point, breaching: breaches(alarm.ComparisonOperator, point, alarm.Threshold) };
    if (treat === 'breaching') return { t, breaching: true };
    if (treat === 'notBreaching') return { t, breaching: false };
    return undefined;
  });
  const present = slots.filter((s) => s !== undefined);
  const withData = present.filter((s) => s.point);
  const reasonData = JSON.stringify({
    version: '1.0',
    queryDate: awsTime(now),
    startDate: awsTime(new Date(starts[0]!)),
    ...(alarm.statistic !== undefined && { statistic: alarm.statistic }),
    period: alarm.Period,
    recentDatapoints: withData.map((s) => s.point!.value),
    ...(alarm.Threshold !== undefined && { threshold: alarm.Threshold }),
    evaluatedDatapoints: [...withData].reverse().map((s) => ({
      timestamp: awsTime(new Date(s.t)),
      ...(s.point!.sampleCount !== undefined && { sampleCount: s.point!.sampleCount }),
      value: s.point!.value,
    })),
  });
  if (present.length === 0) {
    if (treat === 'ignore') return undefined;
    return { state: 'INSUFFICIENT_DATA', reason: `Insufficient Data: ${plural(n, 'datapoint was', 'datapoints were')} unknown.`, reasonData };
  }
  const breaching = present.filter((s) => s.breaching).length;
  const state: AlarmState = breaching >= m ? 'ALARM' : 'OK';
  if (withData.length === 0) {
    const as = treat === 'breaching' ? 'Breaching' : 'NonBreaching';
    return { state, reason: `Threshold Crossed: no datapoints were received for ${plural(n, 'period', 'periods')} and ${plural(n, 'missing datapoint was', 'missing datapoints were')} treated as [${as}].`, reasonData };
  }
  const words = WORDS[alarm.ComparisonOperator];
  const shown = (state === 'ALARM' ? withData.filter((s) => s.breaching) : withData).slice(-m).reverse();
  const list = `[${shown.map((s) => `${format(s.point!.value)} (${reasonTime(new Date(s.t))})`).join(', ')}]`;
  const threshold = alarm.Threshold !== undefined ? ` (${format(alarm.Threshold)})` : '';
  const counted = state === 'ALARM' ? breaching : present.length - breaching;
  const subject = n === 1 ? `1 datapoint ${list} was` : `${counted} out of the last ${n} datapoints ${list} were`;
  const not = state === 'OK' ? 'not ' : '';
  const minimum = m > 1 && state === 'ALARM' ? ` (minimum ${m} datapoints for OK -> ALARM transition)` : '';
  return { state, reason: `Threshold Crossed: ${subject} ${not}${words} the threshold${threshold}${minimum}.`, reasonData };
}

const plural = (n: number, one: string, many: string) => (n === 1 ? `1 ${one}` : `${n} ${many}`);

/** Numbers as CloudWatch writes them in reasons: at least one decimal. */
const format = (v: number) => (Number.isInteger(v) ? v.toFixed(1) : String(v));

/** StateReasonData's times: 2026-12-05T18:20:00.000+0000. */
const awsTime = (d: Date) => d.toISOString().replace('Z', '+0000');

/** StateReason's times: dd/MM/yy HH:mm:ss (UTC). */
function reasonTime(d: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getUTCDate())}/${two(d.getUTCMonth() + 1)}/${two(d.getUTCFullYear() % 100)} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
}
