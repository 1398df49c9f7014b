// What the four Authorize/Revoke SecurityGroup Ingress/Egress operations share: the group found, the
// requested rules resolved (source groups by id or by name in the group's VPC, or rules by id on revoke),
// the change written in one mutation. The agents running the group's members' tasks enforce it at once.
import type { IpPermission, SecurityGroupRuleRecord, Ec2Tag } from '../../core/ec2.js';
import type { ControlContext } from '../context.js';
import { tagsFor } from './describe.js';
import { findSecurityGroup } from './lookups.js';
import { SECURITY_GROUP_RULE_TYPE } from './resources.js';
import { authorize, requestedEntries, revoke, rulesById } from './security-group-rules.js';
import { newRule } from './vpcs.js';

export interface RuleChangeRequest {
  GroupId?: string;
  GroupName?: string;
  IpPermissions?: IpPermission[];
  IpProtocol?: string;
  FromPort?: number;
  ToPort?: number;
  CidrIp?: string;
  SecurityGroupRuleIds?: string[];
  TagSpecifications?: { ResourceType?: string; Tags?: Ec2Tag[] }[];
}

/** Adds rules in one direction; answers them as AuthorizeSecurityGroup{Ingress,Egress} do (SecurityGroupRules). */
export async function authorizeRules(ctx: ControlContext, input: RuleChangeRequest, isEgress: boolean) {
  const tags = tagsFor(SECURITY_GROUP_RULE_TYPE, input.TagSpecifications);
  return ctx.state.mutate((tx) => {
    const group = findSecurityGroup(ctx, tx, input);
    const entries = requestedEntries(input, (pair) => findSecurityGroup(ctx, tx, { ...pair, VpcId: group.VpcId }).GroupId, group.OwnerId);
    const changed = authorize(group, entries, isEgress, (entry) => newRule(ctx, group, entry, isEgress, tags));
    tx.put('securityGroup', group.GroupId, changed.group);
    ctx.log.info(isEgress ? 'security group egress authorized' : 'security group ingress authorized', { groupId: group.GroupId, rules: entries.length });
    return { Return: true, SecurityGroupRules: changed.rules };
  });
}

/** Removes rules in one direction, named by content or by id; each must be there. */
export async function revokeRules(ctx: ControlContext, input: RuleChangeRequest, isEgress: boolean) {
  return ctx.state.mutate((tx) => {
    const group = findSecurityGroup(ctx, tx, input);
    const entries = input.SecurityGroupRuleIds?.length
      ? rulesById(group, input.SecurityGroupRuleIds, isEgress)
      : requestedEntries(input, (pair) => findSecurityGroup(ctx, tx, { ...pair, VpcId: group.VpcId }).GroupId, group.OwnerId);
    const changed = revoke(group, entries, isEgress);
    tx.put('securityGroup', group.GroupId, changed.group);
    ctx.log.info(isEgress ? 'security group egress revoked' : 'security group ingress revoked', { groupId: group.GroupId, rules: entries.length });
    return { Return: true, RevokedSecurityGroupRules: changed.rules.map(revokedRule) };
  });
}

/** A revoked rule as EC2 answers it (RevokedSecurityGroupRule names the referenced group by id only). */
const revokedRule = (r: SecurityGroupRuleRecord) => ({
  SecurityGroupRuleId: r.SecurityGroupRuleId,
  GroupId: r.GroupId,
  IsEgress: r.IsEgress,
  IpProtocol: r.IpProtocol,
  FromPort: r.FromPort,
  ToPort: r.ToPort,
  ...(r.CidrIpv4 !== undefined && { CidrIpv4: r.CidrIpv4 }),
  ...(r.ReferencedGroupInfo?.GroupId !== undefined && { ReferencedGroupId: r.ReferencedGroupInfo.GroupId }),
  ...(r.Description !== undefined && { Description: r.Description }),
});
