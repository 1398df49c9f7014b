import type { UntagResourceRequest, UntagResourceResponse } from '@aws-sdk/client-ecs';
import type { ControlContext } from '../context.js';
import { retag, validateTagKeys } from './tagging.js';

/** Removes the given keys; keys the resource does not have are ignored. */
export async function untagResource(ctx: ControlContext, input: UntagResourceRequest): Promise<UntagResourceResponse> {
  const keys = new Set(input.tagKeys!);
  validateTagKeys([...keys]);
  await retag(ctx, input.resourceArn!, (tags) => tags.filter((t) => !keys.has(t.key!)));
  return {};
}
