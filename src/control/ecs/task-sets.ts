// Task sets: how an external deployment controller deploys a service (deploymentController EXTERNAL), and
// how a CODE_DEPLOY service runs (its first task set made by CreateService; AWS CodeDeploy, which Wharf
// does not serve, would make the next ones: the task set calls are the EXTERNAL controller's only, as ECS
// says, and DescribeTaskSets shows both). Each task set runs its own task definition, network configuration and load balancer at `scale` percent
// of the service's desired count (computedDesiredCount, rounded up); the service scheduler keeps its tasks
// (scheduler/service.ts, planTaskSets) and the service-targets controller registers them in its target group.
// One file for the family: CreateTaskSet, UpdateTaskSet, DeleteTaskSet, UpdateServicePrimaryTaskSet,
// DescribeTaskSets, as the ECS API reference documents them.
import type {
  CreateTaskSetRequest,
  CreateTaskSetResponse,
  DeleteTaskSetRequest,
  DeleteTaskSetResponse,
  DescribeTaskSetsRequest,
  DescribeTaskSetsResponse,
  Scale,
  TaskSet,
  UpdateServicePrimaryTaskSetRequest,
  UpdateServicePrimaryTaskSetResponse,
  UpdateTaskSetRequest,
  UpdateTaskSetResponse,
} from '@aws-sdk/client-ecs';
import { taskSetArn } from '../../core/arn.js';
import { runsTaskSets, type ServiceRecord, type TaskSetRecord } from '../../core/ecs.js';
import { InvalidParameterException, ServiceNotActiveException, TaskSetNotFoundException } from '../../core/ecs-errors.js';
import { computedDesiredCount } from '../../scheduler/service.js';
import type { ControlContext } from '../context.js';
import { checkServiceRegistries } from '../servicediscovery/ecs-registrations.js';
import type { State, Transaction } from '../state.js';
import { checkServiceLoadBalancers } from '../elbv2/service-targets.js';
import { resolveCluster, type Reader } from './lookups.js';
import { checkServiceRequest, deploymentNumber, resolveService, serviceDefinition, serviceLaunch, serviceTaskCounts } from './services.js';
import { fargatePlatformVersion } from './fargate.js';
import { validateTags } from './tagging.js';

const NEEDS_EXTERNAL = 'Amazon ECS only supports task set management on services configured to use external deployment controllers.';
/** ECS's quota of task sets (deployments) per service. */
const MAX_TASK_SETS = 5;

/** The service a task set call names: it exists (ServiceNotFoundException first) and uses the EXTERNAL controller. */
function externalService(ctx: ControlContext, input: { cluster?: string; service?: string }, reader: Reader): ServiceRecord {
  const service = resolveService(ctx, resolveCluster(ctx, input.cluster, reader), input.service ?? '', reader);
  if (service.deploymentController?.type !== 'EXTERNAL') throw new InvalidParameterException(NEEDS_EXTERNAL);
  return service;
}

/** A service the call may change: EXTERNAL and ACTIVE. */
function changeableService(ctx: ControlContext, input: { cluster?: string; service?: string }, tx: Transaction): ServiceRecord {
  const service = externalService(ctx, input, tx);
  if (service.status !== 'ACTIVE') throw new ServiceNotActiveException('Service was not ACTIVE.');
  return service;
}

/** A task set of the service by id or ARN. */
function findTaskSet(service: ServiceRecord, ref: string | undefined): TaskSetRecord {
  const found = (service.taskSets ?? []).find((ts) => ts.id === ref || ts.taskSetArn === ref);
  if (!found) throw new TaskSetNotFoundException('The specified task set does not exist.');
  return found;
}

/** Scale is a percentage from 0 to 100 (unit PERCENT, the only one). */
function checkScale(scale: Scale | undefined): TaskSetRecord['scale'] {
  const value = scale?.value ?? 100;
  if (!Number.isFinite(value) || value < 0 || value > 100) throw new InvalidParameterException('Scale value must be between 0 and 100.');
  return { value, unit: 'PERCENT' };
}

/** Writes the service with its task sets, PRIMARY first (as DescribeServices lists them); the PRIMARY's task definition is the service's. */
function putTaskSets(tx: Transaction, service: ServiceRecord, sets: TaskSetRecord[]): void {
  const ordered = [...sets.filter((ts) => ts.status === 'PRIMARY'), ...sets.filter((ts) => ts.status !== 'PRIMARY')];
  const primary = ordered.find((ts) => ts.status === 'PRIMARY');
  tx.put('service', service.serviceArn, { ...service, taskSets: ordered, taskDefinition: primary?.taskDefinition ?? service.taskDefinition, version: service.version + 1 });
}

