import type { RevokeSecurityGroupEgressRequest, RevokeSecurityGroupEgressResult } from '@aws-sdk/client-ec2';
import type { ControlContext } from '../context.js';
import { revokeRules } from './rule-changes.js';

/** Removes outbound rules from a group (Terraform revokes the default allow-all rule of each group it makes). */
export async function revokeSecurityGroupEgress(ctx: ControlContext, input: RevokeSecurityGroupEgressRequest): Promise<RevokeSecurityGroupEgressResult> {
  return revokeRules(ctx, input, true);
}
