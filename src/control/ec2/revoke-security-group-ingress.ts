import type { RevokeSecurityGroupIngressRequest, RevokeSecurityGroupIngressResult } from '@aws-sdk/client-ec2';
import type { ControlContext } from '../context.js';
import { findSecurityGroup } from './lookups.js';
import { requestedEntries, revoke } from './security-group-rules.js';

/** Removes inbound rules from a group; each must be there. */
export async function revokeSecurityGroupIngress(ctx: ControlContext, input: RevokeSecurityGroupIngressRequest): Promise<RevokeSecurityGroupIngressResult> {
  return ctx.state.mutate((tx) => {
    const group = findSecurityGroup(ctx, tx, input);
    const entries = requestedEntries(input, (pair) => findSecurityGroup(ctx, tx, { ...pair, VpcId: group.VpcId }).GroupId, group.OwnerId);
    tx.put('securityGroup', group.GroupId, { ...group, IpPermissions: revoke(group.IpPermissions, entries) });
    ctx.log.info('security group ingress revoked', { groupId: group.GroupId, rules: entries.length });
    return { Return: true };
  });
}
