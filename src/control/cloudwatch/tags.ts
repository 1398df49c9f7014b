// CloudWatch tags (alarms): at most 50, keys unique, `aws:` reserved. TagResource, UntagResource,
// ListTagsForResource on alarm ARNs.
import { InvalidParameterValueException, ResourceNotFoundException } from '../../core/cloudwatch-errors.js';
import type { ControlContext } from '../context.js';
import { findAlarm, isComposite } from './alarms.js';

export type Tag = { Key: string; Value: string };

export function checkTags(tags: readonly Tag[]): Tag[] {
  const keys = new Set<string>();
  for (const { Key } of tags) {
    if (keys.has(Key)) throw new InvalidParameterValueException(`Duplicate tag key: ${Key}`);
    if (Key.toLowerCase().startsWith('aws:')) throw new InvalidParameterValueException(`Invalid tag key ${Key}: the aws: prefix is reserved.`);
    keys.add(Key);
  }
  if (tags.length > 50) throw new InvalidParameterValueException('Too many tags: at most 50 per resource.');
  return tags.map(({ Key, Value }) => ({ Key, Value }));
}

/** The alarm an ARN names in this region. */
function alarmOfArn(ctx: ControlContext, state: Parameters<typeof findAlarm>[0], resourceArn: string) {
  const name = new RegExp(`^arn:aws[\\w-]*:cloudwatch:${ctx.partition.region}:${ctx.partition.accountId}:alarm:(.+)$`).exec(resourceArn)?.[1];
  const alarm = name === undefined ? undefined : findAlarm(state, name);
  if (!alarm) {
    const error = new ResourceNotFoundException(`${resourceArn} not found`);
    throw Object.assign(error, { ResourceType: 'Alarm', ResourceId: resourceArn });
  }
  return alarm;
}

export async function tagResource(ctx: ControlContext, input: { ResourceARN: string; Tags: Tag[] }): Promise<Record<string, never>> {
  await ctx.state.mutate((tx) => {
    const alarm = alarmOfArn(ctx, tx, input.ResourceARN);
    const merged = new Map(alarm.Tags.map((t) => [t.Key, t]));
    for (const tag of checkTags(input.Tags)) merged.set(tag.Key, tag);
    const Tags = checkTags([...merged.values()]);
    if (isComposite(alarm)) tx.put('compositeAlarm', alarm.AlarmName, { ...alarm, Tags });
    else tx.put('metricAlarm', alarm.AlarmName, { ...alarm, Tags });
  });
  return {};
}

export async function untagResource(ctx: ControlContext, input: { ResourceARN: string; TagKeys: string[] }): Promise<Record<string, never>> {
  await ctx.state.mutate((tx) => {
    const alarm = alarmOfArn(ctx, tx, input.ResourceARN);
    const Tags = alarm.Tags.filter((t) => !input.TagKeys.includes(t.Key));
    if (isComposite(alarm)) tx.put('compositeAlarm', alarm.AlarmName, { ...alarm, Tags });
    else tx.put('metricAlarm', alarm.AlarmName, { ...alarm, Tags });
  });
  return {};
}

export function listTagsForResource(ctx: ControlContext, input: { ResourceARN: string }) {
  return { Tags: alarmOfArn(ctx, ctx.state, input.ResourceARN).Tags };
}
