import type { DescribeServicesRequest, DescribeServicesResponse, Failure, Service } from '@aws-sdk/client-ecs';
import { InvalidParameterException } from '../../core/ecs-errors.js';
import type { ControlContext } from '../context.js';
import { resolveCluster } from './lookups.js';
import { describeService, findService, serviceArnOf } from './services.js';

const MAX_SERVICES = 10;

/** Services of a cluster by name or ARN, DRAINING and INACTIVE ones too; the others come back as MISSING failures. */
export async function describeServices(ctx: ControlContext, input: DescribeServicesRequest): Promise<DescribeServicesResponse> {
  const cluster = resolveCluster(ctx, input.cluster);
  const refs = input.services ?? [];
  if (refs.length === 0) throw new InvalidParameterException('Services cannot be empty.');
  if (refs.length > MAX_SERVICES) throw new InvalidParameterException(`services can have at most ${MAX_SERVICES} items.`);
  const withTags = input.include?.includes('TAGS') ?? false;
  const services: Service[] = [];
  const failures: Failure[] = [];
  for (const ref of new Set(refs)) {
    const record = findService(ctx, cluster, ref);
    if (record) services.push(describeService(ctx.state, record, withTags));
    else failures.push({ arn: serviceArnOf(ctx, cluster, ref), reason: 'MISSING' });
  }
  return { services, failures };
}
