import type { Attribute, ListAttributesRequest, ListAttributesResponse } from '@aws-sdk/client-ecs';
import { InvalidParameterException } from '../../core/ecs-errors.js';
import type { ControlContext } from '../context.js';
import { resolveCluster } from './lookups.js';
import { paginate } from './pagination.js';
import { containerInstancesByCluster } from './indexes.js';

/**
 * Every attribute of the cluster's registered container instances, ECS's own included (so that, say,
 * `ecs.os-type` finds the Linux instances), optionally only those with a name, or a name and value.
 */
export async function listAttributes(ctx: ControlContext, input: ListAttributesRequest): Promise<ListAttributesResponse> {
  if (input.attributeValue !== undefined && input.attributeName === undefined) {
    throw new InvalidParameterException('attributeValue can only be specified together with attributeName.');
  }
  const cluster = resolveCluster(ctx, input.cluster);
  const attributes: Attribute[] = [];
  for (const instance of ctx.state.where(containerInstancesByCluster, cluster.clusterArn)) {
    if (instance.status === 'INACTIVE') continue;
    for (const { name, value } of instance.attributes) {
      if (input.attributeName !== undefined && name !== input.attributeName) continue;
      if (input.attributeValue !== undefined && value !== input.attributeValue) continue;
      attributes.push({ name, value, targetType: 'container-instance', targetId: instance.containerInstanceArn });
    }
  }
  const page = paginate(attributes, (a) => `${a.targetId}\u0000${a.name}`, input);
  return { attributes: page.items, nextToken: page.nextToken };
}
