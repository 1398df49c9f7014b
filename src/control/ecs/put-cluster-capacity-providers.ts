import type { PutClusterCapacityProvidersRequest, PutClusterCapacityProvidersResponse } from '@aws-sdk/client-ecs';
import type { ControlContext } from '../context.js';
import { checkClusterProviders } from './capacity-providers.js';
import { ALL_CLUSTER_FIELDS, describeCluster, validateCapacityProviders } from './clusters.js';
import { resolveCluster } from './lookups.js';

/** Replaces the cluster's capacity providers and default strategy with the ones given (an empty list clears them). */
export async function putClusterCapacityProviders(
  ctx: ControlContext,
  input: PutClusterCapacityProvidersRequest,
): Promise<PutClusterCapacityProvidersResponse> {
  const capacityProviders = input.capacityProviders!;
  const defaultCapacityProviderStrategy = input.defaultCapacityProviderStrategy!;
  validateCapacityProviders(capacityProviders, defaultCapacityProviderStrategy);
  const record = await ctx.state.mutate((tx) => {
    const cluster = resolveCluster(ctx, input.cluster, tx);
    checkClusterProviders(ctx, capacityProviders, cluster);
    return tx.put('cluster', cluster.clusterArn, { ...cluster, capacityProviders, defaultCapacityProviderStrategy });
  });
  ctx.log.info('cluster capacity providers changed', { clusterArn: record.clusterArn, capacityProviders });
  return { cluster: describeCluster(ctx.state, record, ALL_CLUSTER_FIELDS) };
}
