import type { RevokeSecurityGroupIngressRequest, RevokeSecurityGroupIngressResult } from '@aws-sdk/client-ec2';
import type { ControlContext } from '../context.js';
import { revokeRules } from './rule-changes.js';

/** Removes inbound rules from a group, named by content or by rule id; each must be there. */
export async function revokeSecurityGroupIngress(ctx: ControlContext, input: RevokeSecurityGroupIngressRequest): Promise<RevokeSecurityGroupIngressResult> {
  return revokeRules(ctx, input, false);
}
