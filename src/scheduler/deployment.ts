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
// A PAUSE lifecycle hook ("Pause hooks for Amazon ECS service deployments") holds the deployment at its
// stage until ContinueServiceDeployment resolves it or its timeoutConfiguration acts.
import type { DeploymentConfiguration, DeploymentLifecycleHook } from '@aws-sdk/client-ecs';
import type { PauseHookDetail, TrafficShift } from '../core/ecs.js';

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
  /** How long a minute of bake time (and of a hook's timeout) lasts (60 000 ms; shorter only where tests say so). */
  minuteMs: number;
  /** The `ecs-svc/` id of the deployment: its PAUSE hooks' ids derive from it. */
  deploymentId: string;
}

export interface ShiftStep {
  shift: TrafficShift;
  /** Stages entered by this step, in order (their hooks are reported, the service deployment records the last). */
  entered: LifecycleStage[];
  /** Plan again after this long: a bake time or a PAUSE hook's timeout is running. */
  wakeAfterMs?: number;
  /** A PAUSE hook timed out with the ROLLBACK action: the deployment rolls back. */
  timedOutHook?: PauseHookDetail;
}

/** What a PAUSE hook's timeout does when its timeoutConfiguration names no action (Wharf's choice: the safe one). */
const DEFAULT_TIMEOUT_ACTION = 'ROLLBACK';

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

/**
 * A new deployment's shift, with no production traffic. It starts in RECONCILE_SERVICE only when the service
 * has more than one revision ACTIVE (an earlier deployment unfinished), as ECS says of that stage; else in
 * PRE_SCALE_UP. `fresh` until the first advance reports the hooks of the stage it starts in.
 */
export const startShift = (now: Date, reconcile: boolean): TrafficShift => ({ stage: reconcile ? 'RECONCILE_SERVICE' : 'PRE_SCALE_UP', stageStartedAt: now, productionPercent: 0, fresh: true });

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
    current = { ...current, stage, stageStartedAt: now, productionPercent };
    entered.push(stage);
  };
  const steps = productionSteps(facts.config);
  if (current.fresh) {
    const { fresh: _fresh, ...started } = current;
    current = started;
    entered.push(current.stage);
  }
  for (;;) {
    const pause = holdAtPauseHooks(current, facts, now);
    current = pause.shift;
    if (pause.timedOutHook) return { shift: current, entered, timedOutHook: pause.timedOutHook };
    if (pause.waiting) return { shift: current, entered, ...(pause.wakeAfterMs !== undefined && { wakeAfterMs: pause.wakeAfterMs }) };
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

/**
 * The stage's PAUSE hooks, as the shift reaches it: each new one is AWAITING_ACTION (with its expiry when
 * it has a timeout); the shift waits while one is; one past its expiry is TIMED_OUT and its action taken.
 * PRE_PRODUCTION_TRAFFIC_SHIFT, a hook stage but no deployment stage, is the end of POST_TEST_TRAFFIC_SHIFT.
 */
function holdAtPauseHooks(
  shift: TrafficShift,
  facts: ShiftFacts,
  now: Date,
): { shift: TrafficShift; waiting?: boolean; wakeAfterMs?: number; timedOutHook?: PauseHookDetail } {
  const stages: PauseHookDetail['stage'][] = [shift.stage as PauseHookDetail['stage']];
  if (shift.stage === 'POST_TEST_TRAFFIC_SHIFT') stages.push('PRE_PRODUCTION_TRAFFIC_SHIFT');
  let current = shift;
  for (const stage of stages) {
    const pauses = hooksAt(facts.config.lifecycleHooks, stage).filter((h) => h.targetType === 'PAUSE');
    for (const [i, hook] of pauses.entries()) {
      const hookId = pauseHookId(facts.deploymentId, stage, i);
      let detail = current.pauseHooks?.find((h) => h.hookId === hookId);
      if (!detail) {
        const timeout = hook.timeoutConfiguration;
        detail = {
          hookId,
          targetType: 'PAUSE',
          stage,
          status: 'AWAITING_ACTION',
          ...(timeout?.timeoutInMinutes !== undefined && {
            expiresAt: new Date(now.getTime() + timeout.timeoutInMinutes * facts.minuteMs),
            timeoutAction: timeout.action ?? DEFAULT_TIMEOUT_ACTION,
          }),
        };
        current = { ...current, pauseHooks: [...(current.pauseHooks ?? []), detail] };
      }
      if (detail.status !== 'AWAITING_ACTION') continue;
      if (!detail.expiresAt) return { shift: current, waiting: true };
      const left = new Date(detail.expiresAt).getTime() - now.getTime();
      if (left > 0) return { shift: current, waiting: true, wakeAfterMs: left };
      const timedOut: PauseHookDetail = { ...detail, status: 'TIMED_OUT' };
      current = { ...current, pauseHooks: current.pauseHooks!.map((h) => (h.hookId === hookId ? timedOut : h)) };
      if (timedOut.timeoutAction === 'ROLLBACK') return { shift: current, timedOutHook: timedOut };
    }
  }
  return { shift: current };
}

/** A PAUSE hook's id: unique per deployment, stage and hook, shaped like ECS's (`ecs-pause-…`). */
const pauseHookId = (deploymentId: string, stage: string, index: number) =>
  `ecs-pause-${deploymentId.replace(/^ecs-svc\//, '')}-${stage.toLowerCase().replaceAll('_', '-')}-${index}`;

/** The hooks configured for a stage: ECS invokes them there (Wharf reports each as not run, see the docs). */
export const hooksAt = (hooks: readonly DeploymentLifecycleHook[] | undefined, stage: string) =>
  (hooks ?? []).filter((h) => (h.lifecycleStages as string[] | undefined)?.includes(stage));

/** The PAUSE hook detail as DescribeServiceDeployments shows it (the stage is Wharf's own bookkeeping). */
export const hookDetail = ({ stage: _stage, ...detail }: PauseHookDetail) => detail;

/**
 * The forward weights of a listener rule that splits traffic between blue and green: whole percentages
 * when the share is whole, else per mille (ELBv2 weights are integers from 0 to 999).
 */
export function forwardWeights(greenPercent: number): { blue: number; green: number } {
  if (Number.isInteger(greenPercent)) return { blue: 100 - greenPercent, green: greenPercent };
  const green = Math.round(greenPercent * 10);
  return { blue: 1000 - green, green };
}
