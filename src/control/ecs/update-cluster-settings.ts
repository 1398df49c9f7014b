import type { UpdateClusterSettingsRequest, UpdateClusterSettingsResponse } from '@aws-sdk/client-ecs';
import type { ControlContext } from '../context.js';
import { ALL_CLUSTER_FIELDS, describeCluster, mergeClusterSettings } from './clusters.js';
import { resolveCluster } from './lookups.js';

export async function updateClusterSettings(
  ctx: ControlContext,
  input: UpdateClusterSettingsRequest,
): Promise<UpdateClusterSettingsResponse> {
  const record = await ctx.state.mutate((tx) => {
    const cluster = resolveCluster(ctx, input.cluster, tx);
    return tx.put('cluster', cluster.clusterArn, { ...cluster, settings: mergeClusterSettings(cluster.settings ?? [], input.settings!) });
  });
  ctx.log.info('cluster settings updated', { clusterArn: record.clusterArn });
  return { cluster: describeCluster(ctx.state, record, ALL_CLUSTER_FIELDS) };
}
