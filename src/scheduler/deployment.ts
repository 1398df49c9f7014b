// ECS's native blue/green, linear and canary deployments as pure decisions: which lifecycle stage a
// deployment is in, when it moves on, and what share of production traffic the green revision gets at each
// step. The service scheduler (service.ts) calls `advanceShift` on every plan; the service controller turns
// the weights into the listener rules' forward actions.
//
// What it follows (Amazon ECS Developer Guide, "Amazon ECS blue/green deployments", "linear deployments",
// "canary deployments", and the ServiceDeploymentLifecycleStage enum of the ECS model): the green revision
// scales up to the full desired count alongside blue (SCALE_UP), gets the test listener rule
// (TEST_TRAFFIC_SHIFT), then production traffic: all at once (BLUE_GREEN), canaryPercent for
// canaryBakeTimeInMinutes then the rest (CANARY), or stepPercent more every stepBakeTimeInMinutes
// (LINEAR); both revisions run for bakeTimeInMinutes (BAKE_TIME), then blue scales down (CLEAN_UP).
import type { DeploymentConfiguration, DeploymentLifecycleHook } from '@aws-sdk/client-ecs';
import type { TrafficShift } from '../core/ecs.js';

export type LifecycleStage = TrafficShift['stage'];
export type ShiftingStrategy = 'BLUE_GREEN' | 'LINEAR' | 'CANARY';

/** The stages in the order a deployment goes through them (the model's enum order). */
export const LIFECYCLE_STAGES: readonly LifecycleStage[] = [
  'RECONCILE_SERVICE',
  'PRE_SCALE_UP',
  'SCALE_UP',
  'POST_SCALE_UP',
  'TEST_TRAFFIC_SHIFT',
  'POST_TEST_TRAFFIC_SHIFT',
  'PRODUCTION_TRAFFIC_SHIFT',
  'POST_PRODUCTION_TRAFFIC_SHIFT',
  'BAKE_TIME',
  'CLEAN_UP',
];

/** What of the service the stage machine reads. */
export interface ShiftFacts {
  config: Pick<DeploymentConfiguration, 'strategy' | 'bakeTimeInMinutes' | 'linearConfiguration' | 'canaryConfiguration' | 'lifecycleHooks'>;
  /** Green runs its full desired count, every task healthy. */
  greenReady: boolean;
  /** How long a minute of bake time lasts (60 000 ms; shorter only where tests say so). */
  minuteMs: number;
}

export interface ShiftStep {
  shift: TrafficShift;
  /** Stages entered by this step, in order (their hooks are reported, the service deployment records the last). */
  entered: LifecycleStage[];
  /** Plan again after this long: a bake time is running. */
  wakeAfterMs?: number;
}

// ECS's defaults (the ECS API reference, LinearConfiguration and CanaryConfiguration).
const LINEAR_STEP_PERCENT = 10;
const LINEAR_STEP_BAKE_MINUTES = 6;
const CANARY_PERCENT = 5;
const CANARY_BAKE_MINUTES = 10;

export const isShiftingStrategy = (strategy: string | undefined): strategy is ShiftingStrategy =>
  strategy === 'BLUE_GREEN' || strategy === 'LINEAR' || strategy === 'CANARY';

/** The percentages of production traffic green gets, step after step, ending at 100. */
export function productionSteps(config: ShiftFacts['config']): number[] {
  if (config.strategy === 'CANARY') {
    const canary = config.canaryConfiguration?.canaryPercent ?? CANARY_PERCENT;
    return canary >= 100 ? [100] : [canary, 100];
  }
  if (config.strategy === 'LINEAR') {
    const step = config.linearConfiguration?.stepPercent ?? LINEAR_STEP_PERCENT;
    const steps: number[] = [];
    // Tenths, counted in integers, so 3 x 33.3 is 99.9 and not 99.89999.
    for (let tenths = Math.round(step * 10); tenths < 1000; tenths += Math.round(step * 10)) steps.push(tenths / 10);
    return [...steps, 100];
  }
  return [100];
}

/** How long green stays at `percent` before the next step (not after the last). */
function stepBakeMinutes(config: ShiftFacts['config']): number {
  if (config.strategy === 'CANARY') return config.canaryConfiguration?.canaryBakeTimeInMinutes ?? CANARY_BAKE_MINUTES;
  if (config.strategy === 'LINEAR') return config.linearConfiguration?.stepBakeTimeInMinutes ?? LINEAR_STEP_BAKE_MINUTES;
  return 0;
}

