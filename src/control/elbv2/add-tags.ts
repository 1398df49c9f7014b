import type { AddTagsInput, AddTagsOutput } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { ControlContext } from '../context.js';
import { mergeTags, taggedRecord } from './tags.js';

/** Adds tags to every named resource, or to none: all must exist. */
export async function addTags(ctx: ControlContext, input: AddTagsInput): Promise<AddTagsOutput> {
  await ctx.state.mutate((tx) => {
    const found = (input.ResourceArns ?? []).map((arn) => ({ arn, ...taggedRecord(tx, arn) }));
    for (const { arn, kind, record } of found) tx.put(kind, arn, { ...record, tags: mergeTags(record.tags, input.Tags ?? []) } as never);
  });
  return {};
}
