import type { ContainerInstance, DescribeContainerInstancesRequest, DescribeContainerInstancesResponse, Failure } from '@aws-sdk/client-ecs';
import { ClientException, InvalidParameterException } from '../../core/ecs-errors.js';
import type { ControlContext } from '../context.js';
import { describeContainerInstance } from './container-instances.js';
import { containerInstanceArnOf, findContainerInstance, resolveCluster } from './lookups.js';

const MAX_INSTANCES = 100;

/** Instances not in the cluster come back as MISSING failures; deregistered ones stay describable a while. */
export async function describeContainerInstances(
  ctx: ControlContext,
  input: DescribeContainerInstancesRequest,
): Promise<DescribeContainerInstancesResponse> {
  const refs = input.containerInstances!;
  if (refs.length === 0) throw new ClientException('Container Instances cannot be empty.');
  if (refs.length > MAX_INSTANCES) throw new InvalidParameterException(`Container Instances cannot have more than ${MAX_INSTANCES} elements.`);
  const cluster = resolveCluster(ctx, input.cluster);
  const containerInstances: ContainerInstance[] = [];
  const failures: Failure[] = [];
  for (const ref of refs) {
    const record = findContainerInstance(ctx, cluster, ref);
    if (record) containerInstances.push(describeContainerInstance(ctx, record, input.include ?? []));
    else failures.push({ arn: containerInstanceArnOf(ctx, cluster, ref), reason: 'MISSING' });
  }
  return { containerInstances, failures };
}
