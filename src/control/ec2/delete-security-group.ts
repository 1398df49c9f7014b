import type { DeleteSecurityGroupRequest, DeleteSecurityGroupResult } from '@aws-sdk/client-ec2';
import { DEFAULT_SECURITY_GROUP } from '../../core/ec2.js';
import { CannotDelete, DependencyViolation } from '../../core/ec2-errors.js';
import type { ControlContext } from '../context.js';
import { findSecurityGroup } from './lookups.js';

/** A group goes unless it is its VPC's default, an interface is in it, or another group's rules name it. */
export async function deleteSecurityGroup(ctx: ControlContext, input: DeleteSecurityGroupRequest): Promise<DeleteSecurityGroupResult> {
  const group = await ctx.state.mutate((tx) => {
    const g = findSecurityGroup(ctx, tx, input);
    if (g.GroupName === DEFAULT_SECURITY_GROUP) {
      throw new CannotDelete(`the specified group: "${g.GroupId}" name: "${g.GroupName}" cannot be deleted by a user`);
    }
    const inUse = [...ctx.state.all('networkInterface')].some((eni) => eni.Groups.some((x) => x.GroupId === g.GroupId));
    const referenced = [...ctx.state.all('securityGroup')].some(
      (other) => other.GroupId !== g.GroupId && [...other.IpPermissions, ...other.IpPermissionsEgress].some((p) => p.UserIdGroupPairs?.some((pair) => pair.GroupId === g.GroupId)),
    );
    if (inUse || referenced) throw new DependencyViolation(`resource ${g.GroupId} has a dependent object`);
    tx.delete('securityGroup', g.GroupId);
    return g;
  });
  ctx.log.info('security group deleted', { groupId: group.GroupId });
  return { Return: true, GroupId: group.GroupId };
}
