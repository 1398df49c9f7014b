import type { UpdateServiceRequest, UpdateServiceResponse } from '@aws-sdk/client-ecs';
import type { ServiceRecord, TaskDefinitionRecord } from '../../core/ecs.js';
import { InvalidParameterException } from '../../core/ecs-errors.js';
import { validatePlacement } from '../../scheduler/placement.js';
import { checkServiceLoadBalancers } from '../elbv2/service-targets.js';
import type { ControlContext } from '../context.js';
import { checkServiceRegistries } from '../servicediscovery/ecs-registrations.js';
import { checkServiceConnect } from './service-connect.js';
import { resolveCluster } from './lookups.js';
import { activeService, checkServiceRequest, checkStrategyController, deploymentConfiguration, describeService, newDeployment, serviceDefinition, serviceLaunch, startDeployment } from './services.js';

/**
 * Changes a service. A new task definition, a new network or Service Connect configuration or `forceNewDeployment` starts a
 * new PRIMARY deployment (the previous one turns ACTIVE and drains); a new desired count changes the
 * PRIMARY's; placement, health check grace period and tag settings apply to the tasks started from then on.
 */
export async function updateService(ctx: ControlContext, input: UpdateServiceRequest): Promise<UpdateServiceResponse> {
  const { record, deployed } = await ctx.state.mutate((tx) => {
    const cluster = resolveCluster(ctx, input.cluster, tx);
    const service = activeService(ctx, cluster, input.service!, tx);
    if (service.deploymentController?.type === 'EXTERNAL') return { record: tx.put('service', service.serviceArn, updateExternal(service, input)), deployed: false };
    if (service.deploymentController?.type === 'CODE_DEPLOY') return { record: tx.put('service', service.serviceArn, updateCodeDeploy(service, input, tx.get('taskDefinition', service.taskDefinition))), deployed: false };
    // A new capacity provider strategy applies to the tasks started from then on (no new deployment, as ECS); an
    // empty one returns the service to its launch type. Its task definition must run where its tasks go.
    const launch =
      input.capacityProviderStrategy === undefined
        ? { launchType: service.launchType, capacityProviderStrategy: service.capacityProviderStrategy }
        : input.capacityProviderStrategy.length === 0
          ? { launchType: service.launchType, capacityProviderStrategy: undefined }
          : serviceLaunch(cluster, input, service.schedulingStrategy);
    checkServiceRequest({ ...input, launchType: launch.launchType, capacityProviderStrategy: undefined }, service.schedulingStrategy);
    const config = deploymentConfiguration(service.schedulingStrategy, input.deploymentConfiguration, service.deploymentConfiguration);
    const definition = serviceDefinition(
      ctx,
      { ...input, launchType: launch.launchType, taskDefinition: input.taskDefinition ?? service.taskDefinition, networkConfiguration: input.networkConfiguration ?? service.networkConfiguration },
      tx,
    );
    validatePlacement({ taskDefinition: definition }, input.placementConstraints ?? service.placementConstraints, input.placementStrategy ?? service.placementStrategy);
    checkServiceLoadBalancers(ctx.state, input.loadBalancers ?? service.loadBalancers ?? [], definition);
    checkServiceRegistries(ctx.state, input.serviceRegistries ?? service.serviceRegistries ?? [], definition);
    const serviceConnect = checkServiceConnect(ctx, input.serviceConnectConfiguration ?? service.serviceConnectConfiguration, cluster, definition);
    const desiredCount = input.desiredCount ?? service.desiredCount;

    // One clone, then assignments: spreads merged into one literal cost V8 microseconds a record.
    let next: ServiceRecord = Object.assign({ ...service }, {
      launchType: launch.launchType,
      capacityProviderStrategy: launch.capacityProviderStrategy,
      desiredCount,
      deploymentConfiguration: config,
      deployments: service.deployments.map((d) => (d.status === 'PRIMARY' && service.schedulingStrategy === 'REPLICA' ? { ...d, desiredCount } : d)),
      version: service.version + 1,
    }, definedOnly({
      placementConstraints: input.placementConstraints,
      placementStrategy: input.placementStrategy,
      networkConfiguration: input.networkConfiguration,
      healthCheckGracePeriodSeconds: input.healthCheckGracePeriodSeconds,
      propagateTags: input.propagateTags,
      enableECSManagedTags: input.enableECSManagedTags,
      enableExecuteCommand: input.enableExecuteCommand,
      loadBalancers: input.loadBalancers,
      serviceRegistries: input.serviceRegistries,
      availabilityZoneRebalancing: input.availabilityZoneRebalancing,
      serviceConnectConfiguration: input.serviceConnectConfiguration && serviceConnect,
      platformVersion: launch.launchType === 'FARGATE' ? input.platformVersion : undefined,
    }));
    const redeploy =
      input.forceNewDeployment === true ||
      definition.taskDefinitionArn !== service.taskDefinition ||
      changed(input.networkConfiguration, service.networkConfiguration) ||
      changed(input.serviceConnectConfiguration, service.serviceConnectConfiguration);
    if (redeploy) {
      const now = ctx.clock.now();
      next = startDeployment(tx, next, newDeployment(ctx, next, definition, now), now);
    }
    return { record: tx.put('service', service.serviceArn, next), deployed: redeploy };
  });
  ctx.log.info('service updated', { serviceArn: record.serviceArn, desiredCount: record.desiredCount, ...(deployed && { deploymentId: record.deployments[0]!.id }) });
  return { service: describeService(ctx.state, record) };
}

