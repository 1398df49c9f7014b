import type { DescribeInternetGatewaysRequest, DescribeInternetGatewaysResult } from '@aws-sdk/client-ec2';
import type { InternetGatewayRecord } from '../../core/ec2.js';
import type { ControlContext } from '../context.js';
import { describe, type FilterFields } from './describe.js';
import { EC2_RESOURCES } from './resources.js';

const FIELDS: FilterFields<InternetGatewayRecord> = {
  'attachment.state': (g) => g.Attachments.map((a) => a.State),
  'attachment.vpc-id': (g) => g.Attachments.map((a) => a.VpcId),
  'internet-gateway-id': (g) => g.InternetGatewayId,
  'owner-id': (g) => g.OwnerId,
};

export async function describeInternetGateways(ctx: ControlContext, input: DescribeInternetGatewaysRequest): Promise<DescribeInternetGatewaysResult> {
  const { items, NextToken } = describe(ctx.state.all('internetGateway'), (g) => g.InternetGatewayId, { ...input, ids: input.InternetGatewayIds }, FIELDS, EC2_RESOURCES.igw!.notFound);
  return { InternetGateways: items as unknown as DescribeInternetGatewaysResult['InternetGateways'], ...(NextToken !== undefined && { NextToken }) };
}
