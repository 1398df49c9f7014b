import type { UpdateClusterRequest, UpdateClusterResponse } from '@aws-sdk/client-ecs';
import type { ControlContext } from '../context.js';
import { ALL_CLUSTER_FIELDS, describeCluster, mergeClusterSettings } from './clusters.js';
import { resolveCluster } from './lookups.js';

/** Settings merge by name; a given configuration or Service Connect default replaces the old one. */
export async function updateCluster(ctx: ControlContext, input: UpdateClusterRequest): Promise<UpdateClusterResponse> {
  const record = await ctx.state.mutate((tx) => {
    const cluster = resolveCluster(ctx, input.cluster, tx);
    return tx.put('cluster', cluster.clusterArn, {
      ...cluster,
      settings: mergeClusterSettings(cluster.settings ?? [], input.settings ?? []),
      ...(input.configuration ? { configuration: input.configuration } : {}),
      ...(input.serviceConnectDefaults ? { serviceConnectDefaults: { namespace: input.serviceConnectDefaults.namespace } } : {}),
    });
  });
  ctx.log.info('cluster updated', { clusterArn: record.clusterArn });
  return { cluster: describeCluster(ctx.state, record, ALL_CLUSTER_FIELDS) };
}
