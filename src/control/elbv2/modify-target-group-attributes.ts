import type { ModifyTargetGroupAttributesInput, ModifyTargetGroupAttributesOutput } from '@aws-sdk/client-elastic-load-balancing-v2';
import { InvalidConfigurationRequest } from '../../core/elbv2-errors.js';
import type { ControlContext } from '../context.js';
import { attributeList, checkAttributes } from './load-balancers.js';
import { resolveTargetGroup } from './lookups.js';
import { TARGET_GROUP_RANGES } from './target-groups.js';

const STICKINESS_TYPES: Record<string, string[]> = { HTTP: ['lb_cookie', 'app_cookie'], HTTPS: ['lb_cookie', 'app_cookie'], TCP: ['source_ip'], TLS: ['source_ip'] };

export async function modifyTargetGroupAttributes(ctx: ControlContext, input: ModifyTargetGroupAttributesInput): Promise<ModifyTargetGroupAttributesOutput> {
  const updated = await ctx.state.mutate((tx) => {
    const tg = resolveTargetGroup(tx, input.TargetGroupArn!);
    const changes = checkAttributes(tg.attributes, input.Attributes ?? [], 'Target group', TARGET_GROUP_RANGES);
    const type = changes['stickiness.type'];
    if (type !== undefined && !STICKINESS_TYPES[tg.Protocol ?? '']?.includes(type))
      throw new InvalidConfigurationRequest(`Stickiness type '${type}' is not supported for target groups with the ${tg.Protocol} protocol`);
    return tx.put('targetGroup', tg.TargetGroupArn, { ...tg, attributes: { ...tg.attributes, ...changes } });
  });
  return { Attributes: attributeList(updated.attributes) };
}
