import type { DescribeTagsInput, DescribeTagsOutput } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { ControlContext } from '../context.js';
import { taggedRecord } from './tags.js';

export function describeTags(ctx: ControlContext, input: DescribeTagsInput): DescribeTagsOutput {
  return { TagDescriptions: (input.ResourceArns ?? []).map((arn) => ({ ResourceArn: arn, Tags: taggedRecord(ctx.state, arn).record.tags })) };
}
