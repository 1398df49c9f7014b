// PutMetricAlarm: creates or replaces a metric alarm, on one metric or on metric math. An update keeps the
// alarm's state (AWS: "the update completely overwrites the previous configuration", the state stays).
import type { ComparisonOperator, Dimension, MetricAlarmRecord, MetricDataQuery, StandardUnit, TreatMissingData } from '../../core/cloudwatch.js';
import { isSimpleStatistic, parseExtendedStatistic } from '../../core/cloudwatch-statistics.js';
import { ValidationError } from '../../core/errors.js';
import { parseMetricMath } from '../../core/metric-math.js';
import type { ControlContext } from '../context.js';
import { alarmMembers, checkActions, configurationItem, recordHistory, type AlarmInput } from './alarms.js';
import { checkDimensions } from './metrics.js';
import { checkTags, type Tag } from './tags.js';

export interface PutMetricAlarmInput extends AlarmInput {
  MetricName?: string;
  Namespace?: string;
  Statistic?: string;
  ExtendedStatistic?: string;
  Dimensions?: Dimension[];
  Period?: number;
  Unit?: StandardUnit;
  EvaluationPeriods: number;
  DatapointsToAlarm?: number;
  Threshold?: number;
  ComparisonOperator: ComparisonOperator;
  TreatMissingData?: string;
  EvaluateLowSampleCountPercentile?: string;
  Metrics?: MetricDataQuery[];
  Tags?: Tag[];
  ThresholdMetricId?: string;
}

/** Alarm periods: 10, 20 or 30 s (high resolution), or a multiple of 60. */
export const validAlarmPeriod = (period: number) => period === 10 || period === 20 || period === 30 || (period >= 60 && period % 60 === 0);

const BAND_OPERATORS = ['LessThanLowerOrGreaterThanUpperThreshold', 'LessThanLowerThreshold', 'GreaterThanUpperThreshold'];

export async function putMetricAlarm(ctx: ControlContext, input: PutMetricAlarmInput): Promise<Record<string, never>> {
  const checked = checkAlarm(input);
  checkActions(input.OKActions, input.AlarmActions, input.InsufficientDataActions);
  const tags = checkTags(input.Tags ?? []);
  const now = ctx.clock.now();
  const { record, created } = await ctx.state.mutate((tx) => {
    const { members, created } = alarmMembers(tx, ctx, 'metric', input, tags, now);
    const fresh: MetricAlarmRecord = { ...members, ...checked };
    return { record: tx.put('metricAlarm', fresh.AlarmName, fresh), created };
  });
  await recordHistory(ctx, [configurationItem(record, created ? 'Create' : 'Update', now)], false);
  ctx.log.info(created ? 'alarm created' : 'alarm updated', { alarmName: record.AlarmName });
  return {};
}

type AlarmDefinition = Pick<
  MetricAlarmRecord,
  | 'MetricName' | 'Namespace' | 'Statistic' | 'ExtendedStatistic' | 'Dimensions' | 'Period' | 'Unit' | 'EvaluationPeriods'
  | 'DatapointsToAlarm' | 'Threshold' | 'ComparisonOperator' | 'TreatMissingData' | 'EvaluateLowSampleCountPercentile'
  | 'Metrics' | 'ThresholdMetricId'
>;

