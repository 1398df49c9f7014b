// The join step's control plane (core/instance-join.ts): an operator launches an "instance" with an
// instance profile, and the instance gets, and keeps renewing, a session of the profile's role bound to its
// instance id, issued by STS for ec2.amazonaws.com as EC2 does, so that role's trust policy must allow
// that service. Joining asks what launching an EC2 instance with that profile asks: ec2:RunInstances and
// iam:PassRole on the role (iam:PassedToService ec2.amazonaws.com). Renewal needs no permission, like
// IMDS: only the instance's own, still valid session can ask, and it gets a session of the same role.
import type { CallContext } from '../../core/caller.js';
import { AccessDeniedException, InvalidParameterValue } from '../../core/errors.js';
import type { IamInstanceProfileRecord, IamRoleRecord } from '../../core/iam.js';
import type { InstanceCredentialsDocument, InstanceJoinDocument, InstanceJoinRequest } from '../../core/instance-join.js';
import type { Permit } from '../authorization/authorizer.js';
import type { ControlContext } from '../context.js';
import { iamArn, iamId } from './entities.js';
import { assumeRole } from '../sts/sessions.js';

export const EC2_SERVICE_PRINCIPAL = 'ec2.amazonaws.com';

/**
 * Joins a new instance to the profile the request names (or, for the composition root's own local agent,
 * the instance `instanceId` it already is): its id and first credentials.
 */
export async function joinInstance(
  ctx: ControlContext,
  call: CallContext,
  request: InstanceJoinRequest,
  permit: Permit | undefined,
  instanceId = `i-${ctx.ids.id().slice(0, 17)}`,
): Promise<InstanceJoinDocument> {
  const profile = findProfile(ctx, request);
  const role = profile.roles[0] === undefined ? undefined : ctx.state.get('iamRole', profile.roles[0]);
  if (!role) throw new InvalidParameterValue(`Instance profile ${profile.Arn} has no role: add one with AddRoleToInstanceProfile.`);
  // The instance is launched in the region the join is signed for (an agent's --region).
  permit?.(call, 'ec2:RunInstances', `arn:aws:ec2:${call.region}:${ctx.partition.accountId}:instance/*`);
  permit?.(call, 'iam:PassRole', role.Arn, { 'iam:PassedToService': EC2_SERVICE_PRINCIPAL });
  const credentials = issue(ctx, role.Arn, instanceId);
  ctx.log.info('instance joined', { instanceId, instanceProfileArn: profile.Arn, roleArn: role.Arn, by: call.caller.arn });
  return { ...credentials, InstanceId: instanceId, InstanceProfileArn: profile.Arn, InstanceProfileId: profile.InstanceProfileId };
}

/** New credentials for the instance whose own session calls: the same role, bound to the same instance. */
export async function refreshInstanceCredentials(ctx: ControlContext, call: CallContext): Promise<InstanceCredentialsDocument> {
  const instanceId = call.caller.session?.instanceId;
  const roleArn = call.caller.identityArn;
  if (instanceId === undefined || roleArn === undefined) {
    throw new AccessDeniedException(`User: ${call.caller.arn} is not an instance: only an instance's own credentials renew them`);
  }
  return issue(ctx, roleArn, instanceId);
}

function issue(ctx: ControlContext, roleArn: string, instanceId: string): InstanceCredentialsDocument {
  const { credentials: c } = assumeRole(ctx, { roleArn, sessionName: instanceId, servicePrincipal: EC2_SERVICE_PRINCIPAL, instanceId });
  return {
    Code: 'Success',
    LastUpdated: ctx.clock.now().toISOString(),
    Type: 'AWS-HMAC',
    AccessKeyId: c.AccessKeyId,
    SecretAccessKey: c.SecretAccessKey,
    Token: c.SessionToken,
    Expiration: c.Expiration.toISOString(),
  };
}

/** The profile by name or ARN, with RunInstances' answer to one that does not exist. */
export function findProfile(ctx: ControlContext, request: InstanceJoinRequest): IamInstanceProfileRecord {
  const { Name, Arn } = request.IamInstanceProfile ?? {};
  const name = Name ?? Arn?.slice(Arn.lastIndexOf('/') + 1);
  const profile = name === undefined ? undefined : ctx.state.get('iamInstanceProfile', name);
  if (!profile || (Arn !== undefined && profile.Arn !== Arn)) {
    const parameter = Arn === undefined ? 'iamInstanceProfile.name' : 'iamInstanceProfile.arn';
    throw new InvalidParameterValue(`Value (${Arn ?? Name ?? ''}) for parameter ${parameter} is invalid. Invalid IAM Instance Profile ${Arn === undefined ? 'name' : 'ARN'}`);
  }
  return profile;
}

/** The role every ECS container instance of `wharf up` runs as, as the ECS console creates it. */
export const ECS_INSTANCE_ROLE = 'ecsInstanceRole';
export const ECS_INSTANCE_ROLE_POLICY = 'arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role';
export const EC2_TRUST_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: EC2_SERVICE_PRINCIPAL }, Action: 'sts:AssumeRole' }],
});

/**
 * Makes sure the role `ecsInstanceRole` (trusting ec2.amazonaws.com, AmazonEC2ContainerServiceforEC2Role
 * attached) and its instance profile exist, for the local agent to join with. Idempotent: what exists,
 * perhaps changed by the user since (a policy detached, say), is left as it is.
 */
export async function ensureEcsInstanceRole(ctx: ControlContext): Promise<void> {
  await ctx.state.mutate((tx) => {
    const now = ctx.clock.now();
    if (!tx.get('iamRole', ECS_INSTANCE_ROLE)) {
      const role: IamRoleRecord = {
        RoleName: ECS_INSTANCE_ROLE,
        RoleId: iamId(ctx.ids, 'AROA'),
        Arn: iamArn(ctx.partition, 'role', '/', ECS_INSTANCE_ROLE),
        Path: '/',
        CreateDate: now,
        AssumeRolePolicyDocument: EC2_TRUST_POLICY,
        MaxSessionDuration: 3600,
        Tags: [],
        inlinePolicies: {},
        attachedPolicies: [ECS_INSTANCE_ROLE_POLICY],
      };
      tx.put('iamRole', ECS_INSTANCE_ROLE, role);
    }
    if (!tx.get('iamInstanceProfile', ECS_INSTANCE_ROLE)) {
      const profile: IamInstanceProfileRecord = {
        InstanceProfileName: ECS_INSTANCE_ROLE,
        InstanceProfileId: iamId(ctx.ids, 'AIPA'),
        Arn: iamArn(ctx.partition, 'instance-profile', '/', ECS_INSTANCE_ROLE),
        Path: '/',
        CreateDate: now,
        roles: [ECS_INSTANCE_ROLE],
        Tags: [],
      };
      tx.put('iamInstanceProfile', ECS_INSTANCE_ROLE, profile);
    }
  });
}
