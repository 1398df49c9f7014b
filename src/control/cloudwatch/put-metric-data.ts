// PutMetricData: values (with counts), single values and statistic sets, checked as CloudWatch checks them
// (all or nothing: one bad datum refuses the call), then written to the MetricStore in one transaction.
import type { Dimension, MetricSample, StandardUnit, StatisticSet } from '../../core/cloudwatch.js';
import { histogramOf, statisticsOf } from '../../core/cloudwatch-statistics.js';
import { InvalidParameterCombinationException, InvalidParameterValueException, MissingRequiredParameterException } from '../../core/cloudwatch-errors.js';
import type { ControlContext } from '../context.js';
import { checkDimensions } from './metrics.js';
import { metricStore } from './store.js';

export interface MetricDatum {
  MetricName: string;
  Dimensions?: Dimension[];
  Timestamp?: Date;
  Value?: number;
  StatisticValues?: StatisticSet;
  Values?: number[];
  Counts?: number[];
  Unit?: StandardUnit;
  StorageResolution?: number;
}

/** CloudWatch's limits on one call. */
export const MAX_METRIC_DATA = 1000;
export const MAX_VALUES = 150;
const PAST_MS = 14 * 86_400_000;
const FUTURE_MS = 2 * 3_600_000;
/** CloudWatch rejects values beyond ±2^360 (and NaN, Infinity); tiny magnitudes are taken as 0. */
const LARGEST = 2 ** 360;

export async function putMetricData(ctx: ControlContext, input: { Namespace: string; MetricData?: MetricDatum[] }): Promise<Record<string, never>> {
  const store = metricStore(ctx);
  if (input.Namespace.startsWith('AWS/')) throw new InvalidParameterValueException(`The value ${input.Namespace} for parameter Namespace is invalid.`);
  const data = input.MetricData ?? [];
  if (data.length === 0) throw new MissingRequiredParameterException('The parameter MetricData is required.');
  if (data.length > MAX_METRIC_DATA) throw new InvalidParameterValueException(`The collection MetricData must not have a size greater than ${MAX_METRIC_DATA}.`);
  const now = ctx.clock.now().getTime();
  const samples = data.map((datum, i) => sampleOf(input.Namespace, datum, `MetricData.member.${i + 1}`, now));
  await store.put(ctx.partition, samples);
  return {};
}

function sampleOf(Namespace: string, datum: MetricDatum, where: string, now: number): MetricSample {
  const given = [datum.Value !== undefined && 'Value', datum.StatisticValues !== undefined && 'StatisticValues', datum.Values !== undefined && 'Values'].filter(Boolean);
  if (given.length > 1) {
    throw new InvalidParameterCombinationException(`The parameters ${where}.${given[0]} and ${where}.${given[1]} are mutually exclusive and you have specified both.`);
  }
  if (given.length === 0) throw new MissingRequiredParameterException(`At least one of the parameters ${where}.Value, ${where}.StatisticValues or ${where}.Values must be specified.`);
  const resolution = datum.StorageResolution ?? 60;
  if (resolution !== 1 && resolution !== 60) throw new InvalidParameterValueException(`The value ${resolution} for parameter ${where}.StorageResolution is invalid. Valid values are 1 and 60.`);
  const timestamp = datum.Timestamp ?? new Date(now);
  if (timestamp.getTime() < now - PAST_MS) throw new InvalidParameterValueException(`The parameter ${where}.Timestamp must specify a time no more than two weeks in the past.`);
  if (timestamp.getTime() > now + FUTURE_MS) throw new InvalidParameterValueException(`The parameter ${where}.Timestamp must specify a time no more than two hours in the future.`);
  const metric = { Namespace, MetricName: datum.MetricName, Dimensions: checkDimensions(datum.Dimensions ?? [], `${where}.Dimensions`) };
  const base = { metric, timestamp, storageResolution: resolution as 1 | 60, ...(datum.Unit !== undefined && { unit: datum.Unit }) };
  if (datum.StatisticValues) {
    const set = datum.StatisticValues;
    for (const [name, value] of Object.entries(set)) checkValue(value, `${where}.StatisticValues.${name}`);
    if (set.SampleCount <= 0) throw new InvalidParameterValueException(`The value ${set.SampleCount} for parameter ${where}.StatisticValues.SampleCount is invalid: it must be greater than 0.`);
    if (set.Minimum > set.Maximum) throw new InvalidParameterValueException(`The parameter ${where}.StatisticValues.Minimum must be less than or equal to ${where}.StatisticValues.Maximum.`);
    return { ...base, statistics: { SampleCount: set.SampleCount, Sum: set.Sum, Minimum: set.Minimum, Maximum: set.Maximum } };
  }
  const values = datum.Values ?? [datum.Value!];
  if (values.length > MAX_VALUES) throw new InvalidParameterValueException(`The collection ${where}.Values must not have a size greater than ${MAX_VALUES}.`);
  if (datum.Counts !== undefined && datum.Values === undefined) throw new InvalidParameterCombinationException(`The parameter ${where}.Counts can only be used with ${where}.Values.`);
  if (datum.Counts !== undefined && datum.Counts.length !== values.length) {
    throw new InvalidParameterValueException(`The parameters ${where}.Values and ${where}.Counts must be of the same size.`);
  }
  values.forEach((value, j) => checkValue(value, datum.Values ? `${where}.Values.member.${j + 1}` : `${where}.Value`));
  datum.Counts?.forEach((count, j) => {
    if (!(count >= 0) || !Number.isFinite(count)) throw new InvalidParameterValueException(`The value ${count} for parameter ${where}.Counts.member.${j + 1} is invalid.`);
  });
  const histogram = histogramOf(values, datum.Counts).filter(([, count]) => count > 0);
  if (histogram.length === 0) throw new InvalidParameterValueException(`The parameter ${where}.Counts must count at least one value.`);
  return { ...base, statistics: statisticsOf(histogram), values: histogram };
}

function checkValue(value: number, where: string): void {
  if (!Number.isFinite(value) || Math.abs(value) > LARGEST) throw new InvalidParameterValueException(`The value ${value} for parameter ${where} is invalid.`);
}
