// What the service operations share: how ECS names and finds services, its rules for the deployment
// configuration, how a new deployment (with its service deployment and service revision) is made, and how
// a service is shown, its running and pending counts taken from its tasks at the moment it is described.
import type {
  ContainerImage,
  CreateServiceRequest,
  Deployment,
  DeploymentConfiguration,
  Service,
  ServiceDeployment,
  ServiceRevisionSummary,
  UpdateServiceRequest,
} from '@aws-sdk/client-ecs';
import { serviceArn, serviceDeploymentArn, serviceRevisionArn } from '../../core/arn.js';
import type {
  ClusterRecord,
  DeploymentRecord,
  ServiceDeploymentRecord,
  ServiceRecord,
  ServiceRevisionRecord,
  TaskDefinitionRecord,
  TaskRecord,
} from '../../core/ecs.js';
import { InvalidParameterException, ServiceNotActiveException, ServiceNotFoundException, UnsupportedFeatureException } from '../../core/ecs-errors.js';
import { isShiftingStrategy, startShift, testsGreen } from '../../scheduler/deployment.js';
import { failureThreshold } from '../../scheduler/service.js';
import type { ControlContext } from '../context.js';
import type { State, Transaction } from '../state.js';
import { launchStrategy } from './clusters.js';
import { describeTaskSet } from './task-sets.js';
import { deploymentLoadBalancers } from './deployment-traffic.js';
import { checkFargateLaunch, fargatePlatformVersion, isFargateStrategy } from './fargate.js';
import type { Reader } from './lookups.js';
import { launchableDefinition, refuseManagedVolumes } from './task-launch.js';
import { countedTasksByDeployment, countedTasksByService, serviceDeploymentsByService, serviceRevisionsByService } from './indexes.js';

const SERVICE_NAME = /^[a-zA-Z0-9_-]{1,255}$/;

export function validateServiceName(name: string): void {
  if (!SERVICE_NAME.test(name)) {
    throw new InvalidParameterException(
      'Invalid service name. Up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens are allowed.',
    );
  }
}

type ServiceRequest = Pick<
  CreateServiceRequest & UpdateServiceRequest,
  | 'desiredCount'
  | 'placementStrategy'
  | 'launchType'
  | 'capacityProviderStrategy'
  | 'deploymentController'
  | 'taskDefinition'
  | 'networkConfiguration'
  | 'platformVersion'
  | 'serviceConnectConfiguration'
  | 'volumeConfigurations'
  | 'vpcLatticeConfigurations'
  | 'loadBalancers'
  | 'deploymentConfiguration'
>;

