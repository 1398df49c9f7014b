// Tags of scalable targets (the only taggable resource of Application Auto Scaling): at most 50, keys of
// 1-128 characters, values up to 256, `aws:` reserved. TagResource, UntagResource, ListTagsForResource.
import { targetKey, type ScalableTargetRecord, type Tags } from '../../core/app-autoscaling.js';
import { TooManyTagsException } from '../../core/app-autoscaling-errors.js';
import { ResourceNotFoundException, ValidationException } from '../../core/errors.js';
import type { ControlContext } from '../context.js';
import type { Transaction } from '../state.js';

export function checkTags(tags: Tags): Tags {
  for (const [key, value] of Object.entries(tags)) {
    if (key.length < 1 || key.length > 128) throw new ValidationException(`Tag key ${key} must be 1 to 128 characters long`);
    if (value.length > 256) throw new ValidationException(`Tag value for key ${key} must be at most 256 characters long`);
    if (key.toLowerCase().startsWith('aws:')) throw new ValidationException(`Tag key ${key} uses the reserved prefix aws:`);
  }
  if (Object.keys(tags).length > 50) throw new TooManyTagsException('The number of tags exceeds the limit of 50 tags per resource');
  return tags;
}

/** The scalable target with this ARN, as `reader` (a mutation's transaction, or the state) sees it. */
function targetByArn(ctx: ControlContext, reader: Pick<Transaction, 'get'>, arn: string): ScalableTargetRecord {
  const found = [...ctx.state.all('scalableTarget')].find((t) => t.ScalableTargetARN === arn);
  const record = found && reader.get('scalableTarget', targetKey(found));
  if (!record) throw new ResourceNotFoundException(`No scalable target found for ARN ${arn}`);
  return record;
}

export async function tagResource(ctx: ControlContext, input: { ResourceARN: string; Tags: Tags }): Promise<Record<string, never>> {
  await ctx.state.mutate((tx) => {
    const record = targetByArn(ctx, tx, input.ResourceARN);
    tx.put('scalableTarget', targetKey(record), { ...record, tags: checkTags({ ...record.tags, ...input.Tags }) });
  });
  return {};
}

export async function untagResource(ctx: ControlContext, input: { ResourceARN: string; TagKeys: string[] }): Promise<Record<string, never>> {
  await ctx.state.mutate((tx) => {
    const record = targetByArn(ctx, tx, input.ResourceARN);
    const tags = Object.fromEntries(Object.entries(record.tags).filter(([k]) => !input.TagKeys.includes(k)));
    tx.put('scalableTarget', targetKey(record), { ...record, tags });
  });
  return {};
}

export function listTagsForResource(ctx: ControlContext, input: { ResourceARN: string }): { Tags: Tags } {
  return { Tags: targetByArn(ctx, ctx.state, input.ResourceARN).tags };
}
