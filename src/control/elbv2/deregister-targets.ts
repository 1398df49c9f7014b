import type { DeregisterTargetsInput, DeregisterTargetsOutput } from '@aws-sdk/client-elastic-load-balancing-v2';
import { InvalidTarget } from '../../core/elbv2-errors.js';
import type { ControlContext } from '../context.js';
import { resolveTargetGroup } from './lookups.js';
import { deregister, targetKey } from './targets.js';

/** Deregisters targets: they drain for the group's deregistration delay (DescribeTargetHealth: draining). */
export async function deregisterTargets(ctx: ControlContext, input: DeregisterTargetsInput): Promise<DeregisterTargetsOutput> {
  await ctx.state.mutate((tx) => {
    const tg = resolveTargetGroup(tx, input.TargetGroupArn!);
    const wanted = (input.Targets ?? []).map((t) => ({ Id: t.Id!, Port: t.Port ?? tg.Port! }));
    const registered = new Set(tg.targets.map(targetKey));
    const missing = wanted.filter((t) => !registered.has(targetKey(t)));
    if (missing.length)
      throw new InvalidTarget(`The following targets are not registered in target group '${tg.TargetGroupArn}': ${missing.map((t) => `'${t.Id}'`).join(', ')}`);
    deregister(ctx.state, tx, tg, new Set(wanted.map(targetKey)), ctx.clock.now());
  });
  return {};
}
