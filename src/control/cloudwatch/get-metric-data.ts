// GetMetricData: up to 500 queries (metrics and metric math), each returned query's series as Timestamps and
// Values, newest first unless ScanBy TimestampAscending; MaxDatapoints a page, NextToken continuing it.
import type { MetricDataQuery } from '../../core/cloudwatch.js';
import { InvalidParameterValueException } from '../../core/cloudwatch-errors.js';
import { ValidationError } from '../../core/errors.js';
import type { ControlContext } from '../context.js';
import { runQueries, seriesOfResult } from './metric-queries.js';
import { decodeToken, encodeToken } from './tokens.js';

export interface GetMetricDataInput {
  MetricDataQueries: MetricDataQuery[];
  StartTime: Date;
  EndTime: Date;
  NextToken?: string;
  ScanBy?: 'TimestampDescending' | 'TimestampAscending';
  MaxDatapoints?: number;
}

export const MAX_QUERIES = 500;
export const DEFAULT_MAX_DATAPOINTS = 100_800;

interface Result {
  Id: string;
  Label: string;
  Timestamps: Date[];
  Values: number[];
  StatusCode: 'Complete' | 'PartialData';
}

export async function getMetricData(ctx: ControlContext, input: GetMetricDataInput): Promise<{ MetricDataResults: Result[]; NextToken?: string; Messages: [] }> {
  if (input.MetricDataQueries.length > MAX_QUERIES) throw new ValidationError(`The collection MetricDataQueries must not have a size greater than ${MAX_QUERIES}.`);
  if (input.StartTime.getTime() >= input.EndTime.getTime()) throw new InvalidParameterValueException('The parameter StartTime must be less than the parameter EndTime.');
  if (!input.MetricDataQueries.some((q) => q.ReturnData !== false)) throw new ValidationError('At least one MetricDataQuery must have ReturnData set to true.');
  const results = await runQueries(ctx, input.MetricDataQueries, input.StartTime, input.EndTime);
  const descending = input.ScanBy !== 'TimestampAscending';
  const all: Result[] = results
    .filter((r) => r.query.ReturnData !== false)
    .flatMap((r) =>
      seriesOfResult(r).map((series) => {
        const points = [...series.points].filter(([, v]) => Number.isFinite(v)).sort((a, b) => (descending ? b[0] - a[0] : a[0] - b[0]));
        return { Id: r.query.Id, Label: series.label, Timestamps: points.map(([t]) => new Date(t)), Values: points.map(([, v]) => v), StatusCode: 'Complete' as const };
      }),
    );
  // A page holds at most MaxDatapoints values; the token is the count of values already given.
  const budget = input.MaxDatapoints ?? DEFAULT_MAX_DATAPOINTS;
  let skip = input.NextToken === undefined ? 0 : decodeToken(input.NextToken, 'GetMetricData');
  const start = skip;
  let room = budget;
  const page: Result[] = [];
  let more = false;
  for (const result of all) {
    const n = result.Values.length;
    // A result without datapoints goes out once, on the first page.
    if (n === 0) {
      if (start === 0) page.push(result);
      continue;
    }
    if (skip >= n) {
      skip -= n;
      continue;
    }
    if (room === 0) {
      more = true;
      break;
    }
    const take = Math.min(room, n - skip);
    const partial = skip + take < n;
    page.push({ ...result, Timestamps: result.Timestamps.slice(skip, skip + take), Values: result.Values.slice(skip, skip + take), StatusCode: partial ? 'PartialData' : 'Complete' });
    room -= take;
    skip = 0;
    if (partial) {
      more = true;
      break;
    }
  }
  const given = budget - room;
  return { MetricDataResults: page, ...(more && { NextToken: encodeToken(start + given, 'GetMetricData') }), Messages: [] };
}
