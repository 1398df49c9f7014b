import type { DeleteServiceRequest, DeleteServiceResponse } from '@aws-sdk/client-ecs';
import { InvalidParameterException } from '../../core/ecs-errors.js';
import type { ControlContext } from '../context.js';
import { resolveCluster } from './lookups.js';
import { describeService, resolveService, stopServiceDeployment } from './services.js';

/**
 * Deletes a service: it turns DRAINING, the service scheduler stops all its tasks, and once they are gone it
 * is INACTIVE (still describable for a while). A REPLICA service must be scaled to 0 first unless `force`
 * is set. Deleting a service already DRAINING or INACTIVE answers with it as it is.
 */
export async function deleteService(ctx: ControlContext, input: DeleteServiceRequest): Promise<DeleteServiceResponse> {
  const { record, deleted } = await ctx.state.mutate((tx) => {
    const cluster = resolveCluster(ctx, input.cluster, tx);
    const service = resolveService(ctx, cluster, input.service!, tx);
    if (service.status !== 'ACTIVE') return { record: service, deleted: false };
    if (service.schedulingStrategy === 'REPLICA' && service.desiredCount > 0 && !input.force) {
      throw new InvalidParameterException('The service cannot be stopped while it is scaled above 0.');
    }
    const now = ctx.clock.now();
    for (const d of service.deployments) stopServiceDeployment(tx, d.serviceDeploymentArn, now, 'The service was deleted.');
    const draining = {
      ...service,
      status: 'DRAINING' as const,
      desiredCount: 0,
      deployments: service.deployments.map((d) => ({ ...d, desiredCount: 0 })),
      version: service.version + 1,
    };
    return { record: tx.put('service', service.serviceArn, draining), deleted: true };
  });
  if (deleted) ctx.log.info('service deleted', { serviceArn: record.serviceArn });
  return { service: describeService(ctx.state, record) };
}
