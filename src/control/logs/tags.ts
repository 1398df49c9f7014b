// Log group tags: TagResource/UntagResource/ListTagsForResource by ARN, and the older TagLogGroup/
// UntagLogGroup/ListTagsLogGroup by name. At most 50 per group; `aws:` keys are AWS's own.
import { ResourceNotFoundException } from '../../core/errors.js';
import { InvalidParameterException, TooManyTagsException } from '../../core/logs-errors.js';
import type { ControlContext } from '../context.js';
import { groupNameOf, resolveGroup } from './log-groups.js';

const MAX_TAGS = 50;

export function checkTags(tags: Record<string, string>): Record<string, string> {
  const reserved = Object.keys(tags).find((key) => key.toLowerCase().startsWith('aws:'));
  if (reserved) throw new InvalidParameterException(`Tag keys beginning with 'aws:' are reserved: ${reserved}`);
  if (Object.keys(tags).length > MAX_TAGS) throw new TooManyTagsException(`A resource can have no more than ${MAX_TAGS} tags.`);
  return { ...tags };
}

/** The group a tagging ARN names: only log groups carry tags here. */
function groupOfArn(resourceArn: string): string {
  if (!/^arn:aws[\w-]*:logs:[\w-]*:\d*:log-group:[^:]+(:\*)?$/.test(resourceArn)) {
    throw new ResourceNotFoundException(`The specified resource does not exist: ${resourceArn}`);
  }
  return groupNameOf(resourceArn);
}

async function retag(ctx: ControlContext, logGroupName: string, change: (tags: Record<string, string>) => Record<string, string>) {
  await ctx.state.mutate((tx) => {
    const group = resolveGroup(tx, { logGroupName });
    tx.put('logGroup', group.logGroupName, { ...group, tags: checkTags(change(group.tags)) });
  });
  return {};
}

const without = (tags: Record<string, string>, keys: readonly string[]) => Object.fromEntries(Object.entries(tags).filter(([k]) => !keys.includes(k)));

export const tagResource = (ctx: ControlContext, input: { resourceArn: string; tags: Record<string, string> }) =>
  retag(ctx, groupOfArn(input.resourceArn), (tags) => ({ ...tags, ...input.tags }));

export const untagResource = (ctx: ControlContext, input: { resourceArn: string; tagKeys: string[] }) =>
  retag(ctx, groupOfArn(input.resourceArn), (tags) => without(tags, input.tagKeys));

export const listTagsForResource = (ctx: ControlContext, input: { resourceArn: string }) => ({
  tags: resolveGroup(ctx.state, { logGroupName: groupOfArn(input.resourceArn) }).tags,
});

export const tagLogGroup = (ctx: ControlContext, input: { logGroupName: string; tags: Record<string, string> }) =>
  retag(ctx, input.logGroupName, (tags) => ({ ...tags, ...input.tags }));

export const untagLogGroup = (ctx: ControlContext, input: { logGroupName: string; tags: string[] }) =>
  retag(ctx, input.logGroupName, (tags) => without(tags, input.tags));

export const listTagsLogGroup = (ctx: ControlContext, input: { logGroupName: string }) => ({ tags: resolveGroup(ctx.state, input).tags });
