import type { GetAccountAuthorizationDetailsRequest, GetAccountAuthorizationDetailsResponse } from '@aws-sdk/client-iam';
import type { IamGroupRecord, IamPolicyRecord, IamRoleRecord, IamUserRecord } from '../../core/iam.js';
import type { ControlContext } from '../context.js';
import { describeGroup, describeInstanceProfile, describeRole, describeUser } from './describe.js';
import { AWS_MANAGED_POLICIES, describePolicy, findPolicy, policyUsage } from './managed-policies.js';
import { byName, page } from './pages.js';
import { encodeDocument } from './policy-documents.js';
import { describeVersion } from './policy-versions.js';

type Entry =
  | { kind: 'User'; record: IamUserRecord }
  | { kind: 'Group'; record: IamGroupRecord }
  | { kind: 'Role'; record: IamRoleRecord }
  | { kind: 'LocalManagedPolicy' | 'AWSManagedPolicy'; record: IamPolicyRecord };

/**
 * Every user, group, role and managed policy with their policies, in one paged list (Filter picks kinds).
 * AWS's managed policies appear when something uses them.
 */
export function getAccountAuthorizationDetails(ctx: ControlContext, input: GetAccountAuthorizationDetailsRequest): GetAccountAuthorizationDetailsResponse {
  const { state } = ctx;
  const wanted = new Set(input.Filter?.length ? input.Filter : ['User', 'Group', 'Role', 'LocalManagedPolicy', 'AWSManagedPolicy']);
  const usage = policyUsage(state);
  const entries: Entry[] = [
    ...[...state.all('iamUser')].map((record) => ({ kind: 'User' as const, record })),
    ...[...state.all('iamGroup')].map((record) => ({ kind: 'Group' as const, record })),
    ...[...state.all('iamRole')].map((record) => ({ kind: 'Role' as const, record })),
    ...[...state.all('iamPolicy')].map((record) => ({ kind: 'LocalManagedPolicy' as const, record })),
    ...[...AWS_MANAGED_POLICIES.values()]
      .filter((p) => usage.attachments.has(p.Arn) || usage.boundaries.has(p.Arn))
      .map((record) => ({ kind: 'AWSManagedPolicy' as const, record })),
  ].filter((e) => wanted.has(e.kind));
  const nameOf = (e: Entry) => (e.kind === 'User' ? e.record.UserName : e.kind === 'Group' ? e.record.GroupName : e.kind === 'Role' ? e.record.RoleName : e.record.Arn);
  const { items, IsTruncated, Marker } = page(entries, (e) => `${e.kind}\0${byName(nameOf(e))}`, input);

  const inline = (policies: Record<string, string>) => Object.entries(policies).map(([PolicyName, text]) => ({ PolicyName, PolicyDocument: encodeDocument(text) }));
  const attached = (arns: string[]) =>
    arns.flatMap((arn) => {
      const policy = findPolicy(state, arn);
      return policy ? [{ PolicyName: policy.PolicyName, PolicyArn: arn }] : [];
    });
  const response: GetAccountAuthorizationDetailsResponse = { UserDetailList: [], GroupDetailList: [], RoleDetailList: [], Policies: [], IsTruncated, ...(Marker ? { Marker } : {}) };
  for (const e of items) {
    if (e.kind === 'User')
      response.UserDetailList!.push({
        ...describeUser(e.record, true),
        UserPolicyList: inline(e.record.inlinePolicies),
        GroupList: [...state.all('iamGroup')].filter((g) => g.members.includes(e.record.UserName)).map((g) => g.GroupName),
        AttachedManagedPolicies: attached(e.record.attachedPolicies),
      });
    else if (e.kind === 'Group')
      response.GroupDetailList!.push({ ...describeGroup(e.record), GroupPolicyList: inline(e.record.inlinePolicies), AttachedManagedPolicies: attached(e.record.attachedPolicies) });
    else if (e.kind === 'Role')
      response.RoleDetailList!.push({
        ...describeRole(e.record, true),
        InstanceProfileList: [...state.all('iamInstanceProfile')].filter((p) => p.roles.includes(e.record.RoleName)).map((p) => describeInstanceProfile(state, p)),
        RolePolicyList: inline(e.record.inlinePolicies),
        AttachedManagedPolicies: attached(e.record.attachedPolicies),
      });
    else
      response.Policies!.push({
        ...describePolicy(e.record, usage, true),
        PolicyVersionList: e.record.versions.map((v) => describeVersion(e.record, v, true)),
      });
  }
  return response;
}
