// IAM records for STS's unit tests, put straight into state (the IAM operations are tested on their own):
// users with access keys and inline policies, roles with trust policies. Not a test itself.
import type { Caller } from '../../core/caller.js';
import type { IamRoleRecord, IamUserRecord } from '../../core/iam.js';
import type { ControlContext } from '../context.js';

const CREATED = new Date('2026-01-01T00:00:00Z');

export const ROOT_KEY = { accessKeyId: 'AKIAROOTROOTROOTROOT', secretAccessKey: 'root-secret' };

export const trust = (statement: Record<string, unknown> | Record<string, unknown>[]) =>
  JSON.stringify({ Version: '2012-10-17', Statement: Array.isArray(statement) ? statement : [statement] });

export const allow = (action: string, resource = '*') =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: resource }] });

export async function putUser(ctx: ControlContext, name: string, policies: Record<string, string> = {}): Promise<{ user: IamUserRecord; caller: Caller }> {
  const { accountId } = ctx.partition;
  const user: IamUserRecord = {
    UserName: name,
    UserId: `AIDA${name.toUpperCase().padEnd(17, 'X')}`,
    Arn: `arn:aws:iam::${accountId}:user/${name}`,
    Path: '/',
    CreateDate: CREATED,
    Tags: [],
    inlinePolicies: policies,
    attachedPolicies: [],
  };
  const accessKeyId = `AKIA${name.toUpperCase().padEnd(16, 'K')}`;
  await ctx.state.mutate((tx) => {
    tx.put('iamUser', name, user);
    tx.put('iamAccessKey', accessKeyId, { AccessKeyId: accessKeyId, SecretAccessKey: `${name}-secret`, UserName: name, Status: 'Active', CreateDate: CREATED });
  });
  return { user, caller: { accessKeyId, accountId, arn: user.Arn, type: 'user', userId: user.UserId, identityArn: user.Arn } };
}

export async function putRole(ctx: ControlContext, name: string, trustPolicy: string, extra: Partial<IamRoleRecord> = {}): Promise<IamRoleRecord> {
  const path = extra.Path ?? '/';
  const role: IamRoleRecord = {
    RoleName: name,
    RoleId: `AROA${name.toUpperCase().padEnd(17, 'R')}`,
    Arn: `arn:aws:iam::${ctx.partition.accountId}:role${path}${name}`,
    Path: path,
    CreateDate: CREATED,
    AssumeRolePolicyDocument: trustPolicy,
    MaxSessionDuration: 3600,
    Tags: [],
    inlinePolicies: {},
    attachedPolicies: [],
    ...extra,
  };
  await ctx.state.mutate((tx) => tx.put('iamRole', name, role));
  return role;
}
