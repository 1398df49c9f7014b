// IAM tags on users, roles, managed policies and instance profiles (Tag*, Untag*, List*Tags): at most 50
// per entity, keys unique without regard to case, a key tagged again takes the new value.
import type {
  ListInstanceProfileTagsRequest,
  ListInstanceProfileTagsResponse,
  ListPolicyTagsRequest,
  ListPolicyTagsResponse,
  ListRoleTagsRequest,
  ListRoleTagsResponse,
  ListUserTagsRequest,
  ListUserTagsResponse,
  TagInstanceProfileRequest,
  TagPolicyRequest,
  TagRoleRequest,
  TagUserRequest,
  UntagInstanceProfileRequest,
  UntagPolicyRequest,
  UntagRoleRequest,
  UntagUserRequest,
} from '@aws-sdk/client-iam';
import type { IamInstanceProfileRecord, IamPolicyRecord, IamRoleRecord, IamTag, IamUserRecord } from '../../core/iam.js';
import { InvalidInput, LimitExceeded } from '../../core/iam-errors.js';
import type { ControlContext } from '../context.js';
import type { Transaction } from '../state.js';
import { assertModifiable, lookup, resolveInstanceProfile, resolveRole, resolveUser, type Lookup } from './entities.js';
import { findPolicy, resolveOwnPolicy } from './managed-policies.js';
import { listed, page } from './pages.js';

export const MAX_TAGS = 50;

type TaggedKind = 'iamUser' | 'iamRole' | 'iamPolicy' | 'iamInstanceProfile';

/** One tagged entity as a call names it: how to find it for reading, and for changing. */
interface Tagged<R extends { Tags: IamTag[] } = { Tags: IamTag[] }> {
  kind: TaggedKind;
  resolve(at: Lookup): R;
  id(record: R): string;
}

export function validateTags(tags: readonly IamTag[]): void {
  const keys = tags.map((t) => t.Key.toLowerCase());
  if (new Set(keys).size !== keys.length) throw new InvalidInput('Duplicate tag keys found. Please note that Tag keys are case insensitive.');
  if (tags.length > MAX_TAGS) throw new LimitExceeded('The number of tags has reached the maximum limit.');
}

async function tag<R extends { Tags: IamTag[] }>(ctx: ControlContext, target: Tagged<R>, tags: readonly IamTag[]): Promise<Record<string, never>> {
  validateTags(tags);
  await ctx.state.mutate((tx) => {
    const record = target.resolve(lookup(ctx.state, tx));
    const merged = new Map(record.Tags.map((t) => [t.Key.toLowerCase(), t]));
    for (const t of tags) merged.set(t.Key.toLowerCase(), { Key: t.Key, Value: t.Value });
    if (merged.size > MAX_TAGS) throw new LimitExceeded('The number of tags has reached the maximum limit.');
    put(tx, target, { ...record, Tags: [...merged.values()] });
  });
  return {};
}

async function untag<R extends { Tags: IamTag[] }>(ctx: ControlContext, target: Tagged<R>, keys: readonly string[]): Promise<Record<string, never>> {
  const removed = new Set(keys.map((k) => k.toLowerCase()));
  await ctx.state.mutate((tx) => {
    const record = target.resolve(lookup(ctx.state, tx));
    put(tx, target, { ...record, Tags: record.Tags.filter((t) => !removed.has(t.Key.toLowerCase())) });
  });
  return {};
}

function list<R extends { Tags: IamTag[] }>(ctx: ControlContext, target: Tagged<R>, request: { Marker?: string; MaxItems?: number }) {
  const record = target.resolve(lookup(ctx.state));
  const order = new Map(record.Tags.map((t, i) => [t.Key, String(i).padStart(3, '0')]));
  return listed('Tags', page(record.Tags, (t) => order.get(t.Key)!, request));
}

const put = <R extends { Tags: IamTag[] }>(tx: Transaction, target: Tagged<R>, record: R) => tx.put(target.kind, target.id(record), record as never);

const user = (name: string): Tagged<IamUserRecord> => ({ kind: 'iamUser', resolve: (at) => resolveUser(at, name), id: (r) => r.UserName });
const role = (name: string, changing = false): Tagged<IamRoleRecord> => ({
  kind: 'iamRole',
  resolve: (at) => {
    const record = resolveRole(at, name);
    if (changing) assertModifiable(record);
    return record;
  },
  id: (r) => r.RoleName,
});
const policy = (arn: string, changing = false): Tagged<IamPolicyRecord> => ({
  kind: 'iamPolicy',
  // AWS's own policies carry no tags of the account's.
  resolve: (at) => (changing ? resolveOwnPolicy(at.tx, arn, 'tag') : findPolicy(at.tx, arn) ?? resolveOwnPolicy(at.tx, arn, 'tag')),
  id: (r) => r.Arn,
});
const instanceProfile = (name: string): Tagged<IamInstanceProfileRecord> => ({
  kind: 'iamInstanceProfile',
  resolve: (at) => resolveInstanceProfile(at, name),
  id: (r) => r.InstanceProfileName,
});

export const tagUser = (ctx: ControlContext, input: TagUserRequest) => tag(ctx, user(input.UserName!), input.Tags as IamTag[]);
export const untagUser = (ctx: ControlContext, input: UntagUserRequest) => untag(ctx, user(input.UserName!), input.TagKeys!);
export const listUserTags = (ctx: ControlContext, input: ListUserTagsRequest): ListUserTagsResponse => list(ctx, user(input.UserName!), input);

export const tagRole = (ctx: ControlContext, input: TagRoleRequest) => tag(ctx, role(input.RoleName!, true), input.Tags as IamTag[]);
export const untagRole = (ctx: ControlContext, input: UntagRoleRequest) => untag(ctx, role(input.RoleName!, true), input.TagKeys!);
export const listRoleTags = (ctx: ControlContext, input: ListRoleTagsRequest): ListRoleTagsResponse => list(ctx, role(input.RoleName!), input);

export const tagPolicy = (ctx: ControlContext, input: TagPolicyRequest) => tag(ctx, policy(input.PolicyArn!, true), input.Tags as IamTag[]);
export const untagPolicy = (ctx: ControlContext, input: UntagPolicyRequest) => untag(ctx, policy(input.PolicyArn!, true), input.TagKeys!);
export const listPolicyTags = (ctx: ControlContext, input: ListPolicyTagsRequest): ListPolicyTagsResponse => list(ctx, policy(input.PolicyArn!), input);

export const tagInstanceProfile = (ctx: ControlContext, input: TagInstanceProfileRequest) =>
  tag(ctx, instanceProfile(input.InstanceProfileName!), input.Tags as IamTag[]);
export const untagInstanceProfile = (ctx: ControlContext, input: UntagInstanceProfileRequest) =>
  untag(ctx, instanceProfile(input.InstanceProfileName!), input.TagKeys!);
export const listInstanceProfileTags = (ctx: ControlContext, input: ListInstanceProfileTagsRequest): ListInstanceProfileTagsResponse =>
  list(ctx, instanceProfile(input.InstanceProfileName!), input);
