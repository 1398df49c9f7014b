// A managed policy's versions as the version calls name them: IAM keeps at most five, one of them the default.
import type { IamPolicyRecord, IamPolicyVersion } from '../../core/iam.js';
import { NoSuchEntity } from '../../core/iam-errors.js';
import { encodeDocument } from './policy-documents.js';

export const MAX_POLICY_VERSIONS = 5;

export function resolveVersion(policy: IamPolicyRecord, versionId: string): IamPolicyVersion {
  const version = policy.versions.find((v) => v.VersionId === versionId);
  if (!version) throw new NoSuchEntity(`Policy ${policy.Arn} version ${versionId} does not exist or is not attachable.`);
  return version;
}

/** The PolicyVersion structure; list calls leave the document out. */
export const describeVersion = (policy: IamPolicyRecord, version: IamPolicyVersion, withDocument: boolean) => ({
  ...(withDocument ? { Document: encodeDocument(version.Document) } : {}),
  VersionId: version.VersionId,
  IsDefaultVersion: version.VersionId === policy.DefaultVersionId,
  CreateDate: version.CreateDate,
});
