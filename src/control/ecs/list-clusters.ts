import type { ListClustersRequest, ListClustersResponse } from '@aws-sdk/client-ecs';
import type { ControlContext } from '../context.js';
import { paginate } from './pagination.js';

/** Deleted (INACTIVE) clusters are not listed, though DescribeClusters still finds them for a while. */
export async function listClusters(ctx: ControlContext, input: ListClustersRequest): Promise<ListClustersResponse> {
  const arns = [...ctx.state.all('cluster')].filter((c) => c.status !== 'INACTIVE').map((c) => c.clusterArn);
  const page = paginate(arns, (arn) => arn, input);
  return { clusterArns: page.items, nextToken: page.nextToken };
}
