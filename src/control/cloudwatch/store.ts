// The metric store of the context, where CloudWatch's data operations need one.
import type { MetricStore } from '../../core/cloudwatch.js';
import { InternalFailure } from '../../core/errors.js';
import type { ControlContext } from '../context.js';

export function metricStore(ctx: ControlContext): MetricStore {
  if (!ctx.metrics) throw new InternalFailure('This Wharf serves no metric store.');
  return ctx.metrics;
}
