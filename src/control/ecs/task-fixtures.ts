// Records for task tests: a cluster, container instances and task definitions put straight into state
// (the operations that register them are tested on their own). Imported by tests only.
import type { ContainerDefinition } from '@aws-sdk/client-ecs';
import { clusterArn, containerInstanceArn, taskDefinitionArn } from '../../core/arn.js';
import type { ClusterRecord, ContainerInstanceRecord, TaskDefinitionRecord } from '../../core/ecs.js';
import { registeredResources } from '../../scheduler/resources.js';
import type { ControlContext } from '../context.js';

export const IMAGE = 'wharf-test/busybox:latest';

export async function putCluster(ctx: ControlContext, name = 'default'): Promise<ClusterRecord> {
  const cluster: ClusterRecord = { clusterArn: clusterArn(ctx.partition, name), clusterName: name, status: 'ACTIVE', tags: [] };
  await ctx.state.mutate((tx) => tx.put('cluster', cluster.clusterArn, cluster));
  return cluster;
}

export async function putInstance(
  ctx: ControlContext,
  cluster: ClusterRecord,
  id: string,
  options: { memoryMiB?: number; agentConnected?: boolean; zone?: string } = {},
): Promise<ContainerInstanceRecord> {
  const instance: ContainerInstanceRecord = {
    containerInstanceArn: containerInstanceArn(ctx.partition, cluster.clusterName, id),
    clusterArn: cluster.clusterArn,
    ec2InstanceId: `i-${id}`,
    status: 'ACTIVE',
    agentConnected: options.agentConnected ?? true,
    registeredResources: registeredResources({ cores: 2, memoryMiB: options.memoryMiB ?? 1024 }),
    attributes: [
      { name: 'ecs.availability-zone', value: options.zone ?? 'us-east-1a' },
      { name: 'ecs.cpu-architecture', value: 'x86_64' },
    ],
    tags: [],
    version: 1,
  };
  await ctx.state.mutate((tx) => tx.put('containerInstance', instance.containerInstanceArn, instance));
  return instance;
}

export async function putTaskDefinition(
  ctx: ControlContext,
  family: string,
  containers: ContainerDefinition[] = [{ name: 'app', image: IMAGE, memory: 128, command: ['sleep', '300'] }],
  extra: Partial<TaskDefinitionRecord> = {},
): Promise<TaskDefinitionRecord> {
  const revision = extra.revision ?? 1;
  const definition: TaskDefinitionRecord = {
    family,
    revision,
    taskDefinitionArn: taskDefinitionArn(ctx.partition, family, revision),
    status: 'ACTIVE',
    networkMode: 'bridge',
    containerDefinitions: containers,
    tags: [],
    ...extra,
  };
  await ctx.state.mutate((tx) => tx.put('taskDefinition', definition.taskDefinitionArn, definition));
  return definition;
}
