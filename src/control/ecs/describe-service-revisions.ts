import type { DescribeServiceRevisionsRequest, DescribeServiceRevisionsResponse, Failure, ServiceRevision } from '@aws-sdk/client-ecs';
import { InvalidParameterException } from '../../core/ecs-errors.js';
import type { ControlContext } from '../context.js';

const MAX_ARNS = 20;

/** Service revisions by ARN; unknown ones come back as MISSING failures. */
export async function describeServiceRevisions(ctx: ControlContext, input: DescribeServiceRevisionsRequest): Promise<DescribeServiceRevisionsResponse> {
  const arns = input.serviceRevisionArns ?? [];
  if (arns.length === 0) throw new InvalidParameterException('serviceRevisionArns cannot be empty.');
  if (arns.length > MAX_ARNS) throw new InvalidParameterException(`serviceRevisionArns can have at most ${MAX_ARNS} items.`);
  const serviceRevisions: ServiceRevision[] = [];
  const failures: Failure[] = [];
  for (const arn of new Set(arns)) {
    const record = ctx.state.get('serviceRevision', arn);
    if (record) serviceRevisions.push(record);
    else failures.push({ arn, reason: 'MISSING' });
  }
  return { serviceRevisions, failures };
}
