import type { DescribeSecurityGroupsRequest, DescribeSecurityGroupsResult } from '@aws-sdk/client-ec2';
import type { SecurityGroupRecord, SecurityGroupRuleRecord } from '../../core/ec2.js';
import { InvalidGroupNotFound } from '../../core/ec2-errors.js';
import type { ControlContext } from '../context.js';
import { describe, type FilterFields } from './describe.js';

/** The ip-permission.* filters of one direction (`egress.` prefixed for outbound), over the group's rules. */
function permissionFields(prefix: string, isEgress: boolean, nameOf: (groupId: string) => string | undefined): FilterFields<SecurityGroupRecord> {
  const rules = (g: SecurityGroupRecord) => g.rules.filter((r) => r.IsEgress === isEgress);
  const of = (key: (r: SecurityGroupRuleRecord) => string | number | undefined) => (g: SecurityGroupRecord) =>
    rules(g).map((r) => (key(r) === undefined ? undefined : String(key(r))));
  return {
    [`${prefix}ip-permission.cidr`]: of((r) => r.CidrIpv4),
    [`${prefix}ip-permission.from-port`]: of((r) => r.FromPort),
    [`${prefix}ip-permission.to-port`]: of((r) => r.ToPort),
    [`${prefix}ip-permission.group-id`]: of((r) => r.ReferencedGroupInfo?.GroupId),
    [`${prefix}ip-permission.group-name`]: of((r) => r.ReferencedGroupInfo && nameOf(r.ReferencedGroupInfo.GroupId!)),
    [`${prefix}ip-permission.ipv6-cidr`]: of((r) => r.CidrIpv6),
    [`${prefix}ip-permission.prefix-list-id`]: of((r) => r.PrefixListId),
    [`${prefix}ip-permission.protocol`]: of((r) => r.IpProtocol),
    [`${prefix}ip-permission.user-id`]: of((r) => r.ReferencedGroupInfo?.UserId),
  };
}

/** The filters; `ip-permission.group-name` reads the names of the groups rules refer to. */
const fields = (nameOf: (groupId: string) => string | undefined): FilterFields<SecurityGroupRecord> => ({
  description: (g) => g.Description,
  'group-id': (g) => g.GroupId,
  'group-name': (g) => g.GroupName,
  'owner-id': (g) => g.OwnerId,
  'vpc-id': (g) => g.VpcId,
  ...permissionFields('', false, nameOf),
  ...permissionFields('egress.', true, nameOf),
});

export async function describeSecurityGroups(ctx: ControlContext, input: DescribeSecurityGroupsRequest): Promise<DescribeSecurityGroupsResult> {
  const byName = input.GroupNames?.length ? [...ctx.state.all('securityGroup')].filter((g) => input.GroupNames!.includes(g.GroupName)) : undefined;
  const missingName = input.GroupNames?.find((n) => !byName!.some((g) => g.GroupName === n));
  if (missingName !== undefined) throw new InvalidGroupNotFound(`The security group '${missingName}' does not exist`);
  const { items, NextToken } = describe(byName ?? ctx.state.all('securityGroup'), (g) => g.GroupId, { ...input, ids: input.GroupIds }, fields((id) => ctx.state.get('securityGroup', id)?.GroupName), (id) =>
    new InvalidGroupNotFound(`The security group '${id}' does not exist`),
  );
  return { SecurityGroups: items, ...(NextToken !== undefined && { NextToken }) };
}
