import type { StopServiceDeploymentRequest, StopServiceDeploymentResponse } from '@aws-sdk/client-ecs';
import type { DeploymentRecord, ServiceDeploymentRecord, ServiceRecord } from '../../core/ecs.js';
import { ConflictException, InvalidParameterException, ServiceDeploymentNotFoundException } from '../../core/ecs-errors.js';
import type { ControlContext } from '../context.js';
import type { Transaction } from '../state.js';

/** Stopping a service deployment in these states lets it go on with what it is doing (the ECS guide, "Stopping Amazon ECS service deployments"). */
const STOPPING: readonly string[] = ['STOP_REQUESTED', 'ROLLBACK_REQUESTED', 'ROLLBACK_IN_PROGRESS'];

/**
 * Stops a service deployment in progress. ROLLBACK (the default) returns the service to the revision of
 * its last completed deployment, as the circuit breaker does: that deployment is PRIMARY again and the
 * service deployment is ROLLBACK_REQUESTED, then ROLLBACK_IN_PROGRESS (the service controller) until it
 * completes. ABORT leaves the tasks where they are: the deployment launches nothing more and the service
 * deployment is STOPPED. One already stopping or rolling back goes on, unchanged.
 */
export async function stopServiceDeployment(ctx: ControlContext, input: StopServiceDeploymentRequest): Promise<StopServiceDeploymentResponse> {
  const arn = input.serviceDeploymentArn ?? '';
  await ctx.state.mutate((tx) => {
    const sd = tx.get('serviceDeployment', arn);
    if (!sd) throw new ServiceDeploymentNotFoundException('Service deployment not found.');
    if (STOPPING.includes(sd.status)) return;
    const service = tx.get('service', sd.serviceArn);
    const primary = service?.deployments[0];
    if (!service || !primary || primary.id !== sd.deploymentId || (sd.status !== 'IN_PROGRESS' && sd.status !== 'PENDING')) {
      throw new ConflictException(`The service deployment is ${sd.status} and cannot be stopped.`, [arn]);
    }
    const now = ctx.clock.now();
    const reason = 'Service deployment stopped by StopServiceDeployment.';
    if ((input.stopType ?? 'ROLLBACK') === 'ROLLBACK') {
      rollBackServiceDeployment(tx, sd, service, reason, now);
    } else {
      // A FAILED PRIMARY launches nothing more (scheduler/service.ts); what it runs stays.
      const stopped: DeploymentRecord = { ...primary, rolloutState: 'FAILED', rolloutStateReason: reason, updatedAt: now };
      tx.put('service', service.serviceArn, { ...service, deployments: [stopped, ...service.deployments.slice(1)], version: service.version + 1 });
      tx.put('serviceDeployment', arn, { ...sd, status: 'STOPPED', statusReason: reason, stoppedAt: now, updatedAt: now });
    }
    ctx.log.info('service deployment stopped', { serviceDeploymentArn: arn, stopType: input.stopType ?? 'ROLLBACK' });
  });
  return { serviceDeploymentArn: arn };
}

/**
 * Returns the service to the revision of its last completed deployment, as the circuit breaker does: that
 * deployment is PRIMARY again, the service's (its PRIMARY) is FAILED; the service deployment is
 * ROLLBACK_REQUESTED until the service controller takes it up (ROLLBACK_IN_PROGRESS).
 */
export function rollBackServiceDeployment(tx: Transaction, sd: ServiceDeploymentRecord, service: ServiceRecord, reason: string, now: Date): void {
  const primary = service.deployments[0]!;
  const target = service.completedDeployment;
  if (!target || target.id === primary.id) throw new InvalidParameterException('There is no previous service revision to roll back to.');
  const stopped: DeploymentRecord = { ...primary, status: 'ACTIVE', rolloutState: 'FAILED', rolloutStateReason: reason, updatedAt: now };
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
  tx.put('service', service.serviceArn, { ...service, taskDefinition: restored.taskDefinition, deployments: [restored, stopped, ...others], version: service.version + 1 });
  tx.put('serviceDeployment', sd.serviceDeploymentArn, { ...sd, status: 'ROLLBACK_REQUESTED', statusReason: reason, rollback: { reason, startedAt: now, serviceRevisionArn: restored.serviceRevisionArn }, updatedAt: now });
}
