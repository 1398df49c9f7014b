import type { AuthorizeSecurityGroupIngressRequest, AuthorizeSecurityGroupIngressResult } from '@aws-sdk/client-ec2';
import type { ControlContext } from '../context.js';
import { authorizeRules } from './rule-changes.js';

/** Adds inbound rules to a group (by id, or by name in the default VPC). */
export async function authorizeSecurityGroupIngress(
  ctx: ControlContext,
  input: AuthorizeSecurityGroupIngressRequest,
): Promise<AuthorizeSecurityGroupIngressResult> {
  return authorizeRules(ctx, input, false);
}
