import type { StopServiceDeploymentRequest, StopServiceDeploymentResponse } from '@aws-sdk/client-ecs';
import type { DeploymentRecord, ServiceRecord } from '../../core/ecs.js';
import { ConflictException, InvalidParameterException, ServiceDeploymentNotFoundException } from '../../core/ecs-errors.js';
import type { ControlContext } from '../context.js';

/**
 * Stops a service deployment in progress. ROLLBACK (the default) returns the service to the revision of
 * its last completed deployment, as the circuit breaker does: that deployment is PRIMARY again and the
 * service deployment is ROLLBACK_IN_PROGRESS until it completes. ABORT leaves the tasks where they are:
 * the deployment launches nothing more and the service deployment is STOPPED.
 */
export async function stopServiceDeployment(ctx: ControlContext, input: StopServiceDeploymentRequest): Promise<StopServiceDeploymentResponse> {
  const arn = input.serviceDeploymentArn ?? '';
  await ctx.state.mutate((tx) => {
    const sd = tx.get('serviceDeployment', arn);
    if (!sd) throw new ServiceDeploymentNotFoundException('Service deployment not found.');
    const service = tx.get('service', sd.serviceArn);
    const primary = service?.deployments[0];
    if (!service || !primary || primary.id !== sd.deploymentId || (sd.status !== 'IN_PROGRESS' && sd.status !== 'PENDING')) {
      throw new ConflictException(`The service deployment is ${sd.status} and cannot be stopped.`, [arn]);
    }
    const now = ctx.clock.now();
    const reason = 'Service deployment stopped by StopServiceDeployment.';
    const stopped: DeploymentRecord = { ...primary, rolloutState: 'FAILED', rolloutStateReason: reason, updatedAt: now };
    let next: ServiceRecord;
    if ((input.stopType ?? 'ROLLBACK') === 'ROLLBACK') {
      const target = service.completedDeployment;
      if (!target || target.id === primary.id) throw new InvalidParameterException('There is no previous service revision to roll back to.');
      const restored: DeploymentRecord = {
        ...(service.deployments.find((d) => d.id === target.id) ?? target),
        status: 'PRIMARY',
        desiredCount: primary.desiredCount,
        failedTasks: 0,
        launched: false,
        rolloutState: 'IN_PROGRESS',
        rolloutStateReason: `ECS deployment rolling back to deploymentId ${target.id}.`,
        updatedAt: now,
      };
      const others = service.deployments.slice(1).filter((d) => d.id !== target.id);
      next = { ...service, taskDefinition: restored.taskDefinition, deployments: [restored, { ...stopped, status: 'ACTIVE' }, ...others] };
      tx.put('serviceDeployment', arn, { ...sd, status: 'ROLLBACK_IN_PROGRESS', statusReason: reason, rollback: { reason, startedAt: now, serviceRevisionArn: restored.serviceRevisionArn }, updatedAt: now });
    } else {
      // A FAILED PRIMARY launches nothing more (scheduler/service.ts); what it runs stays.
      next = { ...service, deployments: [stopped, ...service.deployments.slice(1)] };
      tx.put('serviceDeployment', arn, { ...sd, status: 'STOPPED', statusReason: reason, stoppedAt: now, updatedAt: now });
    }
    tx.put('service', service.serviceArn, { ...next, version: service.version + 1 });
    ctx.log.info('service deployment stopped', { serviceDeploymentArn: arn, stopType: input.stopType ?? 'ROLLBACK' });
  });
  return { serviceDeploymentArn: arn };
}
