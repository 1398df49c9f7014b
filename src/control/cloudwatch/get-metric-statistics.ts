// GetMetricStatistics: one metric's datapoints per period, with simple and extended statistics (pNN, tmNN...).
import type { Dimension, StandardUnit } from '../../core/cloudwatch.js';
import { isSimpleStatistic, parseExtendedStatistic, simpleStatistic, extendedStatistic } from '../../core/cloudwatch-statistics.js';
import { InvalidParameterCombinationException, InvalidParameterValueException, MissingRequiredParameterException } from '../../core/cloudwatch-errors.js';
import type { ControlContext } from '../context.js';
import { checkDimensions } from './metrics.js';
import { alignedStart, checkQueryPeriod } from './periods.js';
import { metricStore } from './store.js';

export interface GetMetricStatisticsInput {
  Namespace: string;
  MetricName: string;
  Dimensions?: Dimension[];
  StartTime: Date;
  EndTime: Date;
  Period: number;
  Statistics?: string[];
  ExtendedStatistics?: string[];
  Unit?: StandardUnit;
}

/** At most this many datapoints per call. */
export const MAX_DATAPOINTS = 1440;

export async function getMetricStatistics(ctx: ControlContext, input: GetMetricStatisticsInput) {
  const statistics = input.Statistics ?? [];
  const extended = input.ExtendedStatistics ?? [];
  if (statistics.length === 0 && extended.length === 0) throw new MissingRequiredParameterException('Must specify either Statistics or ExtendedStatistics.');
  for (const s of statistics) if (!isSimpleStatistic(s)) throw new InvalidParameterValueException(`The value ${s} for parameter Statistics is invalid.`);
  const parsed = extended.map((s) => {
    const stat = parseExtendedStatistic(s);
    if (!stat) throw new InvalidParameterValueException(`The value ${s} for parameter ExtendedStatistics is not supported.`);
    return [s, stat] as const;
  });
  checkQueryPeriod(input.Period);
  if (input.StartTime.getTime() >= input.EndTime.getTime()) throw new InvalidParameterValueException('The parameter StartTime must be less than the parameter EndTime.');
  const start = alignedStart(input.StartTime, input.Period);
  const requested = Math.ceil((input.EndTime.getTime() - start.getTime()) / (input.Period * 1000));
  if (requested > MAX_DATAPOINTS) {
    throw new InvalidParameterCombinationException(
      `You have requested up to ${requested.toLocaleString('en-US')} datapoints, which exceeds the limit of ${MAX_DATAPOINTS.toLocaleString('en-US')}. You may reduce the datapoints requested by increasing Period, or decreasing the time range.`,
    );
  }
  const metric = { Namespace: input.Namespace, MetricName: input.MetricName, Dimensions: checkDimensions(input.Dimensions ?? []) };
  const periods = await metricStore(ctx).read(ctx.partition, {
    metric,
    startTime: start,
    endTime: input.EndTime,
    period: input.Period,
    ...(input.Unit !== undefined && { unit: input.Unit }),
    withValues: parsed.length > 0,
  });
  const Datapoints = periods.map((p) => {
    const values = Object.fromEntries(parsed.flatMap(([name, stat]) => {
      const value = extendedStatistic(stat, p.statistics, p.values);
      return value === undefined ? [] : [[name, value]];
    }));
    return {
      Timestamp: p.timestamp,
      ...Object.fromEntries(statistics.map((s) => [s, simpleStatistic(s as Parameters<typeof simpleStatistic>[0], p.statistics)])),
      Unit: p.unit ?? 'None',
      ...(parsed.length > 0 && { ExtendedStatistics: values }),
    };
  });
  return { Label: input.MetricName, Datapoints };
}
