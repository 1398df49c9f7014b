// Tags as ECS keeps them: at most 50 per resource, keys of 1-128 and values of 0-256 characters from a
// small alphabet, and the `aws:` prefix (in any case) reserved for AWS. TagResource, UntagResource and
// ListTagsForResource reach every taggable record through one table from ARN resource type to record kind.
import { parseArn } from '../../core/arn.js';
import type { Tag } from '../../core/ecs.js';
import type { RecordKinds } from '../../core/records.js';
import { InvalidParameterException } from '../../core/ecs-errors.js';
import { ResourceNotFoundException } from '../../core/errors.js';
import type { ControlContext } from '../context.js';
import type { Transaction } from '../state.js';

export const MAX_TAGS_PER_RESOURCE = 50;
const MAX_KEY_LENGTH = 128;
const MAX_VALUE_LENGTH = 256;
const TAG_CHARACTERS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/** The record kind behind each ECS ARN resource type that takes tags (capacity providers, ... join here). */
const TAGGABLE = {
  cluster: 'cluster',
  'task-definition': 'taskDefinition',
  task: 'task',
  'container-instance': 'containerInstance',
  service: 'service',
} as const satisfies Record<string, keyof RecordKinds>;

type TaggableKind = (typeof TAGGABLE)[keyof typeof TAGGABLE];

function validateKey(key: string | undefined): asserts key is string {
  if (key === undefined || key.length < 1 || key.length > MAX_KEY_LENGTH || !TAG_CHARACTERS.test(key)) {
    throw new InvalidParameterException(
      `Invalid tag key '${key ?? ''}'. Tag keys must be 1-${MAX_KEY_LENGTH} characters of letters, numbers, spaces and _.:/=+-@.`,
    );
  }
  if (key.toLowerCase().startsWith('aws:')) {
    throw new InvalidParameterException(`Invalid tag key '${key}'. The 'aws:' prefix is reserved for AWS use.`);
  }
}

/** Checks tags as TagResource and every create operation receive them; throws InvalidParameterException. */
export function validateTags(tags: readonly Tag[]): void {
  if (tags.length > MAX_TAGS_PER_RESOURCE) {
    throw new InvalidParameterException(`A resource can have at most ${MAX_TAGS_PER_RESOURCE} tags.`);
  }
  for (const { key, value = '' } of tags) {
    validateKey(key);
    if (value.length > MAX_VALUE_LENGTH || !TAG_CHARACTERS.test(value)) {
      throw new InvalidParameterException(
        `Invalid tag value for key '${key}'. Tag values must be 0-${MAX_VALUE_LENGTH} characters of letters, numbers, spaces and _.:/=+-@.`,
      );
    }
  }
}

export function validateTagKeys(keys: readonly string[]): void {
  for (const key of keys) validateKey(key);
}

/** `existing` with `added` applied: new keys appended, existing keys overwritten, the 50-tag limit enforced. */
export function mergeTags(existing: readonly Tag[], added: readonly Tag[]): Tag[] {
  const byKey = new Map(existing.map((t) => [t.key, t]));
  for (const tag of added) byKey.set(tag.key, { key: tag.key, value: tag.value ?? '' });
  const merged = [...byKey.values()];
  validateTags(merged);
  return merged;
}

/** A taggable record's kind and id (its ARN) from an ARN; InvalidParameterException when no ECS resource has it. */
export function taggableResource(resourceArn: string): { kind: TaggableKind; id: string } {
  const parsed = parseArn(resourceArn);
  const type = parsed?.resource.split('/')[0] ?? '';
  if (parsed?.service !== 'ecs' || !Object.hasOwn(TAGGABLE, type) || !parsed.resource.includes('/')) {
    throw new InvalidParameterException('The ARN provided is invalid.');
  }
  return { kind: TAGGABLE[type as keyof typeof TAGGABLE], id: resourceArn };
}

/** The tags of the resource an ARN names; ResourceNotFoundException when there is none. */
export function tagsOf(ctx: ControlContext, resourceArn: string): Tag[] {
  const { kind, id } = taggableResource(resourceArn);
  const record = ctx.state.get(kind, id);
  if (!record) throw notFound();
  return record.tags;
}

/** Replaces the tags of the resource an ARN names with `change(its tags)`, in one mutation. */
export async function retag(ctx: ControlContext, resourceArn: string, change: (tags: Tag[]) => Tag[]): Promise<void> {
  const { kind, id } = taggableResource(resourceArn);
  await ctx.state.mutate((tx) => retagRecord(tx, kind, id, change));
}

function retagRecord<K extends TaggableKind>(tx: Transaction, kind: K, id: string, change: (tags: Tag[]) => Tag[]) {
  const record = tx.get(kind, id);
  if (!record) throw notFound();
  tx.put(kind, id, { ...record, tags: change(record.tags) });
}

const notFound = () => new ResourceNotFoundException('The specified resource could not be found.');
