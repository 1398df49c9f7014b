import type { RemoveTagsInput, RemoveTagsOutput } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { ControlContext } from '../context.js';
import { taggedRecord } from './tags.js';

export async function removeTags(ctx: ControlContext, input: RemoveTagsInput): Promise<RemoveTagsOutput> {
  const keys = new Set(input.TagKeys ?? []);
  await ctx.state.mutate((tx) => {
    const found = (input.ResourceArns ?? []).map((arn) => ({ arn, ...taggedRecord(tx, arn) }));
    for (const { arn, kind, record } of found) tx.put(kind, arn, { ...record, tags: record.tags.filter((t) => !keys.has(t.Key!)) } as never);
  });
  return {};
}
