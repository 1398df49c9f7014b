import type { DescribeVpcAttributeRequest, DescribeVpcAttributeResult } from '@aws-sdk/client-ec2';
import type { VpcAttributes } from '../../core/ec2.js';
import type { ControlContext } from '../context.js';
import { resolveVpc } from './lookups.js';

/** One attribute a call asks for, as `{ Value }`: EC2 answers only the attribute named. */
export async function describeVpcAttribute(ctx: ControlContext, input: DescribeVpcAttributeRequest): Promise<DescribeVpcAttributeResult> {
  const vpc = resolveVpc(ctx.state, input.VpcId!);
  const name = input.Attribute as keyof VpcAttributes;
  const member = `${name[0]!.toUpperCase()}${name.slice(1)}` as 'EnableDnsSupport' | 'EnableDnsHostnames' | 'EnableNetworkAddressUsageMetrics';
  return { VpcId: vpc.VpcId, [member]: { Value: vpc.attributes[name] } };
}
