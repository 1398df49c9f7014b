import type {
  ContainerInstance,
  Failure,
  UpdateContainerInstancesStateRequest,
  UpdateContainerInstancesStateResponse,
} from '@aws-sdk/client-ecs';
import type { ContainerInstanceRecord } from '../../core/ecs.js';
import { InvalidParameterException } from '../../core/ecs-errors.js';
import type { ControlContext } from '../context.js';
import { describeContainerInstance } from './container-instances.js';
import { containerInstanceArnOf, findContainerInstance, resolveCluster } from './lookups.js';

const MAX_INSTANCES = 10;

/**
 * Moves instances between ACTIVE and DRAINING (draining ones take no new tasks). Unknown and deregistered
 * instances come back as MISSING failures.
 */
export async function updateContainerInstancesState(
  ctx: ControlContext,
  input: UpdateContainerInstancesStateRequest,
): Promise<UpdateContainerInstancesStateResponse> {
  const status = input.status!;
  if (status !== 'ACTIVE' && status !== 'DRAINING') {
    throw new InvalidParameterException('Container instance status should be one of [ACTIVE, DRAINING]');
  }
  const refs = input.containerInstances!;
  if (refs.length > MAX_INSTANCES) throw new InvalidParameterException(`Container Instances cannot have more than ${MAX_INSTANCES} elements.`);
  const { updated, failures } = await ctx.state.mutate((tx) => {
    const cluster = resolveCluster(ctx, input.cluster, tx);
    const updated: ContainerInstanceRecord[] = [];
    const failures: Failure[] = [];
    for (const ref of refs) {
      const instance = findContainerInstance(ctx, cluster, ref, tx);
      if (!instance || instance.status === 'INACTIVE') {
        failures.push({ arn: containerInstanceArnOf(ctx, cluster, ref), reason: 'MISSING' });
        continue;
      }
      const next = instance.status === status ? instance : { ...instance, status, version: instance.version + 1 };
      if (next !== instance) tx.put('containerInstance', next.containerInstanceArn, next);
      updated.push(next);
    }
    return { updated, failures };
  });
  for (const i of updated) ctx.log.info('container instance state set', { containerInstanceArn: i.containerInstanceArn, status });
  const containerInstances: ContainerInstance[] = updated.map((i) => describeContainerInstance(ctx, i));
  return { containerInstances, failures };
}
