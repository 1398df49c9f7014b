// Repository tags (TagResource, UntagResource, ListTagsForResource): at most 50, keys unique.
import { InvalidParameterException, InvalidTagParameterException, TooManyTagsException } from '../../core/ecr-errors.js';
import type { ControlContext } from '../context.js';
import { resolveRepository, updateRepository } from './repositories.js';

export type EcrTag = { Key: string; Value: string };

export function checkTags(tags: readonly EcrTag[]): EcrTag[] {
  const keys = tags.map((t) => t.Key);
  if (new Set(keys).size !== keys.length) throw new InvalidTagParameterException('Duplicate tag keys are not allowed');
  if (keys.some((k) => k.toLowerCase().startsWith('aws:'))) throw new InvalidTagParameterException('Tag keys may not begin with aws:');
  if (tags.length > 50) throw new TooManyTagsException('A repository may have at most 50 tags');
  return [...tags];
}

function repositoryOfArn(ctx: ControlContext, resourceArn: string) {
  const m = /^arn:aws[\w-]*:ecr:([\w-]+):(\d{12}):repository\/(.+)$/.exec(resourceArn);
  if (!m || m[1] !== ctx.partition.region) throw new InvalidParameterException(`Invalid parameter at 'resourceArn' failed to satisfy constraint: 'Invalid ARN'`);
  return { repositoryName: m[3]!, registryId: m[2]! };
}

export async function tagResource(ctx: ControlContext, input: { resourceArn: string; tags: EcrTag[] }) {
  const id = repositoryOfArn(ctx, input.resourceArn);
  await updateRepository(ctx, id, (repo) => {
    const merged = new Map(repo.tags.map((t) => [t.Key, t.Value]));
    for (const t of input.tags) merged.set(t.Key, t.Value);
    return { ...repo, tags: checkTags([...merged].map(([Key, Value]) => ({ Key, Value }))) };
  });
  return {};
}

export async function untagResource(ctx: ControlContext, input: { resourceArn: string; tagKeys: string[] }) {
  const id = repositoryOfArn(ctx, input.resourceArn);
  await updateRepository(ctx, id, (repo) => ({ ...repo, tags: repo.tags.filter((t) => !input.tagKeys.includes(t.Key)) }));
  return {};
}

export function listTagsForResource(ctx: ControlContext, input: { resourceArn: string }) {
  return { tags: resolveRepository(ctx, ctx.state, repositoryOfArn(ctx, input.resourceArn)).tags };
}
