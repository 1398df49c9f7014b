import type { CreateClusterRequest, CreateClusterResponse } from '@aws-sdk/client-ecs';
import { clusterArn } from '../../core/arn.js';
import type { ClusterRecord } from '../../core/ecs.js';
import type { CallContext } from '../../core/caller.js';
import type { ControlContext } from '../context.js';
import { checkClusterProviders } from './capacity-providers.js';
import { effectiveSetting } from './account-settings.js';
import { ALL_CLUSTER_FIELDS, describeCluster, mergeClusterSettings, validateCapacityProviders, validateClusterName } from './clusters.js';
import { validateTags } from './tagging.js';

/**
 * Creating a cluster that exists and is not INACTIVE answers with it unchanged, as ECS does; a deleted
 * (INACTIVE) one is replaced by a fresh cluster of the same name. Container Insights follows the caller's
 * account setting unless the request sets it.
 */
export async function createCluster(ctx: ControlContext, input: CreateClusterRequest, call: CallContext): Promise<CreateClusterResponse> {
  const clusterName = input.clusterName || 'default';
  validateClusterName(clusterName);
  const tags = input.tags ?? [];
  validateTags(tags);
  const capacityProviders = input.capacityProviders ?? [];
  const defaultCapacityProviderStrategy = input.defaultCapacityProviderStrategy ?? [];
  validateCapacityProviders(capacityProviders, defaultCapacityProviderStrategy);
  checkClusterProviders(ctx, capacityProviders);
  const insights = effectiveSetting(ctx, 'containerInsights', call.caller.arn);
  const settings = mergeClusterSettings([{ name: 'containerInsights', value: insights.value }], input.settings ?? []);
  const arn = clusterArn(ctx.partition, clusterName);

  const { record, created } = await ctx.state.mutate((tx) => {
    const existing = tx.get('cluster', arn);
    if (existing && existing.status !== 'INACTIVE') return { record: existing, created: false };
    const fresh: ClusterRecord = {
      clusterArn: arn,
      clusterName,
      status: 'ACTIVE',
      tags,
      settings,
      capacityProviders,
      defaultCapacityProviderStrategy,
      ...(input.configuration ? { configuration: input.configuration } : {}),
      ...(input.serviceConnectDefaults ? { serviceConnectDefaults: { namespace: input.serviceConnectDefaults.namespace } } : {}),
    };
    return { record: tx.put('cluster', arn, fresh), created: true };
  });
  if (created) ctx.log.info('cluster created', { clusterArn: arn });
  return { cluster: describeCluster(ctx.state, record, ALL_CLUSTER_FIELDS) };
}
