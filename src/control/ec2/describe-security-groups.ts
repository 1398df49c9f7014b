import type { DescribeSecurityGroupsRequest, DescribeSecurityGroupsResult } from '@aws-sdk/client-ec2';
import type { SecurityGroupRecord } from '../../core/ec2.js';
import { InvalidGroupNotFound } from '../../core/ec2-errors.js';
import type { ControlContext } from '../context.js';
import { describe, type FilterFields } from './describe.js';

const FIELDS: FilterFields<SecurityGroupRecord> = {
  'group-id': (g) => g.GroupId,
  'group-name': (g) => g.GroupName,
  description: (g) => g.Description,
  'vpc-id': (g) => g.VpcId,
  'owner-id': (g) => g.OwnerId,
  'ip-permission.protocol': (g) => g.IpPermissions.map((p) => p.IpProtocol),
  'ip-permission.from-port': (g) => g.IpPermissions.map((p) => (p.FromPort === undefined ? undefined : String(p.FromPort))),
  'ip-permission.to-port': (g) => g.IpPermissions.map((p) => (p.ToPort === undefined ? undefined : String(p.ToPort))),
  'ip-permission.cidr': (g) => g.IpPermissions.flatMap((p) => (p.IpRanges ?? []).map((r) => r.CidrIp)),
  'ip-permission.group-id': (g) => g.IpPermissions.flatMap((p) => (p.UserIdGroupPairs ?? []).map((u) => u.GroupId)),
};

export async function describeSecurityGroups(ctx: ControlContext, input: DescribeSecurityGroupsRequest): Promise<DescribeSecurityGroupsResult> {
  const byName = input.GroupNames?.length ? [...ctx.state.all('securityGroup')].filter((g) => input.GroupNames!.includes(g.GroupName)) : undefined;
  const missingName = input.GroupNames?.find((n) => !byName!.some((g) => g.GroupName === n));
  if (missingName !== undefined) throw new InvalidGroupNotFound(`The security group '${missingName}' does not exist`);
  const { items, NextToken } = describe(byName ?? ctx.state.all('securityGroup'), (g) => g.GroupId, { ...input, ids: input.GroupIds }, FIELDS, (id) =>
    new InvalidGroupNotFound(`The security group '${id}' does not exist`),
  );
  return { SecurityGroups: items, ...(NextToken !== undefined && { NextToken }) };
}
