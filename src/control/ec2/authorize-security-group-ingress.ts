import type { AuthorizeSecurityGroupIngressRequest, AuthorizeSecurityGroupIngressResult } from '@aws-sdk/client-ec2';
import { ec2Id } from '../../core/ec2.js';
import type { ControlContext } from '../context.js';
import { findSecurityGroup } from './lookups.js';
import { authorize, requestedEntries, ruleDescriptions } from './security-group-rules.js';

/** Adds inbound rules to a group; the agents running its members' tasks enforce them at once. */
export async function authorizeSecurityGroupIngress(
  ctx: ControlContext,
  input: AuthorizeSecurityGroupIngressRequest,
): Promise<AuthorizeSecurityGroupIngressResult> {
  return ctx.state.mutate((tx) => {
    const group = findSecurityGroup(ctx, tx, input);
    const entries = requestedEntries(input, (pair) => findSecurityGroup(ctx, tx, { ...pair, VpcId: group.VpcId }).GroupId, group.OwnerId);
    tx.put('securityGroup', group.GroupId, { ...group, IpPermissions: authorize(group.IpPermissions, entries) });
    ctx.log.info('security group ingress authorized', { groupId: group.GroupId, rules: entries.length });
    return { Return: true, SecurityGroupRules: ruleDescriptions(group, entries, () => ec2Id('sgr', ctx.ids.id()), false) };
  });
}
