// Launching tasks, shared by RunTask and StartTask (and, later, the service scheduler): which task
// definitions may launch, how a request's overrides and tags are checked, and the task record ECS creates
// for a task placed on a container instance.
import type { CapacityProviderStrategyItem, StartTaskRequest, TaskDefinition, TaskOverride } from '@aws-sdk/client-ecs';
import { containerArn, taskArn } from '../../core/arn.js';
import type {
  ClusterRecord,
  ContainerInstanceRecord,
  ContainerRecord,
  Tag,
  TaskDefinitionRecord,
  TaskRecord,
} from '../../core/ecs.js';
import { InvalidParameterException, UnsupportedFeatureException } from '../../core/ecs-errors.js';
import { taskHealth } from '../../core/task-lifecycle.js';
import { withOverrides } from '../../core/task-overrides.js';
import type { ControlContext } from '../context.js';
import type { Transaction } from '../state.js';
import { resolveTaskDefinition, type Reader } from './lookups.js';
import { validateTags } from './tagging.js';
import { serviceConnectAttachment, serviceConnectContainer } from './service-connect.js';
import { attachTaskNetwork, resolveAwsvpcConfiguration, uuid } from './task-networking.js';

/** How a task is launched: on a container instance (EC2), or on Wharf-managed capacity (FARGATE). */
export type TaskLaunch =
  | { launchType: 'EC2' }
  | { launchType: 'FARGATE'; platformVersion: string; capacityProviderName?: string };

/** Ephemeral storage every Fargate task has unless its definition asks for more. */
const FARGATE_EPHEMERAL_STORAGE_GIB = 20;

/** What RunTask and StartTask share about the tasks they launch (the input is validated against the model). */
export type LaunchRequest = Pick<
  StartTaskRequest,
  | 'taskDefinition'
  | 'overrides'
  | 'group'
  | 'startedBy'
  | 'tags'
  | 'propagateTags'
  | 'enableECSManagedTags'
  | 'enableExecuteCommand'
  | 'networkConfiguration'
  | 'volumeConfigurations'
> & {
  /** A service's task with Service Connect: the name of the proxy container ECS adds to it (service-connect.ts). */
  serviceConnectContainer?: string;
};

/** What the service scheduler passes through to a launch that is not the user's own call (idempotency of RunTask). */
export type InternalLaunch = Pick<TaskRecord, 'clientToken' | 'clientRequest'>;

/** A launch split across a capacity provider strategy: `count` tasks, `running` already on each provider. */
export interface StrategyLaunch {
  count: number;
  strategy: readonly CapacityProviderStrategyItem[];
  running?: ReadonlyMap<string, number>;
  random: () => number;
  internal?: InternalLaunch;
}

/**
 * Volumes configured at launch are Amazon EBS volumes ECS creates and attaches: Wharf has no EBS, so a
 * request that configures one is refused as in a Region without the feature, never launched without it.
 */
export function refuseManagedVolumes(volumeConfigurations: readonly unknown[] | undefined): void {
  if (volumeConfigurations?.length) throw new UnsupportedFeatureException("Amazon EBS volumes configured at launch aren't supported in this Region.");
}

/** The task definition a launch request names, once ECS would launch it: ACTIVE, with overrides and network settings that fit it. */
export function launchableDefinition(ctx: ControlContext, request: LaunchRequest, reader?: Reader): TaskDefinitionRecord {
  refuseManagedVolumes(request.volumeConfigurations);
  const definition = resolveTaskDefinition(ctx, request.taskDefinition ?? '', reader, 'TaskDefinition not found.');
  if (definition.status !== 'ACTIVE') throw new InvalidParameterException('TaskDefinition is inactive');
  const names = new Set(definition.containerDefinitions?.map((c) => c.name));
  for (const o of request.overrides?.containerOverrides ?? []) {
    if (!o.name || !names.has(o.name)) {
      throw new InvalidParameterException(`Override for container named ${o.name ?? ''} is not a container in the TaskDefinition.`);
    }
  }
  const awsvpc = definition.networkMode === 'awsvpc';
  if (awsvpc && !request.networkConfiguration?.awsvpcConfiguration) {
    throw new InvalidParameterException("Network Configuration must be provided when networkMode 'awsvpc' is specified.");
  }
  if (!awsvpc && request.networkConfiguration) {
    throw new InvalidParameterException('Network Configuration is not valid for the given networkMode of this task definition.');
  }
  if (awsvpc) resolveAwsvpcConfiguration(ctx, request.networkConfiguration!.awsvpcConfiguration!, reader ?? ctx.state);
  if (request.propagateTags === 'SERVICE') {
    throw new InvalidParameterException('Tags cannot be propagated from a service to a task that is not part of a service.');
  }
  validateTags(request.tags ?? []);
  return definition;
}

/**
 * The record of one new task of `definition` placed on `instance`, as ECS creates it (version 1, nothing
 * started). A Fargate task's instance is the managed host that runs it, which the task does not show; a task
 * waiting for its capacity provider's instances (PROVISIONING) has none yet.
 */
