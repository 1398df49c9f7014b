// Managed policies attached to users, groups and roles (Attach/Detach/ListAttached{User,Group,Role}Policies):
// the same three operations over three kinds of identity, written once here. At most ten per identity
// (IAM's default quotas); AWS's service-role policies are for AWS's own roles only.
import type {
  AttachGroupPolicyRequest,
  AttachRolePolicyRequest,
  AttachUserPolicyRequest,
  DetachGroupPolicyRequest,
  DetachRolePolicyRequest,
  DetachUserPolicyRequest,
  ListAttachedGroupPoliciesRequest,
  ListAttachedGroupPoliciesResponse,
  ListAttachedRolePoliciesRequest,
  ListAttachedRolePoliciesResponse,
  ListAttachedUserPoliciesRequest,
  ListAttachedUserPoliciesResponse,
} from '@aws-sdk/client-iam';
import type { IamRoleRecord } from '../../core/iam.js';
import { LimitExceeded, NoSuchEntity, PolicyNotAttachable } from '../../core/iam-errors.js';
import type { ControlContext } from '../context.js';
import { assertModifiable, HOLDERS, lookup, resolveHolder, type HolderType } from './entities.js';
import { findPolicy, isServiceRolePolicy, resolvePolicy } from './managed-policies.js';
import { listed, page } from './pages.js';

async function attach(ctx: ControlContext, type: HolderType, name: string, policyArn: string): Promise<Record<string, never>> {
  await ctx.state.mutate((tx) => {
    const holder = resolveHolder(lookup(ctx.state, tx), type, name);
    if (type.kind === 'iamRole') assertModifiable(holder as IamRoleRecord);
    const policy = resolvePolicy(tx, policyArn);
    if (isServiceRolePolicy(policy)) throw new PolicyNotAttachable('Cannot attach a Service Role Policy to a Customer Role.');
    if (holder.attachedPolicies.includes(policy.Arn)) return;
    if (holder.attachedPolicies.length >= type.attachQuota.max)
      throw new LimitExceeded(`Cannot exceed quota for ${type.attachQuota.name}: ${type.attachQuota.max}`);
    tx.put(type.kind, type.nameOf(holder), { ...holder, attachedPolicies: [...holder.attachedPolicies, policy.Arn] } as never);
  });
  return {};
}

async function detach(ctx: ControlContext, type: HolderType, name: string, policyArn: string): Promise<Record<string, never>> {
  await ctx.state.mutate((tx) => {
    const holder = resolveHolder(lookup(ctx.state, tx), type, name);
    if (type.kind === 'iamRole') assertModifiable(holder as IamRoleRecord);
    if (!holder.attachedPolicies.includes(policyArn)) throw new NoSuchEntity(`Policy ${policyArn} was not found.`);
    tx.put(type.kind, type.nameOf(holder), { ...holder, attachedPolicies: holder.attachedPolicies.filter((a) => a !== policyArn) } as never);
  });
  return {};
}

function listAttached(ctx: ControlContext, type: HolderType, name: string, request: { PathPrefix?: string; Marker?: string; MaxItems?: number }) {
  const holder = resolveHolder(lookup(ctx.state), type, name);
  const prefix = request.PathPrefix ?? '/';
  const attached = holder.attachedPolicies.flatMap((arn) => {
    const policy = findPolicy(ctx.state, arn);
    return policy && policy.Path.startsWith(prefix) ? [{ PolicyName: policy.PolicyName, PolicyArn: policy.Arn }] : [];
  });
  return listed('AttachedPolicies', page(attached, (p) => `${p.PolicyName}\0${p.PolicyArn}`, request));
}

export const attachUserPolicy = (ctx: ControlContext, i: AttachUserPolicyRequest) => attach(ctx, HOLDERS.user, i.UserName!, i.PolicyArn!);
export const attachGroupPolicy = (ctx: ControlContext, i: AttachGroupPolicyRequest) => attach(ctx, HOLDERS.group, i.GroupName!, i.PolicyArn!);
export const attachRolePolicy = (ctx: ControlContext, i: AttachRolePolicyRequest) => attach(ctx, HOLDERS.role, i.RoleName!, i.PolicyArn!);

export const detachUserPolicy = (ctx: ControlContext, i: DetachUserPolicyRequest) => detach(ctx, HOLDERS.user, i.UserName!, i.PolicyArn!);
export const detachGroupPolicy = (ctx: ControlContext, i: DetachGroupPolicyRequest) => detach(ctx, HOLDERS.group, i.GroupName!, i.PolicyArn!);
export const detachRolePolicy = (ctx: ControlContext, i: DetachRolePolicyRequest) => detach(ctx, HOLDERS.role, i.RoleName!, i.PolicyArn!);

export const listAttachedUserPolicies = (ctx: ControlContext, i: ListAttachedUserPoliciesRequest): ListAttachedUserPoliciesResponse =>
  listAttached(ctx, HOLDERS.user, i.UserName!, i);
export const listAttachedGroupPolicies = (ctx: ControlContext, i: ListAttachedGroupPoliciesRequest): ListAttachedGroupPoliciesResponse =>
  listAttached(ctx, HOLDERS.group, i.GroupName!, i);
export const listAttachedRolePolicies = (ctx: ControlContext, i: ListAttachedRolePoliciesRequest): ListAttachedRolePoliciesResponse =>
  listAttached(ctx, HOLDERS.role, i.RoleName!, i);
