import type { CreateRoleRequest, CreateRoleResponse } from '@aws-sdk/client-iam';
import type { IamRoleRecord, IamTag } from '../../core/iam.js';
import { EntityAlreadyExists } from '../../core/iam-errors.js';
import type { ControlContext } from '../context.js';
import type { Transaction } from '../state.js';
import { describeRole } from './describe.js';
import { findHolder, HOLDERS, iamArn, iamId, lookup } from './entities.js';
import { resolveBoundary } from './managed-policies.js';
import { validateTrustDocument } from './policy-documents.js';
import { validateTags } from './tags.js';

/** A role's session lasts an hour unless the role allows more (MaxSessionDuration, up to 12 hours). */
export const DEFAULT_MAX_SESSION_DURATION = 3600;

export async function createRole(ctx: ControlContext, input: CreateRoleRequest): Promise<CreateRoleResponse> {
  const trust = input.AssumeRolePolicyDocument!;
  validateTrustDocument(trust);
  const tags = (input.Tags ?? []) as IamTag[];
  validateTags(tags);
  const role = await ctx.state.mutate((tx) =>
    putRole(ctx, tx, {
      RoleName: input.RoleName!,
      Path: input.Path ?? '/',
      AssumeRolePolicyDocument: trust,
      ...(input.Description !== undefined ? { Description: input.Description } : {}),
      MaxSessionDuration: input.MaxSessionDuration ?? DEFAULT_MAX_SESSION_DURATION,
      ...(input.PermissionsBoundary ? { PermissionsBoundary: resolveBoundary(tx, input.PermissionsBoundary) } : {}),
      Tags: tags,
    }),
  );
  ctx.log.info('iam role created', { roleArn: role.Arn });
  return { Role: describeRole(role, true) };
}

/** Stages a new role under a name no role has (in any case); CreateServiceLinkedRole makes its roles here too. */
export function putRole(
  ctx: ControlContext,
  tx: Transaction,
  fields: Omit<IamRoleRecord, 'RoleId' | 'Arn' | 'CreateDate' | 'inlinePolicies' | 'attachedPolicies'> & { attachedPolicies?: string[] },
): IamRoleRecord {
  const name = fields.RoleName;
  if (findHolder(lookup(ctx.state, tx), HOLDERS.role, name)) throw new EntityAlreadyExists(`Role with name ${name} already exists.`);
  return tx.put('iamRole', name, {
    ...fields,
    RoleId: iamId(ctx.ids, 'AROA'),
    Arn: iamArn(ctx.partition, 'role', fields.Path, name),
    CreateDate: ctx.clock.now(),
    inlinePolicies: {},
    attachedPolicies: fields.attachedPolicies ?? [],
  });
}