/** What CreateService and UpdateService refuse before looking at any record. */
export function checkServiceRequest(input: ServiceRequest, strategy: ServiceRecord['schedulingStrategy']): void {
  if (input.desiredCount !== undefined && input.desiredCount < 0) throw new InvalidParameterException('The desired count cannot be less than 0.');
  if (strategy === 'DAEMON' && input.desiredCount !== undefined) {
    throw new InvalidParameterException('The daemon scheduling strategy does not support a desired count for services.');
  }
  if (strategy === 'DAEMON' && (input.placementStrategy?.length ?? 0) > 0) {
    throw new InvalidParameterException('The daemon scheduling strategy does not support placement strategies.');
  }
  // Wharf's capacity is its EC2-style container instances and its managed capacity (Fargate, directly or
  // through the FARGATE and FARGATE_SPOT providers: checked against the cluster by `serviceLaunch`).
  if (input.launchType !== undefined && input.launchType !== 'EC2' && input.launchType !== 'FARGATE') {
    throw new InvalidParameterException('Wharf runs services on the EC2 and FARGATE launch types only: no external capacity exists.');
  }
  if (input.launchType === 'FARGATE') {
    if (strategy === 'DAEMON') throw new InvalidParameterException('The DAEMON scheduling strategy is not supported with the FARGATE launch type.');
    if ((input.placementStrategy?.length ?? 0) > 0) throw new InvalidParameterException('Task placement strategies are not supported with the FARGATE launch type.');
    fargatePlatformVersion(input.platformVersion);
  }
  // Features that rest on services Wharf lacks are refused as in a Region without them, never dropped:
  // configured-at-launch volumes need EBS, VPC Lattice its target groups. (Service Connect: service-connect.ts.)
  refuseManagedVolumes(input.volumeConfigurations);
  if (input.vpcLatticeConfigurations?.length) throw new UnsupportedFeatureException("Amazon VPC Lattice isn't supported in this Region.");
  const controller = input.deploymentController?.type;
  checkStrategyController(controller, input.deploymentConfiguration?.strategy);
  if (controller === 'CODE_DEPLOY' && strategy === 'DAEMON') throw new InvalidParameterException('The CODE_DEPLOY deployment controller does not support the DAEMON scheduling strategy.');
  if (controller === 'EXTERNAL') {
    if (strategy === 'DAEMON') throw new InvalidParameterException('The EXTERNAL deployment controller does not support the DAEMON scheduling strategy.');
    if (input.taskDefinition !== undefined) throw new InvalidParameterException('A task definition cannot be specified for a service with the EXTERNAL deployment controller: task sets specify it.');
    if ((input.loadBalancers?.length ?? 0) > 0)
      throw new InvalidParameterException('Load balancers cannot be specified for a service with the EXTERNAL deployment controller: task sets specify them.');
  }
}

/**
 * Where a service's tasks run, from its request and its cluster: its capacity provider strategy (its own, else
 * the cluster's default when it names no launch type), Fargate's or Auto Scaling groups', or its launch type.
 */
export function serviceLaunch(
  cluster: ClusterRecord,
  input: ServiceRequest,
  strategy: ServiceRecord['schedulingStrategy'],
): Pick<ServiceRecord, 'launchType' | 'capacityProviderStrategy'> {
  const providers = launchStrategy(cluster, input);
  if (providers.length === 0) return { launchType: input.launchType === 'FARGATE' ? 'FARGATE' : 'EC2' };
  if (!isFargateStrategy(providers)) {
    // Auto Scaling group providers: their groups' container instances, as the EC2 launch type.
    checkServiceRequest({ ...input, launchType: 'EC2', capacityProviderStrategy: undefined }, strategy);
    return { launchType: 'EC2', capacityProviderStrategy: providers };
  }
  // What the FARGATE launch type refuses, its providers refuse too.
  checkServiceRequest({ ...input, launchType: 'FARGATE', capacityProviderStrategy: undefined }, strategy);
  return { launchType: 'FARGATE', capacityProviderStrategy: providers };
}

/** How a service, its deployments and revisions show where they run: a capacity provider strategy or a launch type. */
export const launchOf = (service: Pick<ServiceRecord, 'launchType' | 'capacityProviderStrategy'>) =>
  service.capacityProviderStrategy?.length ? { capacityProviderStrategy: service.capacityProviderStrategy } : { launchType: service.launchType };

/** The task definition a service runs: ACTIVE, with network settings that fit it, and able to run on its launch type. */
export function serviceDefinition(ctx: ControlContext, input: ServiceRequest, reader: Reader): TaskDefinitionRecord {
  if (!input.taskDefinition) throw new InvalidParameterException('A task definition must be specified for a service with the ECS deployment controller.');
  const definition = launchableDefinition(ctx, { taskDefinition: input.taskDefinition, networkConfiguration: input.networkConfiguration }, reader);
  if (input.launchType === 'FARGATE') checkFargateLaunch(definition);
  return definition;
}

/** What a Fargate service and its deployments show of the platform (the service keeps what it was asked, LATEST by default). */
const fargatePlatform = (service: ServiceRecord) =>
  service.launchType === 'FARGATE' ? { platformVersion: fargatePlatformVersion(service.platformVersion), platformFamily: 'Linux' } : {};

