import type { DeleteTagsRequest } from '@aws-sdk/client-ec2';
import type { ControlContext } from '../context.js';
import { changeTags } from './tags.js';

/** Removes tags by key (only when its value matches, if one is given); every tag when none is named. */
export async function deleteTags(ctx: ControlContext, input: DeleteTagsRequest): Promise<void> {
  const removed = input.Tags;
  await changeTags(ctx, input.Resources ?? [], (tags) =>
    removed === undefined ? [] : tags.filter((t) => !removed.some((r) => r.Key === t.Key && (r.Value === undefined || r.Value === t.Value))),
  );
  ctx.log.info('ec2 tags deleted', { resources: input.Resources?.length ?? 0 });
}
