// The scaling decisions of Application Auto Scaling, pure: what capacity a target-tracking or step policy
// asks for, and whether cooldowns, suspension, DisableScaleIn and the min/max bounds let it through. Time is
// given (epoch ms), never read.
import type { StepAdjustment, StepScalingPolicyConfiguration } from '@aws-sdk/client-application-auto-scaling';
import type { ScalingHistory } from './app-autoscaling.js';

/**
 * Target tracking: the capacity that would bring the metric to its target if load spreads evenly,
 * `ceil(current × metric / target)`. From no capacity at all (no metric per task), one.
 */
export function targetTrackingCapacity(current: number, metric: number, target: number): number {
  if (current === 0) return metric > target ? 1 : 0;
  // A little tolerance, so that 3 × 50 / 50 is 3 and not 4 through floating point.
  return Math.ceil((current * metric) / target - 1e-9);
}

/**
 * The step whose interval holds the breach (metric - threshold). Above the threshold an interval's lower
 * bound is inclusive and its upper bound exclusive; below it, the reverse (AWS's rule).
 */
export function matchingStep(steps: readonly StepAdjustment[], breach: number): StepAdjustment | undefined {
  return steps.find((step) => {
    const lower = step.MetricIntervalLowerBound ?? -Infinity;
    const upper = step.MetricIntervalUpperBound ?? Infinity;
    return breach >= 0 ? lower <= breach && breach < upper : lower < breach && breach <= upper;
  });
}

/** The capacity a step adjustment asks for from `current`, with AWS's rounding and MinAdjustmentMagnitude. */
export function adjustedCapacity(config: { AdjustmentType?: string; MinAdjustmentMagnitude?: number }, current: number, adjustment: number): number {
  switch (config.AdjustmentType) {
    case 'ExactCapacity':
      return adjustment;
    case 'PercentChangeInCapacity': {
      const raw = (current * adjustment) / 100;
      // Past ±1 toward zero; between 0 and ±1, a whole task.
      let change = raw > 1 ? Math.floor(raw) : raw < -1 ? Math.ceil(raw) : raw > 0 ? 1 : raw < 0 ? -1 : 0;
      const floor = config.MinAdjustmentMagnitude ?? 0;
      if (change !== 0 && Math.abs(change) < floor) change = Math.sign(change) * floor;
      return current + change;
    }
    default:
      return current + adjustment;
  }
}

/** What one policy asks of its target, before cooldowns and bounds. */
export interface Proposal {
  /** The capacity asked for, computed from a given base capacity (the current one, or the one a cooldown counts from). */
  capacity(base: number): number;
  scaleOutCooldownSeconds: number;
  scaleInCooldownSeconds: number;
  /** Target tracking's DisableScaleIn. */
  disableScaleIn?: boolean;
}

export interface TargetState {
  current: number;
  min: number;
  max: number;
  history: ScalingHistory;
  suspendedIn?: boolean;
  suspendedOut?: boolean;
}

export type Decision =
  | { scale: true; capacity: number; direction: 'out' | 'in' }
  | { scale: false; why: 'unchanged' | 'cooldown' | 'suspended' | 'scale-in disabled' | 'at bound' };

/**
 * Whether a policy changes its target's capacity now, and to what. A scale-out during the scale-out
 * cooldown counts the capacity its predecessor added as already there: it goes through only if it asks
 * for more than that one set. A scale-in waits out the scale-in cooldown; a scale-out ends it.
 */
export function decide(target: TargetState, proposal: Proposal, now: number): Decision {
  const { current, min, max, history } = target;
  const inCooldown = (at: number | undefined, seconds: number) => at !== undefined && now < at + seconds * 1000;
  const wanted = proposal.capacity(current);
  const clamp = (n: number) => Math.min(max, Math.max(min, n));
  if (wanted > current) {
    if (target.suspendedOut) return { scale: false, why: 'suspended' };
    const last = history.scaleOut;
    const base = last && inCooldown(last.at, last.cooldownSeconds) ? Math.min(current, last.from) : current;
    const capacity = clamp(proposal.capacity(base));
    if (capacity <= current) return { scale: false, why: base === current ? 'at bound' : 'cooldown' };
    return { scale: true, capacity, direction: 'out' };
  }
  if (wanted < current) {
    if (proposal.disableScaleIn) return { scale: false, why: 'scale-in disabled' };
    if (target.suspendedIn) return { scale: false, why: 'suspended' };
    const last = history.scaleIn;
    if (last && inCooldown(last.at, last.cooldownSeconds)) return { scale: false, why: 'cooldown' };
    const capacity = clamp(wanted);
    if (capacity >= current) return { scale: false, why: 'at bound' };
    return { scale: true, capacity, direction: 'in' };
  }
  return { scale: false, why: 'unchanged' };
}

/** The history after a decision was carried out at `now`. */
export function recordScaling(history: ScalingHistory, decision: { capacity: number; direction: 'out' | 'in' }, from: number, proposal: Proposal, now: number): ScalingHistory {
  if (decision.direction === 'out') {
    // A scale-out during its cooldown keeps the cooldown's base; a scale-out ends a scale-in cooldown.
    const last = history.scaleOut;
    const ongoing = last && now < last.at + last.cooldownSeconds * 1000;
    return { scaleOut: { at: now, from: ongoing ? Math.min(from, last.from) : from, to: decision.capacity, cooldownSeconds: proposal.scaleOutCooldownSeconds } };
  }
  return { ...history, scaleIn: { at: now, cooldownSeconds: proposal.scaleInCooldownSeconds } };
}

/** A capacity brought within new bounds (RegisterScalableTarget, scheduled actions): undefined when already within. */
export function withinBounds(current: number, min: number, max: number): number | undefined {
  if (current < min) return min;
  if (current > max) return max;
  return undefined;
}

/** Combines metric values by a step policy's MetricAggregationType (Average by default). */
export function aggregate(values: readonly number[], type: 'Average' | 'Minimum' | 'Maximum' | string | undefined): number | undefined {
  if (values.length === 0) return undefined;
  if (type === 'Minimum') return Math.min(...values);
  if (type === 'Maximum') return Math.max(...values);
  return values.reduce((a, b) => a + b, 0) / values.length;
}
