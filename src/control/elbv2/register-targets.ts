import type { RegisterTargetsInput, RegisterTargetsOutput } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { ControlContext } from '../context.js';
import { resolveTargetGroup } from './lookups.js';
import { register, resolveTargets } from './targets.js';

export async function registerTargets(ctx: ControlContext, input: RegisterTargetsInput): Promise<RegisterTargetsOutput> {
  await ctx.state.mutate((tx) => {
    const tg = resolveTargetGroup(tx, input.TargetGroupArn!);
    register(tx, tg, resolveTargets(ctx.state, tg, input.Targets ?? []), ctx.clock.now());
  });
  return {};
}
