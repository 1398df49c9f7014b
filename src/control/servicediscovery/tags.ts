// Cloud Map tags on namespaces and services: at most 50, keys unique, `aws:` reserved; TagResource,
// UntagResource, ListTagsForResource by ARN.
import { InvalidInput, TooManyTagsException } from '../../core/servicediscovery-errors.js';
import { ResourceNotFoundException } from '../../core/errors.js';
import type { SdTag } from '../../core/servicediscovery.js';
import type { ControlContext } from '../context.js';
import type { State, Transaction } from '../state.js';

export function checkTags(tags: readonly SdTag[]): SdTag[] {
  const keys = tags.map((t) => t.Key);
  if (new Set(keys).size !== keys.length) throw new InvalidInput('Duplicate tag keys are not allowed.');
  if (keys.some((k) => k.toLowerCase().startsWith('aws:'))) throw new InvalidInput('Tag keys cannot start with aws:.');
  if (tags.length > 50) throw new TooManyTagsException('The resource would have more than 50 tags.');
  return [...tags];
}

/** The namespace or service an ARN names. */
function resolveTagged(state: Pick<State, 'get'>, arn: string) {
  const match = /^arn:aws[\w-]*:servicediscovery:[\w-]+:\d{12}:(namespace|service)\/([\w-]+)$/.exec(arn);
  const record = match && (match[1] === 'namespace' ? state.get('sdNamespace', match[2]!) : state.get('sdService', match[2]!));
  if (!record || record.Arn !== arn) throw new ResourceNotFoundException(`Resource not found: ${arn}`);
  return record;
}

function retag(tx: Transaction, arn: string, edit: (tags: SdTag[]) => SdTag[]) {
  const record = resolveTagged(tx, arn);
  const tags = checkTags(edit(record.tags));
  if (record.Arn.includes(':namespace/')) tx.put('sdNamespace', record.Id, { ...tx.get('sdNamespace', record.Id)!, tags });
  else tx.put('sdService', record.Id, { ...tx.get('sdService', record.Id)!, tags });
}

export async function tagResource(ctx: ControlContext, input: { ResourceARN: string; Tags: SdTag[] }) {
  await ctx.state.mutate((tx) =>
    retag(tx, input.ResourceARN, (tags) => [...new Map([...tags, ...input.Tags].map((t) => [t.Key, t])).values()]),
  );
  return {};
}

export async function untagResource(ctx: ControlContext, input: { ResourceARN: string; TagKeys: string[] }) {
  await ctx.state.mutate((tx) => retag(tx, input.ResourceARN, (tags) => tags.filter((t) => !input.TagKeys.includes(t.Key))));
  return {};
}

export const listTagsForResource = (ctx: ControlContext, input: { ResourceARN: string }) => ({ Tags: resolveTagged(ctx.state, input.ResourceARN).tags });
