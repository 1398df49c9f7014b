import type { DescribeServiceDeploymentsRequest, DescribeServiceDeploymentsResponse, Failure, ServiceDeployment } from '@aws-sdk/client-ecs';
import { InvalidParameterException } from '../../core/ecs-errors.js';
import type { ControlContext } from '../context.js';
import { describeServiceDeployment } from './services.js';

const MAX_ARNS = 20;

/** Service deployments by ARN; unknown ones come back as MISSING failures. */
export async function describeServiceDeployments(
  ctx: ControlContext,
  input: DescribeServiceDeploymentsRequest,
): Promise<DescribeServiceDeploymentsResponse> {
  const arns = input.serviceDeploymentArns ?? [];
  if (arns.length === 0) throw new InvalidParameterException('serviceDeploymentArns cannot be empty.');
  if (arns.length > MAX_ARNS) throw new InvalidParameterException(`serviceDeploymentArns can have at most ${MAX_ARNS} items.`);
  const serviceDeployments: ServiceDeployment[] = [];
  const failures: Failure[] = [];
  for (const arn of new Set(arns)) {
    const record = ctx.state.get('serviceDeployment', arn);
    if (record) serviceDeployments.push(describeServiceDeployment(ctx.state, record));
    else failures.push({ arn, reason: 'MISSING' });
  }
  return { serviceDeployments, failures };
}
