import type { CreateTagsRequest } from '@aws-sdk/client-ec2';
import type { ControlContext } from '../context.js';
import { changeTags } from './tags.js';

/** Adds or overwrites tags on each resource. */
export async function createTags(ctx: ControlContext, input: CreateTagsRequest): Promise<void> {
  const added = input.Tags ?? [];
  await changeTags(ctx, input.Resources ?? [], (tags) => [...tags.filter((t) => !added.some((a) => a.Key === t.Key)), ...added.map((a) => ({ Key: a.Key, Value: a.Value ?? '' }))]);
  ctx.log.info('ec2 tags created', { resources: input.Resources?.length ?? 0, tags: added.length });
}