/** Removes a service's service deployments and revisions: its name is reused, or its INACTIVE record goes. */
export function forgetHistory(state: Pick<State, 'where'>, tx: Transaction, serviceArn: string): void {
  for (const d of state.where(serviceDeploymentsByService, serviceArn)) tx.delete('serviceDeployment', d.serviceDeploymentArn);
  for (const r of state.where(serviceRevisionsByService, serviceArn)) tx.delete('serviceRevision', r.serviceRevisionArn);
}

/** A service's ARN from its name or ARN, in `cluster`. */
export const serviceArnOf = (ctx: ControlContext, cluster: ClusterRecord, ref: string): string =>
  ref.startsWith('arn:') ? ref : serviceArn(ctx.partition, cluster.clusterName, ref);

/** A service of `cluster` by name or ARN, whatever its status; undefined when it has none by that name. */
export function findService(ctx: ControlContext, cluster: ClusterRecord, ref: string, reader: Reader = ctx.state): ServiceRecord | undefined {
  const record = reader.get('service', serviceArnOf(ctx, cluster, ref));
  return record?.clusterArn === cluster.clusterArn ? record : undefined;
}

/** A service of `cluster` that exists (DRAINING and INACTIVE ones too); ServiceNotFoundException otherwise. */
export function resolveService(ctx: ControlContext, cluster: ClusterRecord, ref: string, reader: Reader = ctx.state): ServiceRecord {
  const record = findService(ctx, cluster, ref, reader);
  if (!record) throw new ServiceNotFoundException('Service not found.');
  return record;
}

/** A service that UpdateService and DeleteService may change: ACTIVE. */
export function activeService(ctx: ControlContext, cluster: ClusterRecord, ref: string, reader: Reader = ctx.state): ServiceRecord {
  const record = resolveService(ctx, cluster, ref, reader);
  if (record.status !== 'ACTIVE') throw new ServiceNotActiveException('Service was not ACTIVE.');
  return record;
}

/**
 * The deployment configuration a service runs with: what is given over what it had, over ECS's defaults
 * (REPLICA: at most 200%, at least 100% healthy; DAEMON: 100% and 0%), checked as ECS checks it.
 */
export function deploymentConfiguration(
  strategy: ServiceRecord['schedulingStrategy'],
  given: DeploymentConfiguration | undefined,
  current?: ServiceRecord['deploymentConfiguration'],
): ServiceRecord['deploymentConfiguration'] {
  const defaults = strategy === 'DAEMON' ? { maximumPercent: 100, minimumHealthyPercent: 0 } : { maximumPercent: 200, minimumHealthyPercent: 100 };
  const base = current ?? { ...defaults, deploymentCircuitBreaker: { enable: false, rollback: false } };
  const definedOnly = Object.fromEntries(Object.entries(given ?? {}).filter(([, v]) => v !== undefined));
  const merged = { ...base, ...definedOnly } as ServiceRecord['deploymentConfiguration'];
  checkDeploymentStrategy(strategy, given ?? {}, merged);
  const { maximumPercent: max, minimumHealthyPercent: min } = merged;
  if (!Number.isInteger(min) || min < 0 || min > 100) throw new InvalidParameterException('minimumHealthyPercent must be between 0 and 100.');
  if (!Number.isInteger(max) || max < 100) throw new InvalidParameterException('maximumPercent must be at least 100.');
  if (min > max) throw new InvalidParameterException('minimumHealthyPercent must be less than or equal to maximumPercent.');
  return merged;
}

/** BLUE_GREEN, LINEAR and CANARY are the ECS deployment controller's: EXTERNAL and CODE_DEPLOY services deploy by task sets (Wharf's wording). */
export function checkStrategyController(controller: string | undefined, strategy: string | undefined): void {
  if (controller !== undefined && controller !== 'ECS' && isShiftingStrategy(strategy))
    throw new InvalidParameterException(`The ${strategy} deployment strategy is only supported with the ECS deployment controller.`);
}

