import type { ListTagsForResourceRequest, ListTagsForResourceResponse } from '@aws-sdk/client-ecs';
import type { ControlContext } from '../context.js';
import { tagsOf } from './tagging.js';

export async function listTagsForResource(
  ctx: ControlContext,
  input: ListTagsForResourceRequest,
): Promise<ListTagsForResourceResponse> {
  return { tags: tagsOf(ctx, input.resourceArn!) };
}