/** A task set as DescribeTaskSets shows it: its running and pending counts taken from its tasks now. */
export function describeTaskSet(state: Pick<State, 'size'>, ts: TaskSetRecord, withTags = false): TaskSet {
  const { running, pending } = serviceTaskCounts(state, ts.serviceArn, ts.id);
  // As services show it: a capacity provider strategy, or else a launch type.
  return { ...ts, ...(ts.capacityProviderStrategy?.length && { launchType: undefined }), runningCount: running, pendingCount: pending, tags: withTags ? ts.tags : undefined };
}

/** A new task set of `service` (its tasks start with the scheduler's next pass). */
export function newTaskSet(
  ctx: ControlContext,
  service: ServiceRecord,
  input: Pick<CreateTaskSetRequest, 'loadBalancers' | 'serviceRegistries' | 'networkConfiguration' | 'externalId' | 'platformVersion'> &
    Pick<ServiceRecord, 'launchType' | 'capacityProviderStrategy'> & { taskDefinition: string; scale: TaskSetRecord['scale']; tags: TaskSetRecord['tags'] },
  status: TaskSetRecord['status'],
  now: Date,
): TaskSetRecord {
  const id = `ecs-svc/${deploymentNumber(ctx)}`;
  return {
    id,
    taskSetArn: taskSetArn(ctx.partition, service.clusterArn.split('/').at(-1)!, service.serviceName, id),
    serviceArn: service.serviceArn,
    clusterArn: service.clusterArn,
    status,
    taskDefinition: input.taskDefinition,
    computedDesiredCount: computedDesiredCount(service.desiredCount, input.scale.value),
    launchType: input.launchType,
    ...(input.capacityProviderStrategy?.length && { capacityProviderStrategy: input.capacityProviderStrategy }),
    ...(input.launchType === 'FARGATE' && { platformVersion: fargatePlatformVersion(input.platformVersion), platformFamily: 'Linux' }),
    loadBalancers: input.loadBalancers ?? [],
    serviceRegistries: input.serviceRegistries ?? [],
    ...(input.networkConfiguration && { networkConfiguration: input.networkConfiguration }),
    ...(input.externalId !== undefined && { externalId: input.externalId }),
    scale: input.scale,
    stabilityStatus: 'STABILIZING',
    stabilityStatusAt: now,
    createdAt: now,
    updatedAt: now,
    tags: input.tags,
  };
}

export async function createTaskSet(ctx: ControlContext, input: CreateTaskSetRequest): Promise<CreateTaskSetResponse> {
  // What a retry with the same clientToken must repeat exactly to get the same task set back.
  const { clientToken, ...request } = input;
  const fingerprint = JSON.stringify(request);
  const record = await ctx.state.mutate((tx) => {
    const service = changeableService(ctx, input, tx);
    const sets = service.taskSets ?? [];
    const earlier = clientToken === undefined ? undefined : sets.find((ts) => ts.clientToken === clientToken);
    if (earlier) {
      if (earlier.clientRequest !== fingerprint) throw new InvalidParameterException('Creation of task set was not idempotent.');
      return earlier;
    }
    if (sets.length >= MAX_TASK_SETS) throw new InvalidParameterException(`${sets.length} deployments exist on the service. Unable to create new TaskSet since this exceeds the maximum limit.`);
    if ((input.loadBalancers?.length ?? 0) > 1) throw new InvalidParameterException('CreateTaskSet cannot have more than 1 load balancer.');
    // Its own launch type or capacity provider strategy, else the cluster's default strategy (the ECS API reference).
    checkServiceRequest({ launchType: input.launchType, platformVersion: input.platformVersion }, 'REPLICA');
    const launch = serviceLaunch(tx.get('cluster', service.clusterArn)!, input, 'REPLICA');
    const definition = serviceDefinition(ctx, { taskDefinition: input.taskDefinition, networkConfiguration: input.networkConfiguration, launchType: launch.launchType }, tx);
    checkServiceLoadBalancers(ctx.state, input.loadBalancers ?? [], definition);
    checkServiceRegistries(ctx.state, input.serviceRegistries ?? [], definition);
    const scale = checkScale(input.scale);
    const tags = input.tags ?? [];
    validateTags(tags);
    const made = newTaskSet(ctx, service, { ...input, ...launch, taskDefinition: definition.taskDefinitionArn, scale, tags }, 'ACTIVE', ctx.clock.now());
    const ts = clientToken === undefined ? made : { ...made, clientToken, clientRequest: fingerprint };
    putTaskSets(tx, service, [...sets, ts]);
    return ts;
  });
  ctx.log.info('task set created', { taskSetArn: record.taskSetArn, taskDefinition: record.taskDefinition, scale: record.scale.value });
  return { taskSet: describeTaskSet(ctx.state, record) };
}