/** What ECS refuses of the BLUE_GREEN, LINEAR and CANARY strategies (the ECS API reference's ranges). */
function checkDeploymentStrategy(scheduling: ServiceRecord['schedulingStrategy'], given: DeploymentConfiguration, merged: DeploymentConfiguration): void {
  const strategy = merged.strategy ?? 'ROLLING';
  if (isShiftingStrategy(strategy) && scheduling === 'DAEMON') throw new InvalidParameterException(`The ${strategy} deployment strategy is not supported for services with the DAEMON scheduling strategy.`);
  if (given.linearConfiguration && strategy !== 'LINEAR') throw new InvalidParameterException('linearConfiguration is only valid when the deployment strategy is LINEAR.');
  if (given.canaryConfiguration && strategy !== 'CANARY') throw new InvalidParameterException('canaryConfiguration is only valid when the deployment strategy is CANARY.');
  if (given.bakeTimeInMinutes !== undefined && !isShiftingStrategy(strategy))
    throw new InvalidParameterException('bakeTimeInMinutes is only valid with the BLUE_GREEN, LINEAR and CANARY deployment strategies.');
  if ((given.lifecycleHooks?.length ?? 0) > 0 && !isShiftingStrategy(strategy))
    throw new InvalidParameterException('lifecycleHooks are only valid with the BLUE_GREEN, LINEAR and CANARY deployment strategies.');
  if (strategy === 'BLUE_GREEN' && merged.bakeTimeInMinutes === undefined) throw new InvalidParameterException('bakeTimeInMinutes must be specified for the BLUE_GREEN deployment strategy.');
  const minutes = (name: string, value: number | undefined) => {
    if (value !== undefined && (!Number.isInteger(value) || value < 0 || value > 1440)) throw new InvalidParameterException(`${name} must be between 0 and 1440.`);
  };
  const tenths = (name: string, value: number | undefined, min: number) => {
    if (value !== undefined && (value < min || value > 100 || Math.abs(value * 10 - Math.round(value * 10)) > 1e-9))
      throw new InvalidParameterException(`${name} must be a multiple of 0.1 between ${min.toFixed(1)} and 100.0.`);
  };
  minutes('bakeTimeInMinutes', merged.bakeTimeInMinutes);
  minutes('stepBakeTimeInMinutes', merged.linearConfiguration?.stepBakeTimeInMinutes);
  minutes('canaryBakeTimeInMinutes', merged.canaryConfiguration?.canaryBakeTimeInMinutes);
  tenths('stepPercent', merged.linearConfiguration?.stepPercent, 3);
  tenths('canaryPercent', merged.canaryConfiguration?.canaryPercent, 0.1);
  for (const hook of given.lifecycleHooks ?? []) {
    // A PAUSE hook has no target: hookTargetArn and roleArn are an AWS_LAMBDA hook's.
    const lambda = (hook.targetType ?? 'AWS_LAMBDA') === 'AWS_LAMBDA';
    if (lambda && !hook.hookTargetArn) throw new InvalidParameterException('hookTargetArn must be specified for a lifecycle hook.');
    if (lambda && !hook.roleArn) throw new InvalidParameterException('roleArn must be specified for a lifecycle hook.');
    const timeout = hook.timeoutConfiguration?.timeoutInMinutes;
    if (timeout !== undefined && (!Number.isInteger(timeout) || timeout < 1 || timeout > 20160))
      throw new InvalidParameterException('timeoutInMinutes must be between 1 and 20160.');
    if (!hook.lifecycleStages?.length) throw new InvalidParameterException('lifecycleStages must be specified for a lifecycle hook.');
  }
}

/** ECS deployment ids: `ecs-svc/` and 19 digits (service revisions share the number). */
export function deploymentNumber(ctx: ControlContext): string {
  return (BigInt(`0x${ctx.ids.id()}`) % 2n ** 63n).toString().padStart(19, '0');
}

/** Service deployment ids are 20 URL-safe base64 characters. */
const serviceDeploymentId = (ctx: ControlContext) => Buffer.from(ctx.ids.id(), 'hex').toString('base64url').slice(-20);

