import type { ListEntitiesForPolicyRequest, ListEntitiesForPolicyResponse } from '@aws-sdk/client-iam';
import type { ControlContext } from '../context.js';
import { HOLDERS, type HolderRecord, type HolderType } from './entities.js';
import { resolvePolicy } from './managed-policies.js';
import { page } from './pages.js';

const FILTERS: Record<string, HolderType> = { User: HOLDERS.user, Group: HOLDERS.group, Role: HOLDERS.role };

/**
 * The users, groups and roles a policy is attached to (PermissionsPolicy) or bounds (PermissionsBoundary;
 * groups have no boundary), paged as one list across the three kinds.
 */
export function listEntitiesForPolicy(ctx: ControlContext, input: ListEntitiesForPolicyRequest): ListEntitiesForPolicyResponse {
  const policy = resolvePolicy(ctx.state, input.PolicyArn!);
  const prefix = input.PathPrefix ?? '/';
  const types = input.EntityFilter && FILTERS[input.EntityFilter] ? [FILTERS[input.EntityFilter]!] : Object.values(HOLDERS);
  const uses = (holder: HolderRecord) =>
    input.PolicyUsageFilter === 'PermissionsBoundary'
      ? 'PermissionsBoundary' in holder && holder.PermissionsBoundary === policy.Arn
      : holder.attachedPolicies.includes(policy.Arn) ||
        (input.PolicyUsageFilter === undefined && 'PermissionsBoundary' in holder && holder.PermissionsBoundary === policy.Arn);
  const entities = types.flatMap((type) =>
    [...(ctx.state.all(type.kind) as IterableIterator<HolderRecord>)]
      .filter((h) => h.Path.startsWith(prefix) && uses(h))
      .map((h) => ({ type, name: type.nameOf(h), id: type.idOf(h) })),
  );
  const { items, IsTruncated, Marker } = page(entities, (e) => `${e.type.noun}\0${e.name}`, input);
  const of = (type: HolderType) => items.filter((e) => e.type === type);
  return {
    PolicyGroups: of(HOLDERS.group).map((e) => ({ GroupName: e.name, GroupId: e.id })),
    PolicyUsers: of(HOLDERS.user).map((e) => ({ UserName: e.name, UserId: e.id })),
    PolicyRoles: of(HOLDERS.role).map((e) => ({ RoleName: e.name, RoleId: e.id })),
    IsTruncated,
    ...(Marker ? { Marker } : {}),
  };
}