export function newTask(
  ctx: ControlContext,
  cluster: ClusterRecord,
  definition: TaskDefinitionRecord,
  instance: ContainerInstanceRecord | undefined,
  request: LaunchRequest,
  launch: TaskLaunch = { launchType: 'EC2' },
): TaskRecord {
  const arn = taskArn(ctx.partition, cluster.clusterName, ctx.ids.id());
  // Resources as the task runs them, overrides applied.
  const { containerDefinitions = [], cpu, memory } = withOverrides(definition, request.overrides);
  const containers = containerDefinitions.map((c): ContainerRecord => ({
    containerArn: containerArn(ctx.partition, cluster.clusterName, ctx.ids.id()),
    taskArn: arn,
    name: c.name!,
    image: c.image,
    lastStatus: 'PENDING',
    networkInterfaces: [],
    healthStatus: 'UNKNOWN',
    // ECS shows container resources as strings, cpu "0" when the definition leaves it out.
    cpu: String(c.cpu ?? 0),
    ...(c.memory !== undefined && { memory: String(c.memory) }),
    ...(c.memoryReservation !== undefined && { memoryReservation: String(c.memoryReservation) }),
    essential: c.essential ?? true,
    healthCheck: c.healthCheck !== undefined,
  }));
  const proxy = request.serviceConnectContainer;
  if (proxy) containers.unshift(serviceConnectContainer(arn, containerArn(ctx.partition, cluster.clusterName, ctx.ids.id()), proxy));
  const attribute = (name: string) => instance?.attributes.find((a) => a.name === name)?.value;
  const architecture = attribute('ecs.cpu-architecture');
  const storage = { sizeInGiB: definition.ephemeralStorage?.sizeInGiB ?? FARGATE_EPHEMERAL_STORAGE_GIB };
  const host =
    launch.launchType === 'FARGATE'
      ? {
          managedHostArn: instance!.containerInstanceArn,
          platformVersion: launch.platformVersion,
          platformFamily: 'Linux',
          ...(launch.capacityProviderName !== undefined && { capacityProviderName: launch.capacityProviderName }),
          ephemeralStorage: storage,
          fargateEphemeralStorage: storage,
        }
      : instance && { containerInstanceArn: instance.containerInstanceArn, availabilityZone: attribute('ecs.availability-zone') };
  return {
    taskArn: arn,
    clusterArn: cluster.clusterArn,
    taskDefinitionArn: definition.taskDefinitionArn,
    ...host,
    // awsvpc tasks first wait for their network interface.
    lastStatus: definition.networkMode === 'awsvpc' ? 'PROVISIONING' : 'PENDING',
    desiredStatus: 'RUNNING',
    createdAt: ctx.clock.now(),
    version: 1,
    launchType: launch.launchType,
    group: request.group || `family:${definition.family}`,
    ...(request.startedBy !== undefined && { startedBy: request.startedBy }),
    overrides: echoedOverrides(definition, request.overrides),
    ...(cpu !== undefined && { cpu }),
    ...(memory !== undefined && { memory }),
    containers,
    healthStatus: taskHealth(containers),
    enableExecuteCommand: request.enableExecuteCommand ?? false,
    attachments: proxy ? [serviceConnectAttachment(uuid(ctx.ids.id()), proxy)] : [],
    attributes: architecture === undefined ? [] : [{ name: 'ecs.cpu-architecture', value: architecture }],
    tags: taskTags(cluster, definition, request),
  };
}

/**
 * Creates one task per placement, in the mutation that placed them; returns the new records. An awsvpc
 * task gets its network interface here (or, with no address left in its subnet, fails at once).
 */
export function launchTasks(
  ctx: ControlContext,
  tx: Transaction,
  cluster: ClusterRecord,
  definition: TaskDefinitionRecord,
  request: LaunchRequest,
  placements: readonly { containerInstanceArn: string }[],
  internal: InternalLaunch = {},
  launch: TaskLaunch = { launchType: 'EC2' },
): TaskRecord[] {
  const awsvpc = request.networkConfiguration?.awsvpcConfiguration;
  const network = definition.networkMode === 'awsvpc' && awsvpc ? resolveAwsvpcConfiguration(ctx, awsvpc, tx) : undefined;
  return placements.map(({ containerInstanceArn }) => {
    const instance = tx.get('containerInstance', containerInstanceArn)!;
    const created: TaskRecord = { ...newTask(ctx, cluster, definition, instance, request, launch), ...internal };
    const task = network ? attachTaskNetwork(ctx, tx, created, network, created.availabilityZone) : created;
    tx.put('task', task.taskArn, task);
    ctx.log.info('task created', { taskArn: task.taskArn, taskDefinitionArn: definition.taskDefinitionArn, launchType: launch.launchType, host: containerInstanceArn });
    return task;
  });
}

/** ECS echoes one container override per container, named even when nothing of it is overridden. */
function echoedOverrides(definition: TaskDefinition, overrides: TaskOverride | undefined): TaskOverride {
  const given = overrides?.containerOverrides ?? [];
  return {
    ...overrides,
    containerOverrides: (definition.containerDefinitions ?? []).map((c) => given.find((o) => o.name === c.name) ?? { name: c.name }),
    inferenceAcceleratorOverrides: overrides?.inferenceAcceleratorOverrides ?? [],
  };
}

/** The request's tags, then the task definition's when propagated, then ECS's managed tags (a key appears once). */
function taskTags(cluster: ClusterRecord, definition: TaskDefinitionRecord, request: LaunchRequest): Tag[] {
  const tags = [...(request.tags ?? [])];
  const add = (tag: Tag) => {
    if (!tags.some((t) => t.key === tag.key)) tags.push(tag);
  };
  if (request.propagateTags === 'TASK_DEFINITION') definition.tags.forEach(add);
  if (request.enableECSManagedTags) add({ key: 'aws:ecs:clusterName', value: cluster.clusterName });
  return tags;
}

