import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TrafficShift } from '../core/ecs.js';
import { advanceShift, forwardWeights, hooksAt, productionSteps, startShift, type ShiftFacts } from './deployment.js';

const T0 = new Date('2026-01-01T00:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const facts = (config: ShiftFacts['config'], greenReady = true): ShiftFacts => ({ config, greenReady, minuteMs: 60_000, deploymentId: 'ecs-svc/1' });

test('production steps: BLUE_GREEN at once, CANARY its percent then the rest, LINEAR in equal steps to 100', () => {
  assert.deepEqual(productionSteps({ strategy: 'BLUE_GREEN' }), [100]);
  assert.deepEqual(productionSteps({ strategy: 'CANARY', canaryConfiguration: { canaryPercent: 10 } }), [10, 100]);
  assert.deepEqual(productionSteps({ strategy: 'CANARY' }), [5, 100]); // ECS's default canary
  assert.deepEqual(productionSteps({ strategy: 'LINEAR', linearConfiguration: { stepPercent: 33.3 } }), [33.3, 66.6, 99.9, 100]);
  assert.deepEqual(productionSteps({ strategy: 'LINEAR', linearConfiguration: { stepPercent: 50 } }), [50, 100]);
});

test('a blue/green shift waits in SCALE_UP until green is ready, then runs to BAKE_TIME and waits out the bake time', () => {
  const config = { strategy: 'BLUE_GREEN' as const, bakeTimeInMinutes: 5 };
  const waiting = advanceShift(startShift(T0, false), facts(config, false), T0);
  assert.deepEqual(waiting.entered, ['PRE_SCALE_UP', 'SCALE_UP']);
  assert.equal(waiting.shift.productionPercent, 0);
  const shifted = advanceShift(waiting.shift, facts(config), at(1));
  assert.deepEqual(shifted.entered, ['POST_SCALE_UP', 'TEST_TRAFFIC_SHIFT', 'POST_TEST_TRAFFIC_SHIFT', 'PRODUCTION_TRAFFIC_SHIFT', 'POST_PRODUCTION_TRAFFIC_SHIFT', 'BAKE_TIME']);
  assert.deepEqual([shifted.shift.productionPercent, shifted.wakeAfterMs], [100, 5 * 60_000]);
  assert.equal(advanceShift(shifted.shift, facts(config), at(5.9)).shift.stage, 'BAKE_TIME');
  const clean = advanceShift(shifted.shift, facts(config), at(6));
  assert.deepEqual([clean.shift.stage, clean.entered], ['CLEAN_UP', ['CLEAN_UP']]);
});

test('RECONCILE_SERVICE only when more than one revision is ACTIVE; the stage a shift starts in counts as entered', () => {
  const config = { strategy: 'BLUE_GREEN' as const, bakeTimeInMinutes: 0 };
  assert.equal(startShift(T0, false).stage, 'PRE_SCALE_UP');
  const reconciling = advanceShift(startShift(T0, true), facts(config, false), T0);
  assert.deepEqual(reconciling.entered, ['RECONCILE_SERVICE', 'PRE_SCALE_UP', 'SCALE_UP']);
  assert.equal(reconciling.shift.fresh, undefined);
  assert.deepEqual(advanceShift(reconciling.shift, facts(config, false), at(1)).entered, []);
});

test('a canary holds its percent for its bake time, then shifts the rest', () => {
  const config = { strategy: 'CANARY' as const, canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 2 }, bakeTimeInMinutes: 0 };
  const canary = advanceShift(startShift(T0, false), facts(config), T0);
  assert.deepEqual([canary.shift.stage, canary.shift.productionPercent, canary.wakeAfterMs], ['PRODUCTION_TRAFFIC_SHIFT', 10, 2 * 60_000]);
  assert.equal(advanceShift(canary.shift, facts(config), at(1)).shift.productionPercent, 10);
  const done = advanceShift(canary.shift, facts(config), at(2));
  assert.deepEqual([done.shift.stage, done.shift.productionPercent], ['CLEAN_UP', 100]);
});

test('a linear shift steps every step bake time, each step timed from the one before', () => {
  const config = { strategy: 'LINEAR' as const, linearConfiguration: { stepPercent: 25, stepBakeTimeInMinutes: 1 }, bakeTimeInMinutes: 0 };
  let shift: TrafficShift = advanceShift(startShift(T0, false), facts(config), T0).shift;
  const seen = [shift.productionPercent];
  for (let minute = 1; minute <= 4; minute++) {
    shift = advanceShift(shift, facts(config), at(minute)).shift;
    seen.push(shift.productionPercent);
  }
  assert.deepEqual(seen, [25, 50, 75, 100, 100]);
  assert.equal(shift.stage, 'CLEAN_UP');
});

