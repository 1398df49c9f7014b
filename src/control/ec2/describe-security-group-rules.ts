import type { DescribeSecurityGroupRulesRequest, DescribeSecurityGroupRulesResult } from '@aws-sdk/client-ec2';
import type { SecurityGroupRuleRecord } from '../../core/ec2.js';
import { InvalidSecurityGroupRuleIdNotFound } from '../../core/ec2-errors.js';
import type { ControlContext } from '../context.js';
import { describe, type FilterFields } from './describe.js';

const FIELDS: FilterFields<SecurityGroupRuleRecord> = {
  'group-id': (r) => r.GroupId,
  'security-group-rule-id': (r) => r.SecurityGroupRuleId,
};

/** Every group's rules one by one, with the ids and tags the grouped permissions of DescribeSecurityGroups lack. */
export async function describeSecurityGroupRules(ctx: ControlContext, input: DescribeSecurityGroupRulesRequest): Promise<DescribeSecurityGroupRulesResult> {
  const rules = [...ctx.state.all('securityGroup')].flatMap((g) => g.rules);
  const { items, NextToken } = describe(rules, (r) => r.SecurityGroupRuleId, { ...input, ids: input.SecurityGroupRuleIds }, FIELDS, (id) =>
    new InvalidSecurityGroupRuleIdNotFound(`The security group rule ID '${id}' does not exist`),
  );
  return { SecurityGroupRules: items, ...(NextToken !== undefined && { NextToken }) };
}
