import type { ListPolicyVersionsRequest, ListPolicyVersionsResponse } from '@aws-sdk/client-iam';
import type { ControlContext } from '../context.js';
import { resolvePolicy } from './managed-policies.js';
import { listed, page } from './pages.js';
import { describeVersion } from './policy-versions.js';

/** Newest first. */
export function listPolicyVersions(ctx: ControlContext, input: ListPolicyVersionsRequest): ListPolicyVersionsResponse {
  const policy = resolvePolicy(ctx.state, input.PolicyArn!);
  const newestFirst = (v: { VersionId: string }) => String(1e9 - Number(v.VersionId.slice(1))).padStart(10, '0');
  return listed('Versions', page(policy.versions.map((v) => describeVersion(policy, v, false)), newestFirst, input));
}
