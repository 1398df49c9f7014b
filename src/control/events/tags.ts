// Tags on buses and rules: TagResource, UntagResource, ListTagsForResource (at most 50, keys unique, the
// `aws:` prefix AWS's own).
import { ResourceNotFoundException, ValidationException } from '../../core/errors.js';
import type { EventsTag } from '../../core/events.js';
import { LimitExceededException } from '../../core/events-errors.js';
import type { ControlContext } from '../context.js';
import type { Transaction } from '../state.js';

export function checkTags(tags: readonly EventsTag[]): EventsTag[] {
  const keys = tags.map((t) => t.Key);
  if (new Set(keys).size !== keys.length) throw new ValidationException('Duplicate tag keys are not allowed.');
  const reserved = tags.find((t) => t.Key.toLowerCase().startsWith('aws:'));
  if (reserved) throw new ValidationException(`Tag keys starting with 'aws:' are reserved: ${reserved.Key}`);
  if (tags.length > 50) throw new LimitExceededException('The request exceeds the maximum number of tags allowed.');
  return [...tags];
}

/** The bus or rule the ARN names, and how to write it back with new tags. */
function tagged(tx: Pick<Transaction, 'get' | 'put'>, arn: string) {
  const bus = tx.get('eventBus', arn);
  if (bus) return { tags: bus.tags, put: (tags: EventsTag[]) => tx.put('eventBus', arn, { ...bus, tags }) };
  const rule = tx.get('eventRule', arn);
  if (rule) return { tags: rule.tags, put: (tags: EventsTag[]) => tx.put('eventRule', arn, { ...rule, tags }) };
  const name = arn.replace(/^.*:(rule|event-bus)\//, '');
  throw new ResourceNotFoundException(arn.includes(':rule/') ? `Rule ${name} does not exist.` : `Event bus ${name} does not exist.`);
}

export async function tagResource(ctx: ControlContext, input: { ResourceARN: string; Tags: EventsTag[] }): Promise<Record<string, never>> {
  const added = checkTags(input.Tags);
  await ctx.state.mutate((tx) => {
    const resource = tagged(tx, input.ResourceARN);
    const merged = new Map(resource.tags.map((t) => [t.Key, t]));
    for (const tag of added) merged.set(tag.Key, tag);
    resource.put(checkTags([...merged.values()]));
  });
  return {};
}

export async function untagResource(ctx: ControlContext, input: { ResourceARN: string; TagKeys: string[] }): Promise<Record<string, never>> {
  await ctx.state.mutate((tx) => {
    const resource = tagged(tx, input.ResourceARN);
    resource.put(resource.tags.filter((t) => !input.TagKeys.includes(t.Key)));
  });
  return {};
}

export function listTagsForResource(ctx: ControlContext, input: { ResourceARN: string }) {
  return { Tags: tagged({ get: (kind, id) => ctx.state.get(kind, id), put: (_k, _i, doc) => doc }, input.ResourceARN).tags };
}
