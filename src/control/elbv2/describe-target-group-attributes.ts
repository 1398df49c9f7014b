import type { DescribeTargetGroupAttributesInput, DescribeTargetGroupAttributesOutput } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { ControlContext } from '../context.js';
import { attributeList } from './load-balancers.js';
import { resolveTargetGroup } from './lookups.js';

export function describeTargetGroupAttributes(ctx: ControlContext, input: DescribeTargetGroupAttributesInput): DescribeTargetGroupAttributesOutput {
  return { Attributes: attributeList(resolveTargetGroup(ctx.state, input.TargetGroupArn!).attributes) };
}
