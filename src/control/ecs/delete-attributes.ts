import type { DeleteAttributesRequest, DeleteAttributesResponse } from '@aws-sdk/client-ecs';
import type { ControlContext } from '../context.js';
import { changeAttributes } from './container-instances.js';

/** Removes custom attributes from container instances by name; names an instance does not have are ignored. */
export async function deleteAttributes(ctx: ControlContext, input: DeleteAttributesRequest): Promise<DeleteAttributesResponse> {
  const attributes = await changeAttributes(ctx, input.cluster, input.attributes!, (existing, given) => {
    const names = new Set(given.map((a) => a.name));
    return existing.filter((a) => !names.has(a.name));
  });
  ctx.log.info('attributes deleted', { cluster: input.cluster ?? 'default', count: attributes.length });
  return { attributes };
}
