// Inline policies of users, groups and roles (Put/Get/Delete/List{User,Group,Role}Policies): the same four
// operations over three kinds of identity, so they are written once here. Each kind holds its inline
// policies to an aggregate size (IAM's quotas: user 2048, group 5120, role 10240 characters other than whitespace).
import type {
  DeleteGroupPolicyRequest,
  DeleteRolePolicyRequest,
  DeleteUserPolicyRequest,
  GetGroupPolicyRequest,
  GetGroupPolicyResponse,
  GetRolePolicyRequest,
  GetRolePolicyResponse,
  GetUserPolicyRequest,
  GetUserPolicyResponse,
  ListGroupPoliciesRequest,
  ListGroupPoliciesResponse,
  ListRolePoliciesRequest,
  ListRolePoliciesResponse,
  ListUserPoliciesRequest,
  ListUserPoliciesResponse,
  PutGroupPolicyRequest,
  PutRolePolicyRequest,
  PutUserPolicyRequest,
} from '@aws-sdk/client-iam';
import type { IamRoleRecord } from '../../core/iam.js';
import { LimitExceeded, NoSuchEntity } from '../../core/iam-errors.js';
import type { ControlContext } from '../context.js';
import { assertModifiable, HOLDERS, lookup, resolveHolder, type HolderRecord, type HolderType } from './entities.js';
import { listed, page } from './pages.js';
import { encodeDocument, policySize, validateDocument } from './policy-documents.js';

interface Named {
  type: HolderType;
  name: string;
}

function resolveForChange(ctx: ControlContext, tx: Parameters<typeof lookup>[1], { type, name }: Named): HolderRecord {
  const holder = resolveHolder(lookup(ctx.state, tx), type, name);
  if (type.kind === 'iamRole') assertModifiable(holder as IamRoleRecord);
  return holder;
}

const notFound = (type: HolderType, policyName: string) => new NoSuchEntity(`The ${type.noun} policy with name ${policyName} cannot be found.`);

async function putPolicy(ctx: ControlContext, target: Named, policyName: string, document: string): Promise<Record<string, never>> {
  validateDocument(document, 'identity');
  await ctx.state.mutate((tx) => {
    const holder = resolveForChange(ctx, tx, target);
    const inlinePolicies = { ...holder.inlinePolicies, [policyName]: document };
    const size = Object.values(inlinePolicies).reduce((sum, text) => sum + policySize(text), 0);
    if (size > target.type.inlineQuota)
      throw new LimitExceeded(`Maximum policy size of ${target.type.inlineQuota} bytes exceeded for ${target.type.noun} ${target.type.nameOf(holder)}`);
    tx.put(target.type.kind, target.type.nameOf(holder), { ...holder, inlinePolicies } as never);
  });
  return {};
}

function getPolicy(ctx: ControlContext, { type, name }: Named, policyName: string): { PolicyName: string; PolicyDocument: string } {
  const holder = resolveHolder(lookup(ctx.state), type, name);
  const document = holder.inlinePolicies[policyName];
  if (document === undefined) throw notFound(type, policyName);
  return { [type.nameMember]: type.nameOf(holder), PolicyName: policyName, PolicyDocument: encodeDocument(document) };
}

async function deletePolicy(ctx: ControlContext, target: Named, policyName: string): Promise<Record<string, never>> {
  await ctx.state.mutate((tx) => {
    const holder = resolveForChange(ctx, tx, target);
    if (!(policyName in holder.inlinePolicies)) throw notFound(target.type, policyName);
    const { [policyName]: _deleted, ...inlinePolicies } = holder.inlinePolicies;
    tx.put(target.type.kind, target.type.nameOf(holder), { ...holder, inlinePolicies } as never);
  });
  return {};
}

function listPolicies(ctx: ControlContext, { type, name }: Named, request: { Marker?: string; MaxItems?: number }) {
  const holder = resolveHolder(lookup(ctx.state), type, name);
  return listed('PolicyNames', page(Object.keys(holder.inlinePolicies), (n) => n, request));
}

const user = (name: string | undefined): Named => ({ type: HOLDERS.user, name: name! });
const group = (name: string | undefined): Named => ({ type: HOLDERS.group, name: name! });
const role = (name: string | undefined): Named => ({ type: HOLDERS.role, name: name! });

export const putUserPolicy = (ctx: ControlContext, i: PutUserPolicyRequest) => putPolicy(ctx, user(i.UserName), i.PolicyName!, i.PolicyDocument!);
export const putGroupPolicy = (ctx: ControlContext, i: PutGroupPolicyRequest) => putPolicy(ctx, group(i.GroupName), i.PolicyName!, i.PolicyDocument!);
export const putRolePolicy = (ctx: ControlContext, i: PutRolePolicyRequest) => putPolicy(ctx, role(i.RoleName), i.PolicyName!, i.PolicyDocument!);

export const getUserPolicy = (ctx: ControlContext, i: GetUserPolicyRequest) => getPolicy(ctx, user(i.UserName), i.PolicyName!) as GetUserPolicyResponse;
export const getGroupPolicy = (ctx: ControlContext, i: GetGroupPolicyRequest) => getPolicy(ctx, group(i.GroupName), i.PolicyName!) as GetGroupPolicyResponse;
export const getRolePolicy = (ctx: ControlContext, i: GetRolePolicyRequest) => getPolicy(ctx, role(i.RoleName), i.PolicyName!) as GetRolePolicyResponse;

export const deleteUserPolicy = (ctx: ControlContext, i: DeleteUserPolicyRequest) => deletePolicy(ctx, user(i.UserName), i.PolicyName!);
export const deleteGroupPolicy = (ctx: ControlContext, i: DeleteGroupPolicyRequest) => deletePolicy(ctx, group(i.GroupName), i.PolicyName!);
export const deleteRolePolicy = (ctx: ControlContext, i: DeleteRolePolicyRequest) => deletePolicy(ctx, role(i.RoleName), i.PolicyName!);

export const listUserPolicies = (ctx: ControlContext, i: ListUserPoliciesRequest): ListUserPoliciesResponse => listPolicies(ctx, user(i.UserName), i);
export const listGroupPolicies = (ctx: ControlContext, i: ListGroupPoliciesRequest): ListGroupPoliciesResponse => listPolicies(ctx, group(i.GroupName), i);
export const listRolePolicies = (ctx: ControlContext, i: ListRolePoliciesRequest): ListRolePoliciesResponse => listPolicies(ctx, role(i.RoleName), i);
