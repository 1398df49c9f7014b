import type { PutScalingPolicyRequest, PutScalingPolicyResponse, StepScalingPolicyConfiguration } from '@aws-sdk/client-application-auto-scaling';
import { scalingPolicyArn, targetKey, uuidOf, type ScalingPolicyRecord } from '../../core/app-autoscaling.js';
import { LimitExceededException, ValidationException } from '../../core/errors.js';
import type { ControlContext } from '../context.js';
import { deleteScalingAlarms, putScalingAlarms, scalingAlarmTiming } from './alarms.js';
import { checkTrackedMetric, targetTrackingAlarms } from './target-tracking-alarms.js';
import { checkTargetRef, policiesByTarget, resolveTarget, type TargetRef } from './targets.js';

/** Application Auto Scaling's quota of scaling policies per scalable target. */
const POLICIES_PER_TARGET = 50;

/**
 * Creates or replaces a scaling policy. A target-tracking policy makes its alarms (and remakes them when
 * replaced); its response lists them. A policy that changes type loses the alarms it owned.
 */
export async function putScalingPolicy(ctx: ControlContext, input: PutScalingPolicyRequest & TargetRef & { PolicyName: string }): Promise<PutScalingPolicyResponse> {
  checkTargetRef(input);
  const type = input.PolicyType ?? 'StepScaling';
  if (type === 'TargetTrackingScaling') {
    const config = input.TargetTrackingScalingPolicyConfiguration;
    if (!config) throw new ValidationException('TargetTrackingScalingPolicyConfiguration is required for a policy of type TargetTrackingScaling');
    if (input.StepScalingPolicyConfiguration) throw new ValidationException('StepScalingPolicyConfiguration is not allowed for a policy of type TargetTrackingScaling');
    if (!(config.TargetValue! > 0)) throw new ValidationException('TargetValue must be greater than 0');
    checkTrackedMetric(input.ResourceId, config);
  } else if (type === 'StepScaling') {
    if (!input.StepScalingPolicyConfiguration) throw new ValidationException('StepScalingPolicyConfiguration is required for a policy of type StepScaling');
    if (input.TargetTrackingScalingPolicyConfiguration) throw new ValidationException('TargetTrackingScalingPolicyConfiguration is not allowed for a policy of type StepScaling');
    checkSteps(input.StepScalingPolicyConfiguration);
  } else {
    throw new ValidationException(`Unsupported policy type ${type} for service namespace ecs`);
  }

  const { record, replaced } = await ctx.state.mutate((tx) => {
    const target = resolveTarget(tx, input);
    const siblings = ctx.state.where(policiesByTarget, targetKey(target));
    const existing = siblings.find((p) => p.PolicyName === input.PolicyName);
    if (!existing && siblings.length >= POLICIES_PER_TARGET) throw new LimitExceededException(`Maximum number of scaling policies (${POLICIES_PER_TARGET}) per scalable target reached`);
    const arn = existing?.PolicyARN ?? scalingPolicyArn(ctx.partition, uuidOf(ctx.ids.id()), input.ServiceNamespace, input.ResourceId, input.PolicyName);
    const next: ScalingPolicyRecord = {
      PolicyARN: arn,
      PolicyName: input.PolicyName,
      ServiceNamespace: input.ServiceNamespace,
      ResourceId: input.ResourceId,
      ScalableDimension: input.ScalableDimension,
      PolicyType: type,
      ...(type === 'StepScaling' ? { StepScalingPolicyConfiguration: input.StepScalingPolicyConfiguration } : { TargetTrackingScalingPolicyConfiguration: input.TargetTrackingScalingPolicyConfiguration }),
      Alarms: [],
      CreationTime: existing?.CreationTime ?? ctx.clock.now(),
    };
    return { record: tx.put('scalingPolicy', arn, next), replaced: existing };
  });

  // The alarms follow the stored policy: old ones go, new ones are made (same names when only replaced).
  const stale = replaced?.Alarms.map((a) => a.AlarmName) ?? [];
  let alarms: ScalingPolicyRecord['Alarms'] = [];
  if (type === 'TargetTrackingScaling') {
    const uuids = { high: ctx.ids.id(), low: ctx.ids.id() };
    const inputs = targetTrackingAlarms({ PolicyARN: record.PolicyARN, ResourceId: record.ResourceId!, config: record.TargetTrackingScalingPolicyConfiguration! }, uuids, scalingAlarmTiming(ctx));
    alarms = await putScalingAlarms(ctx, inputs);
  }
  const kept = new Set(alarms.map((a) => a.AlarmName));
  await deleteScalingAlarms(ctx, stale.filter((name) => !kept.has(name)));
  await ctx.state.mutate((tx) => {
    const current = tx.get('scalingPolicy', record.PolicyARN);
    if (current) tx.put('scalingPolicy', record.PolicyARN, { ...current, Alarms: alarms });
  });
  ctx.log.info('scaling policy put', { policyArn: record.PolicyARN, type, alarms: alarms.length });
  return { PolicyARN: record.PolicyARN, ...(type === 'TargetTrackingScaling' && { Alarms: alarms }) };
}

/** Steps as AWS checks them: at least one, intervals that neither overlap nor leave gaps, one open end each way at most. */
export function checkSteps(config: StepScalingPolicyConfiguration): void {
  const steps = config.StepAdjustments ?? [];
  if (!config.AdjustmentType) throw new ValidationException('AdjustmentType is required for a StepScaling policy');
  if (steps.length === 0) throw new ValidationException('StepAdjustments must contain at least one step adjustment');
  if (config.MinAdjustmentMagnitude !== undefined && config.AdjustmentType !== 'PercentChangeInCapacity')
    throw new ValidationException('MinAdjustmentMagnitude is only supported with an AdjustmentType of PercentChangeInCapacity');
  const sorted = [...steps].sort((a, b) => (a.MetricIntervalLowerBound ?? -Infinity) - (b.MetricIntervalLowerBound ?? -Infinity));
  for (const [i, step] of sorted.entries()) {
    const lower = step.MetricIntervalLowerBound ?? -Infinity;
    const upper = step.MetricIntervalUpperBound ?? Infinity;
    if (lower === -Infinity && upper === Infinity && steps.length > 1) throw new ValidationException('Only one step adjustment may have no bounds');
    if (lower >= upper) throw new ValidationException('Step adjustment upper bound must be greater than its lower bound');
    const next = sorted[i + 1];
    if (next && (next.MetricIntervalLowerBound ?? -Infinity) !== upper) throw new ValidationException('Step adjustments must not overlap or leave gaps between them');
  }
}
