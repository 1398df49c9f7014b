import type { ContinueServiceDeploymentRequest, ContinueServiceDeploymentResponse } from '@aws-sdk/client-ecs';
import type { PauseHookDetail } from '../../core/ecs.js';
import { InvalidParameterException, ServiceDeploymentNotFoundException } from '../../core/ecs-errors.js';
import { hookDetail } from '../../scheduler/deployment.js';
import type { ControlContext } from '../context.js';
import { rollBackServiceDeployment } from './stop-service-deployment.js';

/**
 * Resolves a PAUSE lifecycle hook that holds a service deployment (its hookId from DescribeServiceDeployments'
 * lifecycleHookDetails): CONTINUE (the default) lets the deployment go on to its next stage, ROLLBACK returns
 * the service to its previous revision as StopServiceDeployment does. The deployment must be IN_PROGRESS
 * and the hook AWAITING_ACTION ("Continuing service deployments", Amazon ECS Developer Guide).
 */
export async function continueServiceDeployment(ctx: ControlContext, input: ContinueServiceDeploymentRequest): Promise<ContinueServiceDeploymentResponse> {
  const arn = input.serviceDeploymentArn ?? '';
  const action = input.action ?? 'CONTINUE';
  if (action !== 'CONTINUE' && action !== 'ROLLBACK') throw new InvalidParameterException(`Invalid action '${action}': valid values are CONTINUE and ROLLBACK.`);
  await ctx.state.mutate((tx) => {
    const sd = tx.get('serviceDeployment', arn);
    if (!sd) throw new ServiceDeploymentNotFoundException('Service deployment not found.');
    const service = tx.get('service', sd.serviceArn);
    const primary = service?.deployments[0];
    if (!service || !primary || primary.id !== sd.deploymentId || sd.status !== 'IN_PROGRESS') {
      throw new InvalidParameterException(`The service deployment is ${sd.status} and cannot be continued: only an IN_PROGRESS service deployment can.`);
    }
    const shift = primary.trafficShift;
    const hook = shift?.pauseHooks?.find((h) => h.hookId === input.hookId);
    if (!shift || !hook) throw new InvalidParameterException(`The lifecycle hook ${input.hookId} was not found on the service deployment.`);
    if (hook.status !== 'AWAITING_ACTION') throw new InvalidParameterException(`The lifecycle hook ${input.hookId} is ${hook.status}, not AWAITING_ACTION.`);
    const now = ctx.clock.now();
    const resolved: PauseHookDetail = { ...hook, status: action === 'CONTINUE' ? 'SUCCEEDED' : 'FAILED' };
    const pauseHooks = shift.pauseHooks!.map((h) => (h.hookId === hook.hookId ? resolved : h));
    const resumed = { ...service, deployments: [{ ...primary, trafficShift: { ...shift, pauseHooks } }, ...service.deployments.slice(1)] };
    const recorded = { ...sd, lifecycleHookDetails: pauseHooks.map(hookDetail), updatedAt: now };
    if (action === 'ROLLBACK') {
      rollBackServiceDeployment(tx, recorded, resumed, `Service deployment rolled back by ContinueServiceDeployment at lifecycle hook ${hook.hookId}.`, now);
    } else {
      tx.put('service', service.serviceArn, { ...resumed, version: service.version + 1 });
      tx.put('serviceDeployment', arn, recorded);
    }
    ctx.log.info('service deployment continued', { serviceDeploymentArn: arn, hookId: hook.hookId, action });
  });
  return { serviceDeploymentArn: arn };
}
