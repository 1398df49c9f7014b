import type { DeleteClusterRequest, DeleteClusterResponse } from '@aws-sdk/client-ecs';
import { ClusterContainsContainerInstancesException, ClusterContainsServicesException, ClusterContainsTasksException, ClusterNotFoundException } from '../../core/ecs-errors.js';
import type { ControlContext } from '../context.js';
import { activeServicesCount, activeTasks, ALL_CLUSTER_FIELDS, describeCluster, registeredInstances } from './clusters.js';
import { clusterArnOf } from './lookups.js';

/**
 * A cluster can be deleted once it holds no container instances, services or tasks; it then turns INACTIVE
 * and stays describable until retention removes it. Deleting an INACTIVE cluster answers with it again.
 */
export async function deleteCluster(ctx: ControlContext, input: DeleteClusterRequest): Promise<DeleteClusterResponse> {
  const arn = clusterArnOf(ctx, input.cluster);
  const { record, deleted } = await ctx.state.mutate((tx) => {
    const cluster = tx.get('cluster', arn);
    if (!cluster) throw new ClusterNotFoundException('Cluster not found.');
    if (cluster.status === 'INACTIVE') return { record: cluster, deleted: false };
    // Mutations run one at a time, so the committed state is this mutation's view of other records.
    if (registeredInstances(ctx.state, arn).length > 0) {
      throw new ClusterContainsContainerInstancesException(
        'The Cluster cannot be deleted while Container Instances are active or draining.',
      );
    }
    if (activeServicesCount(ctx.state, arn) > 0) {
      throw new ClusterContainsServicesException('The Cluster cannot be deleted while Services are active.');
    }
    if (activeTasks(ctx.state, arn).length > 0) {
      throw new ClusterContainsTasksException('The Cluster cannot be deleted while Tasks are active.');
    }
    return { record: tx.put('cluster', arn, { ...cluster, status: 'INACTIVE', deletedAt: ctx.clock.now() }), deleted: true };
  });
  if (deleted) ctx.log.info('cluster deleted', { clusterArn: arn });
  return { cluster: describeCluster(ctx.state, record, ALL_CLUSTER_FIELDS) };
}
