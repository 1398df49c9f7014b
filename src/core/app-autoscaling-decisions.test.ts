import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../control/manual-clock.js';
import { adjustedCapacity, aggregate, decide, matchingStep, recordScaling, targetTrackingCapacity, withinBounds, type Proposal, type TargetState } from './app-autoscaling-decisions.js';

const tracking = (metric: number, target: number, extra: Partial<Proposal> = {}): Proposal => ({
  capacity: (base) => targetTrackingCapacity(base, metric, target),
  scaleOutCooldownSeconds: 60,
  scaleInCooldownSeconds: 120,
  ...extra,
});

test('target tracking asks for ceil(current × metric / target)', () => {
  assert.equal(targetTrackingCapacity(2, 90, 50), 4);
  assert.equal(targetTrackingCapacity(3, 50, 50), 3);
  assert.equal(targetTrackingCapacity(4, 10, 50), 1);
  assert.equal(targetTrackingCapacity(0, 80, 50), 1);
  assert.equal(targetTrackingCapacity(0, 10, 50), 0);
});

test('steps: bounds relative to the threshold, inclusive below above it and the reverse below it', () => {
  const steps = [
    { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 10, ScalingAdjustment: 1 },
    { MetricIntervalLowerBound: 10, ScalingAdjustment: 3 },
    { MetricIntervalUpperBound: 0, ScalingAdjustment: -1 },
  ];
  assert.equal(matchingStep(steps, 0)?.ScalingAdjustment, 1);
  assert.equal(matchingStep(steps, 9.9)?.ScalingAdjustment, 1);
  assert.equal(matchingStep(steps, 10)?.ScalingAdjustment, 3);
  assert.equal(matchingStep(steps, -0.5)?.ScalingAdjustment, -1);
  assert.equal(matchingStep([{ MetricIntervalLowerBound: 5, ScalingAdjustment: 1 }], 2), undefined);
});

test('adjustment types, AWS rounding of percentages and MinAdjustmentMagnitude', () => {
  assert.equal(adjustedCapacity({ AdjustmentType: 'ChangeInCapacity' }, 3, 2), 5);
  assert.equal(adjustedCapacity({ AdjustmentType: 'ExactCapacity' }, 3, 7), 7);
  assert.equal(adjustedCapacity({ AdjustmentType: 'PercentChangeInCapacity' }, 10, 25), 12); // 2.5 -> 2
  assert.equal(adjustedCapacity({ AdjustmentType: 'PercentChangeInCapacity' }, 2, 10), 3); // 0.2 -> 1
  assert.equal(adjustedCapacity({ AdjustmentType: 'PercentChangeInCapacity' }, 10, -25), 8); // -2.5 -> -2
  assert.equal(adjustedCapacity({ AdjustmentType: 'PercentChangeInCapacity' }, 2, -10), 1); // -0.2 -> -1
  assert.equal(adjustedCapacity({ AdjustmentType: 'PercentChangeInCapacity', MinAdjustmentMagnitude: 4 }, 10, 25), 14);
});

test('min and max clamp; DisableScaleIn and suspension hold', () => {
  const clock = new ManualClock(1_000_000);
  const target: TargetState = { current: 2, min: 1, max: 5, history: {} };
  assert.deepEqual(decide(target, tracking(400, 50), clock.now().getTime()), { scale: true, capacity: 5, direction: 'out' });
  assert.deepEqual(decide(target, tracking(0, 50), clock.now().getTime()), { scale: true, capacity: 1, direction: 'in' });
  assert.deepEqual(decide(target, tracking(0, 50, { disableScaleIn: true }), clock.now().getTime()), { scale: false, why: 'scale-in disabled' });
  assert.deepEqual(decide({ ...target, suspendedOut: true }, tracking(400, 50), clock.now().getTime()), { scale: false, why: 'suspended' });
  assert.deepEqual(decide({ ...target, current: 5 }, tracking(400, 50), clock.now().getTime()), { scale: false, why: 'at bound' });
  assert.deepEqual(decide({ ...target, current: 1 }, tracking(0, 50), clock.now().getTime()), { scale: false, why: 'at bound' });
});

test('cooldowns: a scale-out counts what its predecessor added; a scale-in waits; a scale-out ends a scale-in cooldown', () => {
  const clock = new ManualClock(1_000_000);
  const now = () => clock.now().getTime();
  let target: TargetState = { current: 1, min: 1, max: 10, history: {} };
  const proposal = tracking(100, 50); // from 1 -> 2
  const first = decide(target, proposal, now());
  assert.deepEqual(first, { scale: true, capacity: 2, direction: 'out' });
  target = { ...target, current: 2, history: recordScaling(target.history, first as never, 1, proposal, now()) };
  clock.advance(30_000);
  // Same breach within the cooldown: counted from 1 again, it asks for 2, which is there.
  assert.deepEqual(decide(target, proposal, now()), { scale: false, why: 'cooldown' });
  // A larger breach goes through.
  assert.deepEqual(decide(target, tracking(200, 50), now()), { scale: true, capacity: 4, direction: 'out' });
  clock.advance(31_000);
  // After the cooldown, counted from the current capacity.
  assert.deepEqual(decide(target, proposal, now()), { scale: true, capacity: 4, direction: 'out' });

  const low = tracking(10, 50);
  const scaleIn = decide({ ...target, current: 4 }, low, now());
  assert.deepEqual(scaleIn, { scale: true, capacity: 1, direction: 'in' });
  target = { ...target, current: 3, history: recordScaling(target.history, scaleIn as never, 4, low, now()) };
  clock.advance(60_000);
  assert.deepEqual(decide(target, low, now()), { scale: false, why: 'cooldown' });
  const out = decide(target, proposal, now());
  assert.equal(out.scale, true);
  const history = recordScaling(target.history, out as never, 3, proposal, now());
  assert.equal(history.scaleIn, undefined);
  clock.advance(61_000);
  assert.deepEqual(decide({ ...target, current: 6, history }, low, now()), { scale: true, capacity: 2, direction: 'in' });
});

test('bounds and aggregation', () => {
  assert.equal(withinBounds(0, 2, 5), 2);
  assert.equal(withinBounds(7, 2, 5), 5);
  assert.equal(withinBounds(3, 2, 5), undefined);
  assert.equal(aggregate([1, 2, 6], 'Average'), 3);
  assert.equal(aggregate([1, 2, 6], 'Maximum'), 6);
  assert.equal(aggregate([1, 2, 6], 'Minimum'), 1);
  assert.equal(aggregate([], 'Average'), undefined);
});