export interface NewDeployment {
  deployment: DeploymentRecord;
  serviceDeployment: ServiceDeploymentRecord;
  serviceRevision: ServiceRevisionRecord;
}

/**
 * A new PRIMARY deployment of `service` rolling out `definition`, with the service deployment that tracks
 * it and the service revision it rolls out; the deployments it replaces are the service's current ones.
 */
export function newDeployment(ctx: ControlContext, service: ServiceRecord, definition: TaskDefinitionRecord, now: Date): NewDeployment {
  const number = deploymentNumber(ctx);
  // BLUE_GREEN, LINEAR and CANARY shift traffic from the running deployment to the new one, on the other
  // side of the load balancers (docs/deployments.md); the first deployment, with nothing to shift from, and
  // rolling ones stay on the side the service's traffic is on.
  const previous = service.deployments[0];
  const shifting = isShiftingStrategy(service.deploymentConfiguration.strategy) && previous !== undefined;
  const trafficShift = shifting ? startShift(now, service.deployments.length > 1) : undefined;
  const alternate = shifting ? !previous.alternateTargetGroups : (previous?.alternateTargetGroups ?? false);
  const id = `ecs-svc/${number}`;
  const cluster = service.clusterArn.split('/').at(-1)!;
  const revisionArn = serviceRevisionArn(ctx.partition, cluster, service.serviceName, number);
  const sdArn = serviceDeploymentArn(ctx.partition, cluster, service.serviceName, serviceDeploymentId(ctx));
  const deployment: DeploymentRecord = {
    id,
    status: 'PRIMARY',
    taskDefinition: definition.taskDefinitionArn,
    desiredCount: service.desiredCount,
    failedTasks: 0,
    createdAt: now,
    updatedAt: now,
    launchType: service.launchType,
    ...(service.capacityProviderStrategy?.length && { capacityProviderStrategy: service.capacityProviderStrategy }),
    ...fargatePlatform(service),
    rolloutState: 'IN_PROGRESS',
    rolloutStateReason: `ECS deployment ${id} in progress.`,
    ...(service.networkConfiguration && { networkConfiguration: service.networkConfiguration }),
    ...(service.serviceConnectConfiguration && { serviceConnectConfiguration: service.serviceConnectConfiguration }),
    serviceDeploymentArn: sdArn,
    serviceRevisionArn: revisionArn,
    ...(trafficShift && { trafficShift }),
    ...(alternate && { alternateTargetGroups: true }),
  };
  const alarms = service.deploymentConfiguration.alarms;
  const breaker = service.deploymentConfiguration.deploymentCircuitBreaker;
  const serviceDeployment: ServiceDeploymentRecord = {
    serviceDeploymentArn: sdArn,
    serviceArn: service.serviceArn,
    clusterArn: service.clusterArn,
    createdAt: now,
    startedAt: now,
    updatedAt: now,
    status: 'IN_PROGRESS',
    targetServiceRevision: { arn: revisionArn },
    sourceServiceRevisions: service.deployments.map((d) => ({ arn: d.serviceRevisionArn })),
    deploymentConfiguration: service.deploymentConfiguration,
    deploymentCircuitBreaker: { status: breaker?.enable ? 'MONITORING' : 'DISABLED', failureCount: 0, threshold: failureThreshold(service.desiredCount) },
    ...(alarms && { alarms: { status: alarms.enable ? 'MONITORING' : 'DISABLED', alarmNames: alarms.alarmNames ?? [], triggeredAlarmNames: [] } }),
    ...(trafficShift && { lifecycleStage: trafficShift.stage }),
    deploymentId: id,
  };
  // The target group each blue/green load balancer gives this revision's tasks, with its production rule.
  const advanced = deploymentLoadBalancers(service, deployment)
    .filter((lb) => lb.advancedConfiguration?.productionListenerRule)
    .map((lb) => ({ targetGroupArn: lb.targetGroupArn, productionListenerRule: lb.advancedConfiguration!.productionListenerRule }));
  const serviceRevision: ServiceRevisionRecord = {
    serviceRevisionArn: revisionArn,
    serviceArn: service.serviceArn,
    clusterArn: service.clusterArn,
    taskDefinition: definition.taskDefinitionArn,
    ...launchOf(service),
    ...fargatePlatform(service),
    loadBalancers: service.loadBalancers ?? [],
    ...(advanced.length > 0 && { resolvedConfiguration: { loadBalancers: advanced } }),
    serviceRegistries: service.serviceRegistries ?? [],
    ...(service.networkConfiguration && { networkConfiguration: service.networkConfiguration }),
    ...(service.serviceConnectConfiguration && { serviceConnectConfiguration: service.serviceConnectConfiguration }),
    containerImages: (definition.containerDefinitions ?? []).map((c): ContainerImage => ({ containerName: c.name, image: c.image })),
    guardDutyEnabled: false,
    createdAt: now,
    deploymentId: id,
  };
  return { deployment, serviceDeployment, serviceRevision };
}

