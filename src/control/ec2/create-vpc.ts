import type { CreateVpcRequest, CreateVpcResult } from '@aws-sdk/client-ec2';
import { InvalidParameterValue, MissingParameter } from '../../core/errors.js';
import { InvalidVpcRange } from '../../core/ec2-errors.js';
import { parseCidr } from '../../core/ipv4.js';
import type { ControlContext } from '../context.js';
import { tagsFor } from './describe.js';
import { newVpc, putVpc } from './vpcs.js';

/** VPC blocks are /16 to /28. */
export const BLOCK_PREFIX = { min: 16, max: 28 };

/** A VPC with its default security group; no subnets until CreateSubnet. */
export async function createVpc(ctx: ControlContext, input: CreateVpcRequest): Promise<CreateVpcResult> {
  if (input.CidrBlock === undefined) throw new MissingParameter("Either 'cidrBlock' or 'ipv4IpamPoolId' should be provided.");
  const cidr = parseCidr(input.CidrBlock);
  if (!cidr) throw new InvalidParameterValue(`Value (${input.CidrBlock}) for parameter cidrBlock is invalid. This is not a valid CIDR block.`);
  if (cidr.prefix < BLOCK_PREFIX.min || cidr.prefix > BLOCK_PREFIX.max) throw new InvalidVpcRange(`The CIDR '${input.CidrBlock}' is invalid.`);
  const vpc = await ctx.state.mutate((tx) => putVpc(ctx, tx, newVpc(ctx, input.CidrBlock!, false, tagsFor('vpc', input.TagSpecifications))));
  ctx.log.info('vpc created', { vpcId: vpc.VpcId, cidrBlock: vpc.CidrBlock });
  return { Vpc: vpc };
}
