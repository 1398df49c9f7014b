// IAM records as Wharf keeps them. IAM is global: one set per account, whatever the region. Shapes follow
// the IAM API's own structures (User, Group, Role, ManagedPolicy, AccessKey, InstanceProfile); policy
// documents are kept as the JSON text the caller sent (IAM returns them URL-encoded, as sent).

export interface IamTag {
  Key: string;
  Value: string;
}

/** Inline policies of a user, group or role: name -> document (JSON text). */
export type InlinePolicies = Record<string, string>;

export interface IamUserRecord {
  UserName: string;
  /** AIDA... */
  UserId: string;
  Arn: string;
  Path: string;
  CreateDate: Date;
  PasswordLastUsed?: Date;
  /** The managed policy ARN set as the permissions boundary. */
  PermissionsBoundary?: string;
  Tags: IamTag[];
  inlinePolicies: InlinePolicies;
  /** ARNs of attached managed policies, in attach order. */
  attachedPolicies: string[];
}

export interface IamGroupRecord {
  GroupName: string;
  /** AGPA... */
  GroupId: string;
  Arn: string;
  Path: string;
  CreateDate: Date;
  inlinePolicies: InlinePolicies;
  attachedPolicies: string[];
  /** UserNames of the members, in the order they were added. */
  members: string[];
}

export interface IamRoleRecord {
  RoleName: string;
  /** AROA... */
  RoleId: string;
  Arn: string;
  Path: string;
  CreateDate: Date;
  /** The trust policy (JSON text). */
  AssumeRolePolicyDocument: string;
  Description?: string;
  /** Seconds, 3600..43200; default 3600. */
  MaxSessionDuration: number;
  PermissionsBoundary?: string;
  Tags: IamTag[];
  RoleLastUsed?: { LastUsedDate?: Date; Region?: string };
  inlinePolicies: InlinePolicies;
  attachedPolicies: string[];
  /** A service-linked role (CreateServiceLinkedRole): the service that owns it. */
  serviceLinkedTo?: string;
}

export interface IamPolicyVersion {
  VersionId: string;
  /** JSON text. */
  Document: string;
  CreateDate: Date;
}

/** A managed policy: the account's own (arn:aws:iam::<account>:policy/...) or AWS's (arn:aws:iam::aws:policy/...). */
export interface IamPolicyRecord {
  PolicyName: string;
  /** ANPA... */
  PolicyId: string;
  Arn: string;
  Path: string;
  Description?: string;
  CreateDate: Date;
  UpdateDate: Date;
  DefaultVersionId: string;
  /** At most five; the default among them. */
  versions: IamPolicyVersion[];
  /** The next version number to hand out (versions are never renumbered). */
  nextVersion: number;
  Tags: IamTag[];
}

export interface IamAccessKeyRecord {
  /** AKIA... */
  AccessKeyId: string;
  SecretAccessKey: string;
  UserName: string;
  Status: 'Active' | 'Inactive';
  CreateDate: Date;
}

export interface IamInstanceProfileRecord {
  InstanceProfileName: string;
  /** AIPA... */
  InstanceProfileId: string;
  Arn: string;
  Path: string;
  CreateDate: Date;
  /** RoleNames; IAM allows at most one. */
  roles: string[];
  Tags: IamTag[];
}

/**
 * Record kinds, stored by id:
 * - iamUser, iamGroup, iamRole, iamInstanceProfile: by name;
 * - iamPolicy: by ARN (AWS managed policies are not stored: they are data, see control/iam);
 * - iamAccessKey: by AccessKeyId.
 */
declare module './records.js' {
  interface RecordKinds {
    iamUser: IamUserRecord;
    iamGroup: IamGroupRecord;
    iamRole: IamRoleRecord;
    iamPolicy: IamPolicyRecord;
    iamAccessKey: IamAccessKeyRecord;
    iamInstanceProfile: IamInstanceProfileRecord;
  }
}
