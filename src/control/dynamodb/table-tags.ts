// DynamoDB tags on tables: TagResource/UntagResource/ListTagsOfResource by table ARN, at most 50 per table,
// keys unique, `aws:` AWS's own.
import type { Tag } from '../../core/dynamodb.js';
import { ResourceNotFoundException, ValidationException } from '../../core/errors.js';
import type { ControlContext } from '../context.js';
import type { Transaction } from '../state.js';

export function checkTags(tags: readonly Tag[]): Tag[] {
  const keys = tags.map((t) => t.Key);
  if (new Set(keys).size !== keys.length) throw new ValidationException('One or more parameter values were invalid: Duplicate tag keys found');
  if (tags.some((t) => t.Key.toLowerCase().startsWith('aws:'))) throw new ValidationException('One or more parameter values were invalid: Tag keys starting with aws: are reserved');
  if (tags.length > 50) throw new ValidationException('One or more parameter values were invalid: Too many tags');
  return [...tags];
}

function tableOfArn(tx: Pick<Transaction, 'get'>, ctx: ControlContext, resourceArn: string) {
  const match = /^arn:aws[\w-]*:dynamodb:([\w-]+):(\d{12}):table\/([\w.-]{3,255})$/.exec(resourceArn);
  if (!match) throw new ValidationException(`Invalid TableArn: Invalid ResourceArn provided as input ${resourceArn}`);
  const table = tx.get('dynamodbTable', match[3]!);
  if (!table || match[1] !== ctx.partition.region || match[2] !== ctx.partition.accountId)
    throw new ResourceNotFoundException(`Requested resource not found: ResourcearN: ${resourceArn} not found`);
  return table;
}

export async function tagResource(ctx: ControlContext, input: { ResourceArn: string; Tags: Tag[] }): Promise<Record<string, never>> {
  await ctx.state.mutate((tx) => {
    const table = tableOfArn(tx, ctx, input.ResourceArn);
    const merged = new Map(table.tags.map((t) => [t.Key, t.Value]));
    for (const tag of checkTags(input.Tags)) merged.set(tag.Key, tag.Value);
    tx.put('dynamodbTable', table.TableName, { ...table, tags: checkTags([...merged].map(([Key, Value]) => ({ Key, Value }))) });
  });
  return {};
}

export async function untagResource(ctx: ControlContext, input: { ResourceArn: string; TagKeys: string[] }): Promise<Record<string, never>> {
  await ctx.state.mutate((tx) => {
    const table = tableOfArn(tx, ctx, input.ResourceArn);
    tx.put('dynamodbTable', table.TableName, { ...table, tags: table.tags.filter((t) => !input.TagKeys.includes(t.Key)) });
  });
  return {};
}

export function listTagsOfResource(ctx: ControlContext, input: { ResourceArn: string }) {
  return { Tags: tableOfArn(ctx.state, ctx, input.ResourceArn).tags };
}