export async function updateTaskSet(ctx: ControlContext, input: UpdateTaskSetRequest): Promise<UpdateTaskSetResponse> {
  const scale = checkScale(input.scale);
  return changeTaskSet(ctx, input, input.taskSet, (ts, service, now) => ({ ...ts, scale, computedDesiredCount: computedDesiredCount(service.desiredCount, scale.value), updatedAt: now }));
}

/** Deletes a task set: it is DRAINING while its tasks stop, then gone. One not scaled down to zero needs `force`. */
export async function deleteTaskSet(ctx: ControlContext, input: DeleteTaskSetRequest): Promise<DeleteTaskSetResponse> {
  return changeTaskSet(ctx, input, input.taskSet, (ts, _service, now) => {
    if (ts.computedDesiredCount > 0 && !input.force) throw new InvalidParameterException('The task set has not been scaled down to zero. Scale it to 0 or set force to delete it.');
    return { ...ts, status: 'DRAINING', computedDesiredCount: 0, updatedAt: now };
  });
}

/** Makes a task set the service's PRIMARY one (its task definition becomes the service's); the previous PRIMARY turns ACTIVE. */
export async function updateServicePrimaryTaskSet(ctx: ControlContext, input: UpdateServicePrimaryTaskSetRequest): Promise<UpdateServicePrimaryTaskSetResponse> {
  return changeTaskSet(ctx, input, input.primaryTaskSet, (ts, _service, now) => {
    if (ts.status === 'DRAINING') throw new InvalidParameterException('A DRAINING task set cannot become the primary task set.');
    return { ...ts, status: 'PRIMARY', updatedAt: now };
  });
}

/**
 * Replaces one task set of an EXTERNAL, ACTIVE service with what `change` makes of it (a new PRIMARY turns
 * the previous one ACTIVE); answers it as described.
 */
async function changeTaskSet(
  ctx: ControlContext,
  input: { cluster?: string; service?: string },
  ref: string | undefined,
  change: (ts: TaskSetRecord, service: ServiceRecord, now: Date) => TaskSetRecord,
): Promise<{ taskSet: TaskSet }> {
  const record = await ctx.state.mutate((tx) => {
    const service = changeableService(ctx, input, tx);
    const ts = findTaskSet(service, ref);
    const now = ctx.clock.now();
    const next = change(ts, service, now);
    const demoted = (s: TaskSetRecord): TaskSetRecord => (next.status === 'PRIMARY' && s.status === 'PRIMARY' ? { ...s, status: 'ACTIVE', updatedAt: now } : s);
    putTaskSets(tx, service, (service.taskSets ?? []).map((s) => (s.id === ts.id ? next : demoted(s))));
    return next;
  });
  return { taskSet: describeTaskSet(ctx.state, record) };
}

/** The service's task sets, or those named (by id or ARN; unknown ones are MISSING failures). */
export async function describeTaskSets(ctx: ControlContext, input: DescribeTaskSetsRequest): Promise<DescribeTaskSetsResponse> {
  const service = resolveService(ctx, resolveCluster(ctx, input.cluster), input.service ?? '');
  // Services with the ECS deployment controller have no task sets.
  const sets = runsTaskSets(service) ? (service.taskSets ?? []) : [];
  const withTags = input.include?.includes('TAGS') ?? false;
  if (!input.taskSets?.length) return { taskSets: sets.map((ts) => describeTaskSet(ctx.state, ts, withTags)), failures: [] };
  const taskSets: TaskSet[] = [];
  const failures: { arn: string; reason: string }[] = [];
  for (const ref of new Set(input.taskSets)) {
    const ts = sets.find((s) => s.id === ref || s.taskSetArn === ref);
    if (ts) taskSets.push(describeTaskSet(ctx.state, ts, withTags));
    else failures.push({ arn: ref, reason: 'MISSING' });
  }
  return { taskSets, failures };
}
