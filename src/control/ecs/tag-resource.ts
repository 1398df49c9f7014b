import type { TagResourceRequest, TagResourceResponse } from '@aws-sdk/client-ecs';
import type { ControlContext } from '../context.js';
import { mergeTags, retag, validateTags } from './tagging.js';

/** Adds tags, overwriting the values of keys the resource already has. */
export async function tagResource(ctx: ControlContext, input: TagResourceRequest): Promise<TagResourceResponse> {
  const added = input.tags!;
  validateTags(added);
  await retag(ctx, input.resourceArn!, (tags) => mergeTags(tags, added));
  return {};
}