/** Writes a new deployment: it becomes PRIMARY, the previous PRIMARY turns ACTIVE, and a service deployment still in progress is stopped. */
export function startDeployment(tx: Transaction, service: ServiceRecord, made: NewDeployment, now: Date): ServiceRecord {
  for (const d of service.deployments) stopServiceDeployment(tx, d.serviceDeploymentArn, now, 'A newer service deployment replaced it.');
  tx.put('serviceDeployment', made.serviceDeployment.serviceDeploymentArn, made.serviceDeployment);
  tx.put('serviceRevision', made.serviceRevision.serviceRevisionArn, made.serviceRevision);
  const { throttle: _, ...rest } = service;
  return {
    ...rest,
    taskDefinition: made.deployment.taskDefinition,
    deployments: [made.deployment, ...service.deployments.map((d) => ({ ...d, status: 'ACTIVE' as const, updatedAt: now }))],
    currentServiceDeployment: made.serviceDeployment.serviceDeploymentArn,
  };
}

/** A service deployment still in progress is STOPPED: replaced, or its service deleted. */
export function stopServiceDeployment(tx: Transaction, arn: string, now: Date, statusReason: string): void {
  const sd = tx.get('serviceDeployment', arn);
  if (sd && (sd.status === 'IN_PROGRESS' || sd.status === 'PENDING')) {
    tx.put('serviceDeployment', arn, { ...sd, status: 'STOPPED', statusReason, stoppedAt: now, updatedAt: now });
  }
}

/** The service's tasks, by the deployment that started them. */
/** A service's running and pending tasks, or those of one of its deployments or task sets (`startedBy`). */
export function serviceTaskCounts(state: Pick<State, 'size'>, serviceArn: string, startedBy?: string): { running: number; pending: number } {
  const key = startedBy === undefined ? serviceArn : `${serviceArn} ${startedBy}`;
  const index = startedBy === undefined ? countedTasksByService : countedTasksByDeployment;
  return { running: state.size(index, `${key} running`), pending: state.size(index, `${key} pending`) };
}

/** A service as DescribeServices shows it; `withTags` adds its tags (include TAGS). */
export function describeService(state: Pick<State, 'size'>, record: ServiceRecord, withTags = false): Service {
  const { running, pending } = serviceTaskCounts(state, record.serviceArn);
  const deployments = record.deployments.map((d): Deployment => {
    const counts = serviceTaskCounts(state, record.serviceArn, d.id);
    return Object.assign(launchShown(d), { runningCount: counts.running, pendingCount: counts.pending });
  });
  return Object.assign(launchShown(record), {
    loadBalancers: record.loadBalancers ?? [],
    serviceRegistries: record.serviceRegistries ?? [],
    runningCount: running,
    pendingCount: pending,
    deployments,
    currentServiceRevisions: record.deployments.map((d) => {
      const counts = serviceTaskCounts(state, record.serviceArn, d.id);
      return { arn: d.serviceRevisionArn, requestedTaskCount: d.desiredCount, runningTaskCount: counts.running, pendingTaskCount: counts.pending };
    }),
    ...(record.taskSets && { taskSets: record.taskSets.map((ts) => describeTaskSet(state, ts)) }),
    tags: withTags ? record.tags : undefined,
  });
}