test('a test-scaled minute shortens every bake time alike', () => {
  const config = { strategy: 'BLUE_GREEN' as const, bakeTimeInMinutes: 3 };
  const step = advanceShift(startShift(T0, false), { config, greenReady: true, minuteMs: 100, deploymentId: 'ecs-svc/1' }, T0);
  assert.equal(step.wakeAfterMs, 300);
});

test('forward weights: whole percentages as they are, tenths per mille (ELBv2 weights stay within 0..999)', () => {
  assert.deepEqual(forwardWeights(10), { blue: 90, green: 10 });
  assert.deepEqual(forwardWeights(100), { blue: 0, green: 100 });
  assert.deepEqual(forwardWeights(33.3), { blue: 667, green: 333 });
});

test('hooks are found by the stage they name', () => {
  const hook = { hookTargetArn: 'arn:aws:lambda:us-east-1:000000000000:function:check', lifecycleStages: ['POST_SCALE_UP' as const] };
  assert.deepEqual(hooksAt([hook], 'POST_SCALE_UP'), [hook]);
  assert.deepEqual(hooksAt([hook], 'SCALE_UP'), []);
});

test('a PAUSE hook holds the shift at its stage until resolved; CONTINUE lets it go on', () => {
  const config = { strategy: 'BLUE_GREEN' as const, bakeTimeInMinutes: 0, lifecycleHooks: [{ targetType: 'PAUSE' as const, lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT' as const] }] };
  const held = advanceShift(startShift(T0, false), facts(config), T0);
  assert.deepEqual([held.shift.stage, held.shift.productionPercent, held.wakeAfterMs], ['POST_TEST_TRAFFIC_SHIFT', 0, undefined]);
  const [hook] = held.shift.pauseHooks!;
  assert.deepEqual(hook, { hookId: 'ecs-pause-1-post-test-traffic-shift-0', targetType: 'PAUSE', stage: 'POST_TEST_TRAFFIC_SHIFT', status: 'AWAITING_ACTION' });
  assert.equal(advanceShift(held.shift, facts(config), at(60)).shift.stage, 'POST_TEST_TRAFFIC_SHIFT');
  const continued = { ...held.shift, pauseHooks: [{ ...hook!, status: 'SUCCEEDED' as const }] };
  const done = advanceShift(continued, facts(config), at(61));
  assert.deepEqual([done.shift.stage, done.shift.productionPercent, done.shift.pauseHooks?.length], ['CLEAN_UP', 100, 1]);
});

test("a PAUSE hook's timeout takes its action: CONTINUE goes on, ROLLBACK (the default) reports the hook", () => {
  const pause = (action?: 'CONTINUE' | 'ROLLBACK') => ({
    strategy: 'CANARY' as const,
    canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 0 },
    bakeTimeInMinutes: 0,
    lifecycleHooks: [{ targetType: 'PAUSE' as const, lifecycleStages: ['PRE_PRODUCTION_TRAFFIC_SHIFT' as const], timeoutConfiguration: { timeoutInMinutes: 5, ...(action && { action }) } }],
  });
  const held = advanceShift(startShift(T0, false), facts(pause('CONTINUE')), T0);
  assert.deepEqual([held.shift.stage, held.wakeAfterMs, held.shift.pauseHooks?.[0]?.expiresAt, held.shift.pauseHooks?.[0]?.timeoutAction], ['POST_TEST_TRAFFIC_SHIFT', 5 * 60_000, at(5), 'CONTINUE']);
  const onward = advanceShift(held.shift, facts(pause('CONTINUE')), at(5));
  assert.deepEqual([onward.shift.stage, onward.shift.pauseHooks?.[0]?.status, onward.timedOutHook], ['CLEAN_UP', 'TIMED_OUT', undefined]);
  const rolled = advanceShift(advanceShift(startShift(T0, false), facts(pause()), T0).shift, facts(pause()), at(5));
  assert.deepEqual([rolled.shift.stage, rolled.timedOutHook?.status, rolled.timedOutHook?.timeoutAction], ['POST_TEST_TRAFFIC_SHIFT', 'TIMED_OUT', 'ROLLBACK']);
});
