import type { DeleteScalingPolicyRequest } from '@aws-sdk/client-application-auto-scaling';
import { targetKey } from '../../core/app-autoscaling.js';
import { ObjectNotFoundException } from '../../core/app-autoscaling-errors.js';
import type { ControlContext } from '../context.js';
import { deleteScalingAlarms } from './alarms.js';
import { checkTargetRef, policiesByTarget, type TargetRef } from './targets.js';

/** Deletes a scaling policy and the alarms it owns (a target-tracking policy's). */
export async function deleteScalingPolicy(ctx: ControlContext, input: DeleteScalingPolicyRequest & TargetRef & { PolicyName: string }): Promise<Record<string, never>> {
  checkTargetRef(input);
  const removed = await ctx.state.mutate((tx) => {
    const policy = ctx.state.where(policiesByTarget, targetKey(input)).find((p) => p.PolicyName === input.PolicyName);
    if (!policy) throw new ObjectNotFoundException(`No scaling policy found for service namespace: ${input.ServiceNamespace}, resource ID: ${input.ResourceId}, scalable dimension: ${input.ScalableDimension}, policy name: ${input.PolicyName}`);
    tx.delete('scalingPolicy', policy.PolicyARN);
    return policy;
  });
  await deleteScalingAlarms(ctx, removed.Alarms.map((a) => a.AlarmName));
  ctx.log.info('scaling policy deleted', { policyArn: removed.PolicyARN });
  return {};
}
