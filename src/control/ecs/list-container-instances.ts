import type { ListContainerInstancesRequest, ListContainerInstancesResponse } from '@aws-sdk/client-ecs';
import { parseClusterQuery } from '../../scheduler/cluster-query.js';
import { clusterSnapshots } from './cluster-snapshots.js';
import type { ControlContext } from '../context.js';
import { resolveCluster } from './lookups.js';
import { paginate } from './pagination.js';
import { containerInstancesByCluster } from './indexes.js';

/**
 * Without a status, every instance but the deregistered (INACTIVE) ones. `filter` is a cluster query
 * language expression, evaluated against the same view of each instance that placement constraints see.
 */
export async function listContainerInstances(
  ctx: ControlContext,
  input: ListContainerInstancesRequest,
): Promise<ListContainerInstancesResponse> {
  const cluster = resolveCluster(ctx, input.cluster);
  const query = input.filter ? parseClusterQuery(input.filter) : undefined;
  const snapshot = clusterSnapshots(ctx.state).of(cluster.clusterArn);
  const arns = ctx.state
    .where(containerInstancesByCluster, cluster.clusterArn)
    .filter((i) => (input.status ? i.status === input.status : i.status !== 'INACTIVE'))
    .map((i) => i.containerInstanceArn)
    .filter((arn) => {
      const view = query && snapshot.view(arn);
      return !query || (view !== undefined && query.matches(view));
    });
  const page = paginate(arns, (arn) => arn, input);
  return { containerInstanceArns: page.items, nextToken: page.nextToken };
}
