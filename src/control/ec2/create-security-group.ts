import type { CreateSecurityGroupRequest, CreateSecurityGroupResult } from '@aws-sdk/client-ec2';
import { DEFAULT_SECURITY_GROUP } from '../../core/ec2.js';
import { InvalidGroupDuplicate } from '../../core/ec2-errors.js';
import { InvalidParameterValue, MissingParameter } from '../../core/errors.js';
import type { ControlContext } from '../context.js';
import { tagsFor } from './describe.js';
import { defaultVpc, resolveVpc } from './lookups.js';
import { newSecurityGroup } from './vpcs.js';
import { securityGroupsByVpc } from './indexes.js';

const MAX_NAME = 255;

/** A group in a VPC (the default VPC when none is named): nothing in, everything out until its rules change. */
export async function createSecurityGroup(ctx: ControlContext, input: CreateSecurityGroupRequest): Promise<CreateSecurityGroupResult> {
  const name = input.GroupName ?? '';
  const description = input.Description ?? '';
  if (name.length === 0 || name.length > MAX_NAME) throw new InvalidParameterValue(`Invalid value '${name}' for groupName. Length must be between 1 and ${MAX_NAME}.`);
  if (name.startsWith('sg-')) throw new InvalidParameterValue("Group names may not be in the format sg-*.");
  if (name === DEFAULT_SECURITY_GROUP) throw new InvalidParameterValue(`Invalid value '${name}' for groupName. The name 'default' is reserved.`);
  if (description.length === 0) throw new MissingParameter('The request must contain the parameter groupDescription');
  const group = await ctx.state.mutate((tx) => {
    const vpcId = input.VpcId ?? defaultVpc(ctx)?.VpcId;
    if (vpcId === undefined) throw new MissingParameter('No default VPC for this user. GroupName is only supported for EC2-Classic and default VPC.');
    const vpc = resolveVpc(tx, vpcId);
    if (ctx.state.where(securityGroupsByVpc, vpc.VpcId).some((g) => g.GroupName === name)) {
      throw new InvalidGroupDuplicate(`The security group '${name}' already exists for VPC '${vpc.VpcId}'`);
    }
    const created = newSecurityGroup(ctx, vpc.VpcId, name, description, tagsFor('security-group', input.TagSpecifications));
    return tx.put('securityGroup', created.GroupId, created);
  });
  ctx.log.info('security group created', { groupId: group.GroupId, vpcId: group.VpcId });
  return { GroupId: group.GroupId, SecurityGroupArn: group.SecurityGroupArn, Tags: group.Tags };
}
