import type { ModifyTargetGroupInput, ModifyTargetGroupOutput } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { ControlContext } from '../context.js';
import { resolveTargetGroup } from './lookups.js';
import { describeTargetGroup, healthCheck } from './target-groups.js';

/** Changes a target group's health check; the data plane picks it up with the next configuration. */
export async function modifyTargetGroup(ctx: ControlContext, input: ModifyTargetGroupInput): Promise<ModifyTargetGroupOutput> {
  const updated = await ctx.state.mutate((tx) => {
    const tg = resolveTargetGroup(tx, input.TargetGroupArn!);
    return tx.put('targetGroup', tg.TargetGroupArn, { ...tg, ...healthCheck(tg.Protocol, input, tg) });
  });
  return { TargetGroups: [describeTargetGroup(ctx.state, updated)] };
}
