// Periods of a metric query, as CloudWatch takes them: 1, 5, 10, 30 or a multiple of 60 seconds; the query's
// start rounded down to a multiple of its period (so periods fall on whole minutes, hours...), and the
// grid of period starts from there to the end.
import { InvalidParameterValueException } from '../../core/cloudwatch-errors.js';

export const validQueryPeriod = (period: number) => [1, 5, 10, 30].includes(period) || (period >= 60 && period % 60 === 0);

export function checkQueryPeriod(period: number, where = 'Period'): void {
  if (!validQueryPeriod(period)) throw new InvalidParameterValueException(`The parameter ${where} must be 1, 5, 10, 30 or a multiple of 60.`);
}

/** The start rounded down to its period (ms). */
export const alignedStart = (start: Date, period: number) => new Date(Math.floor(start.getTime() / (period * 1000)) * period * 1000);

/** Every period start from `start` (aligned) up to, not including, `end` (ms). */
export function periodGrid(start: Date, end: Date, period: number): number[] {
  const grid: number[] = [];
  for (let t = alignedStart(start, period).getTime(); t < end.getTime(); t += period * 1000) grid.push(t);
  return grid;
}