/** A new deployment's shift: it starts reconciling the service, with no production traffic. */
export const startShift = (now: Date): TrafficShift => ({ stage: 'RECONCILE_SERVICE', stageStartedAt: now, productionPercent: 0 });

/** Whether blue's tasks are still held (everything before CLEAN_UP keeps blue at full size). */
export const holdsBlue = (shift: TrafficShift) => LIFECYCLE_STAGES.indexOf(shift.stage) < LIFECYCLE_STAGES.indexOf('CLEAN_UP');

/** Whether green may launch (from SCALE_UP on). */
export const scalesUpGreen = (shift: TrafficShift) => LIFECYCLE_STAGES.indexOf(shift.stage) >= LIFECYCLE_STAGES.indexOf('SCALE_UP');

/** Whether the test listener rule forwards to green (from TEST_TRAFFIC_SHIFT on). */
export const testsGreen = (shift: TrafficShift) => LIFECYCLE_STAGES.indexOf(shift.stage) >= LIFECYCLE_STAGES.indexOf('TEST_TRAFFIC_SHIFT');

/**
 * Moves a shift on as far as it can go at `now`: through every stage whose condition holds, stopping at
 * one that waits (green not ready yet, a bake time running, blue not yet scaled down in CLEAN_UP).
 */
export function advanceShift(shift: TrafficShift, facts: ShiftFacts, now: Date): ShiftStep {
  let current = shift;
  const entered: LifecycleStage[] = [];
  const enter = (stage: LifecycleStage, productionPercent = current.productionPercent) => {
    current = { stage, stageStartedAt: now, productionPercent };
    entered.push(stage);
  };
  const steps = productionSteps(facts.config);
  for (;;) {
    const elapsed = now.getTime() - new Date(current.stageStartedAt).getTime();
    switch (current.stage) {
      case 'RECONCILE_SERVICE':
        enter('PRE_SCALE_UP');
        continue;
      case 'PRE_SCALE_UP':
        enter('SCALE_UP');
        continue;
      case 'SCALE_UP':
        if (!facts.greenReady) return { shift: current, entered };
        enter('POST_SCALE_UP');
        continue;
      case 'POST_SCALE_UP':
        enter('TEST_TRAFFIC_SHIFT');
        continue;
      case 'TEST_TRAFFIC_SHIFT':
        enter('POST_TEST_TRAFFIC_SHIFT');
        continue;
      case 'POST_TEST_TRAFFIC_SHIFT':
        enter('PRODUCTION_TRAFFIC_SHIFT', steps[0]);
        continue;
      case 'PRODUCTION_TRAFFIC_SHIFT': {
        if (current.productionPercent >= 100) {
          enter('POST_PRODUCTION_TRAFFIC_SHIFT');
          continue;
        }
        const bakeMs = stepBakeMinutes(facts.config) * facts.minuteMs;
        if (elapsed < bakeMs) return { shift: current, entered, wakeAfterMs: bakeMs - elapsed };
        const next = steps.find((p) => p > current.productionPercent) ?? 100;
        // The next step is a new weight in the same stage: its bake time starts now.
        current = { ...current, stageStartedAt: now, productionPercent: next };
        continue;
      }
      case 'POST_PRODUCTION_TRAFFIC_SHIFT':
        enter('BAKE_TIME');
        continue;
      case 'BAKE_TIME': {
        const bakeMs = (facts.config.bakeTimeInMinutes ?? 0) * facts.minuteMs;
        if (elapsed < bakeMs) return { shift: current, entered, wakeAfterMs: bakeMs - elapsed };
        enter('CLEAN_UP');
        continue;
      }
      default:
        // CLEAN_UP: the scheduler scales blue down; the deployment completes once blue is gone.
        return { shift: current, entered };
    }
  }
}

/** The hooks configured for a stage: ECS invokes them there (Wharf reports each as not run, see the docs). */
export const hooksAt = (hooks: readonly DeploymentLifecycleHook[] | undefined, stage: LifecycleStage) =>
  (hooks ?? []).filter((h) => (h.lifecycleStages as string[] | undefined)?.includes(stage));

/**
 * The forward weights of a listener rule that splits traffic between blue and green: whole percentages
 * when the share is whole, else per mille (ELBv2 weights are integers from 0 to 999).
 */
export function forwardWeights(greenPercent: number): { blue: number; green: number } {
  if (Number.isInteger(greenPercent)) return { blue: 100 - greenPercent, green: greenPercent };
  const green = Math.round(greenPercent * 10);
  return { blue: 1000 - green, green };
}
