import type { DeleteTargetGroupInput, DeleteTargetGroupOutput } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ResourceInUse } from '../../core/elbv2-errors.js';
import type { ControlContext } from '../context.js';
import { loadBalancersOf } from './lookups.js';

/** Deletes a target group no listener or rule forwards to. Deleting one that does not exist succeeds, as in ELBv2. */
export async function deleteTargetGroup(ctx: ControlContext, input: DeleteTargetGroupInput): Promise<DeleteTargetGroupOutput> {
  const arn = input.TargetGroupArn!;
  await ctx.state.mutate((tx) => {
    if (!tx.get('targetGroup', arn)) return;
    if (loadBalancersOf(ctx.state, arn).length > 0) throw new ResourceInUse(`Target group '${arn}' is currently in use by a listener or a rule`);
    tx.delete('targetGroup', arn);
  });
  return {};
}