/** The alarm's definition, checked as PutMetricAlarm checks it (CloudWatch answers ValidationError). */
function checkAlarm(input: PutMetricAlarmInput): AlarmDefinition {
  const single = input.MetricName !== undefined || input.Namespace !== undefined || input.Statistic !== undefined || input.ExtendedStatistic !== undefined || input.Period !== undefined;
  if (input.Metrics?.length && single) {
    throw new ValidationError('Metrics list cannot be used with MetricName, Namespace, Statistic, ExtendedStatistic, Dimensions, Period or Unit');
  }
  const band = BAND_OPERATORS.includes(input.ComparisonOperator);
  if (band && input.ThresholdMetricId === undefined) throw new ValidationError(`ComparisonOperators for ranges require ThresholdMetricId to be set`);
  if (!band && input.ThresholdMetricId !== undefined) throw new ValidationError('ThresholdMetricId can only be used with ComparisonOperators for ranges');
  if (!band && input.Threshold === undefined) throw new ValidationError('Threshold is required');
  if (input.DatapointsToAlarm !== undefined && input.DatapointsToAlarm > input.EvaluationPeriods) {
    throw new ValidationError('DatapointsToAlarm must be less than or equal to EvaluationPeriods');
  }
  const treat = input.TreatMissingData ?? 'missing';
  if (!['missing', 'ignore', 'breaching', 'notBreaching'].includes(treat)) {
    throw new ValidationError(`Invalid value ${treat} for TreatMissingData. Valid values are: breaching, notBreaching, ignore, missing`);
  }
  const lowSample = input.EvaluateLowSampleCountPercentile;
  if (lowSample !== undefined && lowSample !== 'evaluate' && lowSample !== 'ignore') {
    throw new ValidationError(`Invalid value ${lowSample} for EvaluateLowSampleCountPercentile. Valid values are: evaluate, ignore`);
  }
  const common = {
    EvaluationPeriods: input.EvaluationPeriods,
    ...(input.DatapointsToAlarm !== undefined && { DatapointsToAlarm: input.DatapointsToAlarm }),
    ...(input.Threshold !== undefined && { Threshold: input.Threshold }),
    ComparisonOperator: input.ComparisonOperator,
    ...(input.TreatMissingData !== undefined && { TreatMissingData: treat as TreatMissingData }),
    ...(lowSample !== undefined && { EvaluateLowSampleCountPercentile: lowSample as 'evaluate' }),
  };
  if (input.Metrics?.length) return { ...common, Dimensions: [], Metrics: checkAlarmMetrics(input.Metrics, input.EvaluationPeriods, input.ThresholdMetricId), ...(input.ThresholdMetricId !== undefined && { ThresholdMetricId: input.ThresholdMetricId }) };
  if (input.MetricName === undefined || input.Namespace === undefined) throw new ValidationError('MetricName and Namespace are required when Metrics is not given');
  if ((input.Statistic === undefined) === (input.ExtendedStatistic === undefined)) {
    throw new ValidationError('Exactly one of Statistic and ExtendedStatistic must be specified');
  }
  if (input.ExtendedStatistic !== undefined && !parseExtendedStatistic(input.ExtendedStatistic)) {
    throw new ValidationError(`The value ${input.ExtendedStatistic} for parameter ExtendedStatistic is not supported.`);
  }
  if (input.Period === undefined) throw new ValidationError('Period is required when Metrics is not given');
  checkPeriods(input.Period, input.EvaluationPeriods);
  return {
    ...common,
    MetricName: input.MetricName,
    Namespace: input.Namespace,
    ...(input.Statistic !== undefined && { Statistic: input.Statistic }),
    ...(input.ExtendedStatistic !== undefined && { ExtendedStatistic: input.ExtendedStatistic }),
    Dimensions: checkDimensions(input.Dimensions ?? []),
    Period: input.Period,
    ...(input.Unit !== undefined && { Unit: input.Unit }),
  };
}

function checkPeriods(period: number, evaluationPeriods: number): void {
  if (!validAlarmPeriod(period)) throw new ValidationError('Period must be 10, 20, 30 or a multiple of 60');
  if (period * evaluationPeriods > 86_400 * 7) throw new ValidationError('The evaluation period for an alarm is limited to 7 days (Period * EvaluationPeriods).');
}

/** A metric math alarm's queries: each an expression or a metric, exactly one returned, periods as an alarm's. */
function checkAlarmMetrics(metrics: MetricDataQuery[], evaluationPeriods: number, thresholdMetricId: string | undefined): MetricDataQuery[] {
  const returned = metrics.filter((m) => m.ReturnData !== false && m.Id !== thresholdMetricId);
  if (returned.length !== 1) throw new ValidationError('Exactly one element of the metrics list should return data.');
  const ids = new Set<string>();
  for (const query of metrics) {
    if (ids.has(query.Id)) throw new ValidationError(`The value ${query.Id} for parameter Metrics.member.Id is duplicated.`);
    ids.add(query.Id);
    if ((query.MetricStat === undefined) === (query.Expression === undefined)) throw new ValidationError('Exactly one of MetricStat and Expression must be specified for each metric query.');
    if (query.Expression !== undefined) {
      try {
        parseMetricMath(query.Expression);
      } catch (error) {
        throw new ValidationError(`Invalid metrics list: ${(error as Error).message}`);
      }
    }
    if (query.MetricStat) {
      const { Stat, Period } = query.MetricStat;
      if (!isSimpleStatistic(Stat) && !parseExtendedStatistic(Stat)) throw new ValidationError(`The value ${Stat} for parameter Metrics.member.MetricStat.Stat is not supported.`);
      checkPeriods(Period, evaluationPeriods);
      checkDimensions(query.MetricStat.Metric.Dimensions ?? []);
    }
    if (query.Period !== undefined) checkPeriods(query.Period, evaluationPeriods);
  }
  if (thresholdMetricId !== undefined && !ids.has(thresholdMetricId)) throw new ValidationError(`ThresholdMetricId ${thresholdMetricId} is not an Id in Metrics.`);
  return metrics.map((query) => (query.MetricStat ? { ...query, MetricStat: { ...query.MetricStat, Metric: { ...query.MetricStat.Metric, Dimensions: query.MetricStat.Metric.Dimensions ?? [] } } } : query));
}