/**
 * A copy of a service or deployment that shows where its tasks run as ECS does (launchOf). One clone, then
 * in-place changes: merging several spreads into one literal costs V8 several microseconds a record, which
 * DescribeServices of 10 paid many times over.
 */
function launchShown<T extends Pick<ServiceRecord, 'launchType' | 'capacityProviderStrategy'>>(record: T): Omit<T, 'launchType' | 'capacityProviderStrategy'> & ReturnType<typeof launchOf> {
  const copy: Partial<T> = { ...record };
  delete copy.launchType;
  delete copy.capacityProviderStrategy;
  return Object.assign(copy as Omit<T, 'launchType' | 'capacityProviderStrategy'>, launchOf(record));
}

/** A revision's tasks as a service deployment summarizes them. */
function revisionSummary(state: Pick<State, 'size' | 'get'>, service: ServiceRecord | undefined, revisionArn: string): ServiceRevisionSummary {
  const revision = state.get('serviceRevision', revisionArn);
  const deployment = service?.deployments.find((d) => d.serviceRevisionArn === revisionArn);
  const counts = revision && service ? serviceTaskCounts(state, service.serviceArn, revision.deploymentId) : { running: 0, pending: 0 };
  return { arn: revisionArn, requestedTaskCount: deployment?.desiredCount ?? 0, runningTaskCount: counts.running, pendingTaskCount: counts.pending };
}

/** A service deployment as DescribeServiceDeployments shows it: its target and source revisions with their tasks now. */
export function describeServiceDeployment(state: Pick<State, 'size' | 'get'>, record: ServiceDeploymentRecord): ServiceDeployment {
  const service = state.get('service', record.serviceArn);
  const deployment = service?.deployments.find((d) => d.id === record.deploymentId);
  const sources = record.sourceServiceRevisions ?? [];
  const green = greenTraffic(record, deployment);
  const weights = (percent: { production: number; test: number }) => ({ requestedProductionTrafficWeight: percent.production, requestedTestTrafficWeight: percent.test });
  return {
    ...record,
    // While its deployment is being watched, the circuit breaker's count is the deployment's own.
    ...(deployment && record.deploymentCircuitBreaker && { deploymentCircuitBreaker: { ...record.deploymentCircuitBreaker, failureCount: deployment.failedTasks } }),
    targetServiceRevision: { ...revisionSummary(state, service, record.targetServiceRevision!.arn!), ...(green && weights(green)) },
    // Blue has the rest when there is one blue (a deployment started over an unfinished one has several sources).
    sourceServiceRevisions: sources.map((s) => ({
      ...revisionSummary(state, service, s.arn!),
      ...(green && sources.length === 1 && weights({ production: 100 - green.production, test: 100 - green.test })),
    })),
  };
}

/**
 * The shares of production and test traffic a traffic-shifting service deployment (one with a lifecycle
 * stage) asks for its target revision: the shift's while in progress, all once successful, none once
 * rolled back; undefined for other deployments, and for a stopped one (nothing asked any more).
 */
function greenTraffic(record: ServiceDeploymentRecord, deployment: DeploymentRecord | undefined): { production: number; test: number } | undefined {
  if (!record.lifecycleStage) return undefined;
  if (record.status === 'SUCCESSFUL') return { production: 100, test: 100 };
  if (record.status.startsWith('ROLLBACK_')) return { production: 0, test: 0 };
  const shift = deployment?.rolloutState === 'IN_PROGRESS' ? deployment.trafficShift : undefined;
  return shift && { production: shift.productionPercent, test: testsGreen(shift) ? 100 : 0 };
}
