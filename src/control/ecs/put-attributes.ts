import type { PutAttributesRequest, PutAttributesResponse } from '@aws-sdk/client-ecs';
import type { ControlContext } from '../context.js';
import { changeAttributes, mergeAttributes } from './container-instances.js';

/** Sets custom attributes on container instances (a name already set takes the new value). */
export async function putAttributes(ctx: ControlContext, input: PutAttributesRequest): Promise<PutAttributesResponse> {
  const attributes = await changeAttributes(ctx, input.cluster, input.attributes!, (existing, given) =>
    mergeAttributes(existing, given.map(({ name, value }) => ({ name, value }))),
  );
  ctx.log.info('attributes put', { cluster: input.cluster ?? 'default', count: attributes.length });
  return { attributes };
}
