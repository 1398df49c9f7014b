import type { Cluster, DescribeClustersRequest, DescribeClustersResponse, Failure } from '@aws-sdk/client-ecs';
import { InvalidParameterException } from '../../core/ecs-errors.js';
import type { ControlContext } from '../context.js';
import { describeCluster } from './clusters.js';
import { clusterArnOf } from './lookups.js';

const MAX_CLUSTERS = 100;

/** Deleted (INACTIVE) clusters stay describable until retention removes them; unknown ones are MISSING. */
export async function describeClusters(ctx: ControlContext, input: DescribeClustersRequest): Promise<DescribeClustersResponse> {
  const refs = input.clusters?.length ? input.clusters : ['default'];
  if (refs.length > MAX_CLUSTERS) {
    throw new InvalidParameterException(`Clusters cannot have more than ${MAX_CLUSTERS} elements`);
  }
  const clusters: Cluster[] = [];
  const failures: Failure[] = [];
  for (const ref of refs) {
    const arn = clusterArnOf(ctx, ref);
    const record = ctx.state.get('cluster', arn);
    if (record) clusters.push(describeCluster(ctx.state, record, input.include ?? []));
    else failures.push({ arn, reason: 'MISSING' });
  }
  return { clusters, failures };
}
