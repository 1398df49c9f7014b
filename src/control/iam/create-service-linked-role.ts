import type { CreateServiceLinkedRoleRequest, CreateServiceLinkedRoleResponse } from '@aws-sdk/client-iam';
import { InvalidInput } from '../../core/iam-errors.js';
import type { ControlContext } from '../context.js';
import { putRole } from './create-role.js';
import { describeRole } from './describe.js';
import { findHolder, HOLDERS, lookup } from './entities.js';
import { serviceLinkedRolePath, serviceLinkedTrustPolicy, SERVICE_LINKED_ROLES } from './service-linked-roles.js';

/** The role a service uses in the account (AWSServiceRoleForECS for ECS), with AWS's trust policy and managed policy. */
export async function createServiceLinkedRole(ctx: ControlContext, input: CreateServiceLinkedRoleRequest): Promise<CreateServiceLinkedRoleResponse> {
  const service = input.AWSServiceName!;
  const known = SERVICE_LINKED_ROLES[service];
  if (!known) throw new InvalidInput(`Invalid ServiceName provided: ${service} has no service-linked role that Wharf knows.`);
  if (input.CustomSuffix !== undefined) throw new InvalidInput(`Custom suffix is not allowed for ${service}`);
  const role = await ctx.state.mutate((tx) => {
    if (findHolder(lookup(ctx.state, tx), HOLDERS.role, known.roleName))
      throw new InvalidInput(`Service role name ${known.roleName} has been taken in this account, please try a different suffix.`);
    return putRole(ctx, tx, {
      RoleName: known.roleName,
      Path: serviceLinkedRolePath(service),
      AssumeRolePolicyDocument: serviceLinkedTrustPolicy(service),
      Description: input.Description ?? known.description,
      MaxSessionDuration: 3600,
      Tags: [],
      attachedPolicies: [known.policyArn],
      serviceLinkedTo: service,
    });
  });
  ctx.log.info('iam service-linked role created', { roleArn: role.Arn });
  return { Role: describeRole(role, true) };
}
