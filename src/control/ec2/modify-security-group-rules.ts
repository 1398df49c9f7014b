import type { ModifySecurityGroupRulesRequest, ModifySecurityGroupRulesResult } from '@aws-sdk/client-ec2';
import { InvalidPermissionDuplicate, InvalidSecurityGroupRuleIdNotFound } from '../../core/ec2-errors.js';
import type { ControlContext } from '../context.js';
import { resolveSecurityGroup } from './lookups.js';
import { entryOf, requestedEntries, ruleOf, sameRule, withRules } from './security-group-rules.js';

/** Replaces rules of a group in place: each keeps its id, direction and tags and takes the new protocol, ports and source. */
export async function modifySecurityGroupRules(ctx: ControlContext, input: ModifySecurityGroupRulesRequest): Promise<ModifySecurityGroupRulesResult> {
  await ctx.state.mutate((tx) => {
    const group = resolveSecurityGroup(tx, input.GroupId!);
    let rules = [...group.rules];
    for (const update of input.SecurityGroupRules ?? []) {
      const index = rules.findIndex((r) => r.SecurityGroupRuleId === update.SecurityGroupRuleId);
      if (index < 0) throw new InvalidSecurityGroupRuleIdNotFound(`The security group rule ID '${update.SecurityGroupRuleId ?? ''}' does not exist`);
      const old = rules[index]!;
      const r = update.SecurityGroupRule ?? {};
      const [entry] = requestedEntries(
        {
          IpPermissions: [
            {
              IpProtocol: r.IpProtocol,
              FromPort: r.FromPort,
              ToPort: r.ToPort,
              IpRanges: r.CidrIpv4 !== undefined ? [{ CidrIp: r.CidrIpv4, Description: r.Description }] : [],
              UserIdGroupPairs: r.ReferencedGroupId !== undefined ? [{ GroupId: r.ReferencedGroupId, Description: r.Description }] : [],
            },
          ],
        },
        (pair) => resolveSecurityGroup(tx, pair.GroupId ?? '').GroupId,
        group.OwnerId,
      );
      const replaced = ruleOf(group, entry!, old.IsEgress, old.SecurityGroupRuleId, old.Tags, old.SecurityGroupRuleArn);
      if (rules.some((x, i) => i !== index && x.IsEgress === old.IsEgress && sameRule(entryOf(x), entry!))) {
        throw new InvalidPermissionDuplicate('the specified rule already exists');
      }
      rules = rules.map((x, i) => (i === index ? replaced : x));
    }
    tx.put('securityGroup', group.GroupId, withRules(group, rules));
  });
  ctx.log.info('security group rules modified', { groupId: input.GroupId, rules: input.SecurityGroupRules?.length ?? 0 });
  return { Return: true };
}
