import type { ListServicesRequest, ListServicesResponse } from '@aws-sdk/client-ecs';
import type { ControlContext } from '../context.js';
import { resolveCluster } from './lookups.js';
import { paginate } from './pagination.js';
import { servicesByCluster } from './indexes.js';

/** ECS answers 10 services per page unless asked for more (at most 100). */
const DEFAULT_PAGE_SIZE = 10;

/** The ACTIVE services of a cluster (DRAINING and INACTIVE ones are not listed), filtered as asked. */
export async function listServices(ctx: ControlContext, input: ListServicesRequest): Promise<ListServicesResponse> {
  const cluster = resolveCluster(ctx, input.cluster);
  const services = ctx.state
    .where(servicesByCluster, cluster.clusterArn)
    .filter(
      (s) =>
        s.status === 'ACTIVE' &&
        (input.launchType === undefined || s.launchType === input.launchType) &&
        (input.schedulingStrategy === undefined || s.schedulingStrategy === input.schedulingStrategy) &&
        // Every Wharf service is the customer's own: ECS manages none.
        (input.resourceManagementType === undefined || input.resourceManagementType === 'CUSTOMER'),
    );
  const page = paginate(services, (s) => s.serviceArn, { ...input, maxResults: input.maxResults ?? DEFAULT_PAGE_SIZE });
  return { serviceArns: page.items.map((s) => s.serviceArn), nextToken: page.nextToken };
}
