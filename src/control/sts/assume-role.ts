// AssumeRole: a session of a role, for a caller its trust policy (and, when that names only the account,
// the caller's own policies) allows. The rules live in sessions.ts, shared with task and instance roles.
import type { AssumeRoleRequest, AssumeRoleResponse } from '@aws-sdk/client-sts';
import type { CallContext } from '../../core/caller.js';
import type { ControlContext } from '../context.js';
import { assumeRole as assume } from './sessions.js';

export function assumeRole(ctx: ControlContext, input: AssumeRoleRequest, call: CallContext): AssumeRoleResponse {
  const session = assume(ctx, {
    roleArn: input.RoleArn!,
    sessionName: input.RoleSessionName!,
    caller: call.caller,
    call,
    ...(input.DurationSeconds !== undefined && { durationSeconds: input.DurationSeconds }),
    ...(input.Policy !== undefined && { policy: input.Policy }),
    ...(input.PolicyArns?.length && { policyArns: input.PolicyArns.map((p) => p.arn!) }),
    ...(input.Tags?.length && { tags: Object.fromEntries(input.Tags.map((t) => [t.Key!, t.Value!])) }),
    ...(input.TransitiveTagKeys?.length && { transitiveTagKeys: input.TransitiveTagKeys }),
    ...(input.SourceIdentity !== undefined && { sourceIdentity: input.SourceIdentity }),
    ...(input.ExternalId !== undefined && { externalId: input.ExternalId }),
  });
  return {
    Credentials: session.credentials,
    AssumedRoleUser: { Arn: session.assumedRoleArn, AssumedRoleId: session.assumedRoleId },
    ...(session.packedPolicySize !== undefined && { PackedPolicySize: session.packedPolicySize }),
    ...(session.sourceIdentity !== undefined && { SourceIdentity: session.sourceIdentity }),
  };
}
