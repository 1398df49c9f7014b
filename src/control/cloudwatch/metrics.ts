// What PutMetricData, GetMetricStatistics, PutMetricAlarm and ListMetrics check of a metric's identity
// beyond the model's lengths: dimensions unique by name, at most 30.
import type { Dimension } from '../../core/cloudwatch.js';
import { InvalidParameterValueException } from '../../core/cloudwatch-errors.js';

export const MAX_DIMENSIONS = 30;

export function checkDimensions(dimensions: readonly Dimension[], where = 'Dimensions'): Dimension[] {
  if (dimensions.length > MAX_DIMENSIONS) {
    throw new InvalidParameterValueException(`The collection ${where} must not have a size greater than ${MAX_DIMENSIONS}.`);
  }
  const names = new Set<string>();
  for (const { Name } of dimensions) {
    if (names.has(Name)) throw new InvalidParameterValueException(`No metric may have duplicate dimension names: ${Name}.`);
    names.add(Name);
  }
  return dimensions.map(({ Name, Value }) => ({ Name, Value }));
}
