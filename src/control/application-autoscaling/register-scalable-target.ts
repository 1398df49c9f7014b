import type { RegisterScalableTargetRequest, SuspendedState } from '@aws-sdk/client-application-auto-scaling';
import { activityText, ecsServiceLinkedRole, scalableTargetArn, targetKey, type ScalableTargetRecord } from '../../core/app-autoscaling.js';
import { withinBounds } from '../../core/app-autoscaling-decisions.js';
import { ValidationException } from '../../core/errors.js';
import type { ControlContext } from '../context.js';
import { setCapacity } from './scaling.js';
import { checkTags } from './tags.js';
import { checkTargetRef, serviceOf, type TargetRef } from './targets.js';

/**
 * Registers a scalable target, or updates one registered already (only what is given changes). AWS fills
 * RoleARN with ECS's service-linked role; a service outside new bounds is brought within them at once.
 */
export async function registerScalableTarget(ctx: ControlContext, input: RegisterScalableTargetRequest & TargetRef): Promise<{ ScalableTargetARN: string }> {
  checkTargetRef(input);
  const tags = input.Tags ? checkTags(input.Tags) : undefined;
  const { record, created } = await ctx.state.mutate((tx) => {
    const service = serviceOf(ctx, input, tx);
    if (!service) throw new ValidationException(`ECS service doesn't exist: ${input.ResourceId}`);
    const existing = tx.get('scalableTarget', targetKey(input));
    if (!existing && (input.MinCapacity === undefined || input.MaxCapacity === undefined))
      throw new ValidationException('MinCapacity and MaxCapacity are required for registering a new scalable target');
    const min = input.MinCapacity ?? existing!.MinCapacity;
    const max = input.MaxCapacity ?? existing!.MaxCapacity;
    if (min < 0 || max < 0) throw new ValidationException('Minimum and maximum capacity must be non-negative');
    if (min > max) throw new ValidationException(`Minimum capacity cannot be greater than maximum capacity`);
    const next: ScalableTargetRecord = {
      ServiceNamespace: input.ServiceNamespace,
      ResourceId: input.ResourceId,
      ScalableDimension: input.ScalableDimension,
      MinCapacity: min,
      MaxCapacity: max,
      RoleARN: ecsServiceLinkedRole(ctx.partition),
      CreationTime: existing?.CreationTime ?? ctx.clock.now(),
      SuspendedState: suspended(input.SuspendedState, existing?.SuspendedState),
      ScalableTargetARN: existing?.ScalableTargetARN ?? scalableTargetArn(ctx.partition, ctx.ids.id()),
      tags: existing ? { ...existing.tags, ...tags } : tags ?? {},
      history: existing?.history ?? {},
    };
    return { record: tx.put('scalableTarget', targetKey(input), next), created: !existing };
  });
  ctx.log.info(created ? 'scalable target registered' : 'scalable target updated', { resourceId: record.ResourceId, min: record.MinCapacity, max: record.MaxCapacity });
  const service = serviceOf(ctx, record);
  const bounded = service && withinBounds(service.desiredCount, record.MinCapacity, record.MaxCapacity);
  if (bounded !== undefined) {
    const cause = bounded === record.MinCapacity ? activityText.minCause(bounded) : activityText.maxCause(bounded);
    await setCapacity(ctx, record, { capacity: bounded, cause });
  }
  return { ScalableTargetARN: record.ScalableTargetARN };
}

function suspended(given: SuspendedState | undefined, had: SuspendedState | undefined): SuspendedState {
  const base = had ?? { DynamicScalingInSuspended: false, DynamicScalingOutSuspended: false, ScheduledScalingSuspended: false };
  return { ...base, ...Object.fromEntries(Object.entries(given ?? {}).filter(([, v]) => v !== undefined)) };
}
