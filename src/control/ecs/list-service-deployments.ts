import type { ListServiceDeploymentsRequest, ListServiceDeploymentsResponse, ServiceDeploymentBrief } from '@aws-sdk/client-ecs';
import type { ControlContext } from '../context.js';
import { resolveCluster } from './lookups.js';
import { paginate } from './pagination.js';
import { resolveService } from './services.js';
import { serviceDeploymentsByService } from './indexes.js';

/** ECS answers 20 service deployments per page unless asked otherwise (at most 100). */
const DEFAULT_PAGE_SIZE = 20;

/** A service's deployments, newest first, filtered by status and by when they were created. */
export async function listServiceDeployments(ctx: ControlContext, input: ListServiceDeploymentsRequest): Promise<ListServiceDeploymentsResponse> {
  const cluster = resolveCluster(ctx, input.cluster);
  const service = resolveService(ctx, cluster, input.service!);
  const after = input.createdAt?.after?.getTime();
  const before = input.createdAt?.before?.getTime();
  const matching = ctx.state.where(serviceDeploymentsByService, service.serviceArn).filter((d) => {
    const created = new Date(d.createdAt).getTime();
    return (
      (input.status === undefined || input.status.length === 0 || input.status.includes(d.status)) &&
      (after === undefined || created >= after) &&
      (before === undefined || created <= before)
    );
  });
  // Newest first: the key orders by creation time, then ARN for deployments created in the same millisecond.
  const key = (d: (typeof matching)[number]) => `${new Date(d.createdAt).getTime().toString().padStart(15, '0')} ${d.serviceDeploymentArn}`;
  const page = paginate(matching, key, { ...input, maxResults: input.maxResults ?? DEFAULT_PAGE_SIZE }, { descending: true });
  const serviceDeployments = page.items.map(
    (d): ServiceDeploymentBrief => ({
      serviceDeploymentArn: d.serviceDeploymentArn,
      serviceArn: d.serviceArn,
      clusterArn: d.clusterArn,
      startedAt: d.startedAt,
      createdAt: d.createdAt,
      finishedAt: d.finishedAt,
      targetServiceRevisionArn: d.targetServiceRevision?.arn,
      status: d.status,
      statusReason: d.statusReason,
    }),
  );
  return { serviceDeployments, nextToken: page.nextToken };
}
