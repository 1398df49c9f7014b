// ListMetrics: metrics with data in the past two weeks (or three hours: RecentlyActive PT3H), filtered by
// namespace, name and dimensions; 500 a page, NextToken an opaque offset.
import type { MetricIdentity } from '../../core/cloudwatch.js';
import { InvalidParameterValueException } from '../../core/cloudwatch-errors.js';
import type { ControlContext } from '../context.js';
import { decodeToken, encodeToken } from './tokens.js';
import { metricStore } from './store.js';

export interface ListMetricsInput {
  Namespace?: string;
  MetricName?: string;
  Dimensions?: { Name: string; Value?: string }[];
  NextToken?: string;
  RecentlyActive?: string;
}

const PAGE = 500;

export async function listMetrics(ctx: ControlContext, input: ListMetricsInput): Promise<{ Metrics: MetricIdentity[]; NextToken?: string }> {
  if (input.RecentlyActive !== undefined && input.RecentlyActive !== 'PT3H') throw new InvalidParameterValueException(`The value ${input.RecentlyActive} for parameter RecentlyActive is invalid.`);
  const now = ctx.clock.now().getTime();
  const activeSince = new Date(now - (input.RecentlyActive ? 3 * 3_600_000 : 14 * 86_400_000));
  const all = await metricStore(ctx).list(ctx.partition, {
    ...(input.Namespace !== undefined && { Namespace: input.Namespace }),
    ...(input.MetricName !== undefined && { MetricName: input.MetricName }),
    ...(input.Dimensions !== undefined && { Dimensions: input.Dimensions }),
    activeSince,
  });
  const offset = input.NextToken === undefined ? 0 : decodeToken(input.NextToken, 'ListMetrics');
  const Metrics = all.slice(offset, offset + PAGE);
  return { Metrics, ...(offset + PAGE < all.length && { NextToken: encodeToken(offset + PAGE, 'ListMetrics') }) };
}