/** A member given and different from what the service has: ECS rolls it out in a new deployment. */
const changed = (given: object | undefined, current: object | undefined) => given !== undefined && JSON.stringify(given) !== JSON.stringify(current);

function definedOnly<T extends object>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** What UpdateService cannot change on a service whose task sets hold it (EXTERNAL, CODE_DEPLOY). */
const ON_TASK_SETS = ['taskDefinition', 'loadBalancers', 'networkConfiguration', 'serviceRegistries', 'capacityProviderStrategy', 'platformVersion'] as const;

/**
 * A service with the EXTERNAL deployment controller changes only what is its own (desired count, grace
 * period, tags settings, execute command): its task sets hold the rest (task-sets.ts).
 */
function updateExternal(service: ServiceRecord, input: UpdateServiceRequest): ServiceRecord {
  const onTaskSets = ON_TASK_SETS.filter((k) => input[k] !== undefined);
  if (onTaskSets.length > 0 || input.forceNewDeployment)
    throw new InvalidParameterException(`${onTaskSets[0] ?? 'forceNewDeployment'} cannot be updated for a service with the EXTERNAL deployment controller: update its task sets.`);
  return ownSettings(service, input);
}

/** What ECS names in its refusal of each change a CODE_DEPLOY service takes from AWS CodeDeploy only. */
const CODE_DEPLOY_CHANGES: Record<(typeof ON_TASK_SETS)[number] | 'forceNewDeployment', string> = {
  taskDefinition: 'update task definition',
  loadBalancers: 'update load balancers',
  networkConfiguration: 'update network parameters',
  serviceRegistries: 'update service registries',
  capacityProviderStrategy: 'update capacity provider strategy',
  platformVersion: 'update platform version',
  forceNewDeployment: 'force a new deployment',
};

/**
 * A service with the CODE_DEPLOY deployment controller: UpdateService changes its desired count, deployment
 * configuration, grace period, placement and tag settings; a new revision is AWS CodeDeploy's to deploy
 * (ECS's message for the task definition; Wharf's, in the same words, for the rest).
 */
function updateCodeDeploy(service: ServiceRecord, input: UpdateServiceRequest, definition: TaskDefinitionRecord | undefined): ServiceRecord {
  const change = ([...ON_TASK_SETS, 'forceNewDeployment'] as const).find((k) => (k === 'forceNewDeployment' ? input.forceNewDeployment : input[k] !== undefined));
  if (change) throw new InvalidParameterException(`Unable to ${CODE_DEPLOY_CHANGES[change]} on services with a CODE_DEPLOY deployment controller. Use AWS CodeDeploy to trigger a new deployment.`);
  const config = deploymentConfiguration(service.schedulingStrategy, input.deploymentConfiguration, service.deploymentConfiguration);
  checkStrategyController('CODE_DEPLOY', config.strategy);
  if (definition) validatePlacement({ taskDefinition: definition }, input.placementConstraints ?? service.placementConstraints, input.placementStrategy ?? service.placementStrategy);
  return { ...ownSettings(service, input), deploymentConfiguration: config, ...definedOnly({ placementConstraints: input.placementConstraints, placementStrategy: input.placementStrategy }) };
}

/** The settings a service whose task sets hold its revisions keeps for itself. */
function ownSettings(service: ServiceRecord, input: UpdateServiceRequest): ServiceRecord {
  if (input.desiredCount !== undefined && input.desiredCount < 0) throw new InvalidParameterException('The desired count cannot be less than 0.');
  return {
    ...service,
    version: service.version + 1,
    ...definedOnly({
      desiredCount: input.desiredCount,
      healthCheckGracePeriodSeconds: input.healthCheckGracePeriodSeconds,
      propagateTags: input.propagateTags,
      enableECSManagedTags: input.enableECSManagedTags,
      enableExecuteCommand: input.enableExecuteCommand,
    }),
  };
}
