import type { AuthorizeSecurityGroupEgressRequest, AuthorizeSecurityGroupEgressResult } from '@aws-sdk/client-ec2';
import type { ControlContext } from '../context.js';
import { authorizeRules } from './rule-changes.js';

/** Adds outbound rules to a group (EC2 names the group by id only here). */
export async function authorizeSecurityGroupEgress(ctx: ControlContext, input: AuthorizeSecurityGroupEgressRequest): Promise<AuthorizeSecurityGroupEgressResult> {
  return authorizeRules(ctx, input, true);
}
