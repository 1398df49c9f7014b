// Alarm evaluation: M out of N, every TreatMissingData mode, every comparison, and the reason CloudWatch writes.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { breaches, evaluateAlarm, type AlarmDefinition, type EvaluatedPoint } from './alarm-evaluation.js';

const END = new Date(Date.UTC(2026, 11, 5, 18, 20, 0));
const NOW = new Date(END.getTime() + 2_000);
const alarm: AlarmDefinition = { Period: 60, EvaluationPeriods: 3, Threshold: 50, ComparisonOperator: 'GreaterThanThreshold', statistic: 'Average' };

/** Values for the range's periods, oldest first; undefined: no datapoint. */
function points(...values: (number | undefined)[]): Map<number, EvaluatedPoint> {
  const out = new Map<number, EvaluatedPoint>();
  values.forEach((value, i) => value !== undefined && out.set(END.getTime() - (values.length - i) * 60_000, { value }));
  return out;
}
const stateOf = (definition: Partial<AlarmDefinition>, ...values: (number | undefined)[]) => evaluateAlarm({ ...alarm, ...definition }, points(...values), END, NOW)?.state;

describe('alarm evaluation', () => {
  test('M out of N: every datapoint breaching by default, DatapointsToAlarm fewer', () => {
    assert.equal(stateOf({}, 60, 70, 80), 'ALARM');
    assert.equal(stateOf({}, 40, 70, 80), 'OK');
    assert.equal(stateOf({ DatapointsToAlarm: 2 }, 40, 70, 80), 'ALARM');
    assert.equal(stateOf({ DatapointsToAlarm: 2 }, 40, 30, 80), 'OK');
  });

  test('TreatMissingData missing: all missing is INSUFFICIENT_DATA; some missing evaluates the rest', () => {
    assert.equal(stateOf({}, undefined, undefined, undefined), 'INSUFFICIENT_DATA');
    assert.equal(stateOf({ DatapointsToAlarm: 2 }, undefined, 70, 80), 'ALARM');
    assert.equal(stateOf({}, undefined, 70, 80), 'OK', '3 of 3 cannot be met with two datapoints');
    assert.equal(stateOf({}, undefined, undefined, 10), 'OK');
  });

  test('TreatMissingData ignore: all missing keeps the state; some missing evaluates the rest', () => {
    assert.equal(evaluateAlarm({ ...alarm, TreatMissingData: 'ignore' }, points(undefined, undefined, undefined), END, NOW), undefined);
    assert.equal(stateOf({ TreatMissingData: 'ignore', DatapointsToAlarm: 1 }, undefined, undefined, 90), 'ALARM');
    assert.equal(stateOf({ TreatMissingData: 'ignore' }, undefined, undefined, 10), 'OK');
  });

  test('TreatMissingData breaching: missing datapoints breach', () => {
    assert.equal(stateOf({ TreatMissingData: 'breaching' }, undefined, undefined, undefined), 'ALARM');
    assert.equal(stateOf({ TreatMissingData: 'breaching' }, undefined, 90, undefined), 'ALARM');
    assert.equal(stateOf({ TreatMissingData: 'breaching' }, undefined, 10, undefined), 'OK');
  });

  test('TreatMissingData notBreaching: missing datapoints are good', () => {
    assert.equal(stateOf({ TreatMissingData: 'notBreaching' }, undefined, undefined, undefined), 'OK');
    assert.equal(stateOf({ TreatMissingData: 'notBreaching' }, undefined, 90, 90), 'OK');
    assert.equal(stateOf({ TreatMissingData: 'notBreaching', DatapointsToAlarm: 2 }, undefined, 90, 90), 'ALARM');
  });

  test('every comparison operator, bands included', () => {
    assert.equal(breaches('GreaterThanOrEqualToThreshold', { value: 50 }, 50), true);
    assert.equal(breaches('GreaterThanThreshold', { value: 50 }, 50), false);
    assert.equal(breaches('LessThanThreshold', { value: 49 }, 50), true);
    assert.equal(breaches('LessThanOrEqualToThreshold', { value: 50 }, 50), true);
    assert.equal(breaches('LessThanLowerOrGreaterThanUpperThreshold', { value: 5, lower: 10, upper: 20 }, undefined), true);
    assert.equal(breaches('LessThanLowerOrGreaterThanUpperThreshold', { value: 15, lower: 10, upper: 20 }, undefined), false);
    assert.equal(breaches('LessThanLowerThreshold', { value: 25, lower: 10, upper: 20 }, undefined), false);
    assert.equal(breaches('GreaterThanUpperThreshold', { value: 25, lower: 10, upper: 20 }, undefined), true);
  });

  test('StateReason and StateReasonData as CloudWatch writes them', () => {
    const high = evaluateAlarm(alarm, points(60, 70.5, 80), END, NOW)!;
    assert.equal(high.reason, 'Threshold Crossed: 3 out of the last 3 datapoints [80.0 (05/12/26 18:19:00), 70.5 (05/12/26 18:18:00), 60.0 (05/12/26 18:17:00)] were greater than the threshold (50.0) (minimum 3 datapoints for OK -> ALARM transition).');
    const data = JSON.parse(high.reasonData);
    assert.deepEqual(data.recentDatapoints, [60, 70.5, 80]);
    assert.equal(data.threshold, 50);
    assert.equal(data.statistic, 'Average');
    assert.equal(data.period, 60);
    assert.equal(data.startDate, '2026-12-05T18:17:00.000+0000');
    assert.deepEqual(data.evaluatedDatapoints[0], { timestamp: '2026-12-05T18:19:00.000+0000', value: 80 });
    const one = evaluateAlarm({ ...alarm, EvaluationPeriods: 1 }, points(10), END, NOW)!;
    assert.equal(one.reason, 'Threshold Crossed: 1 datapoint [10.0 (05/12/26 18:19:00)] was not greater than the threshold (50.0).');
    assert.equal(evaluateAlarm(alarm, points(undefined, undefined, undefined), END, NOW)!.reason, 'Insufficient Data: 3 datapoints were unknown.');
    assert.equal(
      evaluateAlarm({ ...alarm, EvaluationPeriods: 1, TreatMissingData: 'notBreaching' }, points(undefined), END, NOW)!.reason,
      'Threshold Crossed: no datapoints were received for 1 period and 1 missing datapoint was treated as [NonBreaching].',
    );
  });
});
