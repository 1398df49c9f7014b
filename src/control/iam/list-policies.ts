import type { ListPoliciesRequest, ListPoliciesResponse } from '@aws-sdk/client-iam';
import type { ControlContext } from '../context.js';
import { AWS_MANAGED_POLICIES, describePolicy, policyUsage } from './managed-policies.js';
import { listed, page } from './pages.js';

/**
 * Scope picks AWS's policies, the account's (Local) or both (All, the default); OnlyAttached keeps those
 * attached to some identity; PolicyUsageFilter those used as permissions or as boundaries.
 */
export function listPolicies(ctx: ControlContext, input: ListPoliciesRequest): ListPoliciesResponse {
  const scope = input.Scope ?? 'All';
  const prefix = input.PathPrefix ?? '/';
  const usage = policyUsage(ctx.state);
  const candidates = [...(scope === 'Local' ? [] : AWS_MANAGED_POLICIES.values()), ...(scope === 'AWS' ? [] : ctx.state.all('iamPolicy'))];
  const policies = candidates
    .filter((p) => p.Path.startsWith(prefix))
    .map((p) => describePolicy(p, usage))
    .filter((p) => !input.OnlyAttached || p.AttachmentCount > 0)
    .filter((p) => input.PolicyUsageFilter !== 'PermissionsPolicy' || p.AttachmentCount > 0)
    .filter((p) => input.PolicyUsageFilter !== 'PermissionsBoundary' || p.PermissionsBoundaryUsageCount > 0);
  return listed('Policies', page(policies, (p) => `${p.PolicyName}\0${p.Arn}`, input));
}
