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
  /** Epoch seconds, as every protocol's writer takes a timestamp given as a number (a day of 100 metrics is 28,800 of them). */
  Timestamps: number[];
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
    .flatMap((r) => seriesOfResult(r).map((series) => ({ Id: r.query.Id, Label: series.label, ...ordered(series.points, descending), StatusCode: 'Complete' as const })));
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

/**
 * A series' finite points in time order as two arrays. Series mostly come in ascending order (the store's
 * periods, metric math over the grid): one pass then, without a pair per point; a sort otherwise.
 */
function ordered(points: Map<number, number>, descending: boolean): { Timestamps: number[]; Values: number[] } {
  let times: number[] = [];
  let values: number[] = [];
  let ascending = true;
  points.forEach((v, t) => {
    if (!Number.isFinite(v)) return;
    if (times.length > 0 && t < times[times.length - 1]!) ascending = false;
    times.push(t);
    values.push(v);
  });
  if (!ascending) {
    const order = times.map((_, i) => i).sort((a, b) => times[a]! - times[b]!);
    [times, values] = [order.map((i) => times[i]!), order.map((i) => values[i]!)];
  }
  if (descending) {
    times.reverse();
    values.reverse();
  }
  for (let i = 0; i < times.length; i++) times[i]! /= 1000;
  return { Timestamps: times, Values: values };
}
