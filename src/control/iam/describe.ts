// The IAM API's structures for Wharf's records: User, Group, Role and InstanceProfile. List calls answer the
// short form (no tags, boundary or last use), Get and Create calls the full one, as IAM does.
import type { Group, InstanceProfile, Role, User } from '@aws-sdk/client-iam';
import type { IamGroupRecord, IamInstanceProfileRecord, IamRoleRecord, IamUserRecord } from '../../core/iam.js';
import type { Transaction } from '../state.js';
import { encodeDocument } from './policy-documents.js';

const boundary = (arn: string | undefined) =>
  arn ? { PermissionsBoundary: { PermissionsBoundaryType: 'PermissionsBoundaryPolicy' as const, PermissionsBoundaryArn: arn } } : {};

const tagsOf = (tags: { Key: string; Value: string }[]) => (tags.length ? { Tags: tags } : {});

export function describeUser(user: IamUserRecord, full = false): User {
  return {
    Path: user.Path,
    UserName: user.UserName,
    UserId: user.UserId,
    Arn: user.Arn,
    CreateDate: user.CreateDate,
    ...(user.PasswordLastUsed ? { PasswordLastUsed: user.PasswordLastUsed } : {}),
    ...(full ? { ...boundary(user.PermissionsBoundary), ...tagsOf(user.Tags) } : {}),
  };
}

export const describeGroup = (group: IamGroupRecord): Group => ({
  Path: group.Path,
  GroupName: group.GroupName,
  GroupId: group.GroupId,
  Arn: group.Arn,
  CreateDate: group.CreateDate,
});

export function describeRole(role: IamRoleRecord, full = false): Role {
  return {
    Path: role.Path,
    RoleName: role.RoleName,
    RoleId: role.RoleId,
    Arn: role.Arn,
    CreateDate: role.CreateDate,
    AssumeRolePolicyDocument: encodeDocument(role.AssumeRolePolicyDocument),
    ...(role.Description !== undefined ? { Description: role.Description } : {}),
    MaxSessionDuration: role.MaxSessionDuration,
    ...(full ? { ...boundary(role.PermissionsBoundary), ...tagsOf(role.Tags), RoleLastUsed: role.RoleLastUsed ?? {} } : {}),
  };
}

/** An instance profile with its role, described in short as IAM lists it. */
export function describeInstanceProfile(reader: Pick<Transaction, 'get'>, profile: IamInstanceProfileRecord, full = false): InstanceProfile {
  return {
    Path: profile.Path,
    InstanceProfileName: profile.InstanceProfileName,
    InstanceProfileId: profile.InstanceProfileId,
    Arn: profile.Arn,
    CreateDate: profile.CreateDate,
    Roles: profile.roles.flatMap((name) => {
      const role = reader.get('iamRole', name);
      return role ? [describeRole(role)] : [];
    }),
    ...(full ? tagsOf(profile.Tags) : {}),
  };
}
