// Tags of Auto Scaling groups (the only taggable resource here): CreateOrUpdateTags, DeleteTags,
// DescribeTags. At most 50 per group; `aws:` keys are AWS's. PropagateAtLaunch tags are given to the
// instances the group launches.
import type { CreateOrUpdateTagsType, DeleteTagsType, DescribeTagsType, Tag, TagDescription, TagsType } from '@aws-sdk/client-auto-scaling';
import { LimitExceeded } from '../../core/autoscaling-errors.js';
import { ValidationError } from '../../core/errors.js';
import type { ControlContext } from '../context.js';
import { groupNamed, pageOf } from './groups.js';

const TAGS_PER_GROUP = 50;

/** A group's tags as TagDescriptions, checked; later tags of one key replace earlier ones. */
export function groupTags(group: string, tags: Tag[], existing: TagDescription[] = []): TagDescription[] {
  const byKey = new Map(existing.map((t) => [t.Key!, t]));
  for (const t of tags) {
    if (t.ResourceType !== undefined && t.ResourceType !== 'auto-scaling-group') throw new ValidationError(`Invalid resource type: ${t.ResourceType}`);
    if (t.ResourceId !== undefined && t.ResourceId !== group) throw new ValidationError(`Resource ${t.ResourceId} does not match the group ${group}.`);
    if (!t.Key || t.Key.length > 128) throw new ValidationError('Tag key must be between 1 and 128 characters.');
    if (t.Key.toLowerCase().startsWith('aws:')) throw new ValidationError(`Tag keys starting with 'aws:' are reserved for internal use`);
    if ((t.Value ?? '').length > 256) throw new ValidationError('Tag value must be at most 256 characters.');
    byKey.set(t.Key, { ResourceId: group, ResourceType: 'auto-scaling-group', Key: t.Key, Value: t.Value ?? '', PropagateAtLaunch: t.PropagateAtLaunch ?? false });
  }
  if (byKey.size > TAGS_PER_GROUP) throw new LimitExceeded(`The quota for tags per Auto Scaling group (${TAGS_PER_GROUP}) has been reached.`);
  return [...byKey.values()];
}

/** Tags by group: each tag names its group in ResourceId. */
function byGroup(tags: Tag[]): Map<string, Tag[]> {
  const groups = new Map<string, Tag[]>();
  for (const t of tags) {
    if (t.ResourceId === undefined) throw new ValidationError('ResourceId is required for each tag.');
    groups.set(t.ResourceId, [...(groups.get(t.ResourceId) ?? []), t]);
  }
  return groups;
}

export async function createOrUpdateTags(ctx: ControlContext, input: CreateOrUpdateTagsType): Promise<Record<string, never>> {
  await ctx.state.mutate((tx) => {
    for (const [name, tags] of byGroup(input.Tags!)) {
      const group = groupNamed(tx, name);
      tx.put('autoScalingGroup', name, { ...group, Tags: groupTags(name, tags, group.Tags) });
    }
  });
  return {};
}

export async function deleteTags(ctx: ControlContext, input: DeleteTagsType): Promise<Record<string, never>> {
  await ctx.state.mutate((tx) => {
    for (const [name, tags] of byGroup(input.Tags!)) {
      const group = groupNamed(tx, name);
      const keys = new Set(tags.map((t) => t.Key));
      tx.put('autoScalingGroup', name, { ...group, Tags: group.Tags.filter((t) => !keys.has(t.Key)) });
    }
  });
  return {};
}

/** Every group's tags, filtered by auto-scaling-group, key, value and propagate-at-launch. */
export function describeTags(ctx: ControlContext, input: DescribeTagsType): TagsType {
  const filters = input.Filters ?? [];
  const fields: Record<string, (t: TagDescription) => string> = {
    'auto-scaling-group': (t) => t.ResourceId!,
    key: (t) => t.Key!,
    value: (t) => t.Value ?? '',
    'propagate-at-launch': (t) => String(t.PropagateAtLaunch),
  };
  for (const f of filters) if (!fields[f.Name!]) throw new ValidationError(`Filter type ${f.Name} is not correct. Allowed Filter types are: auto-scaling-group key value propagate-at-launch`);
  const tags = [...ctx.state.all('autoScalingGroup')].flatMap((g) => g.Tags).filter((t) => filters.every((f) => (f.Values ?? []).includes(fields[f.Name!]!(t))));
  const page = pageOf(tags, (t) => `${t.ResourceId}\u0000${t.Key}`, input);
  return { Tags: page.items, ...(page.NextToken && { NextToken: page.NextToken }) };
}
