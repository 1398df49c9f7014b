import type { CreateServiceRequest, CreateServiceResponse } from '@aws-sdk/client-ecs';
import { serviceArn } from '../../core/arn.js';
import type { CallContext } from '../../core/caller.js';
import type { ServiceRecord } from '../../core/ecs.js';
import { InvalidParameterException } from '../../core/ecs-errors.js';
import { validatePlacement } from '../../scheduler/placement.js';
import { checkServiceLoadBalancers } from '../elbv2/service-targets.js';
import type { ControlContext } from '../context.js';
import { checkServiceRegistries } from '../servicediscovery/ecs-registrations.js';
import { checkServiceConnect } from './service-connect.js';
import { resolveCluster } from './lookups.js';
import {
  checkServiceRequest,
  deploymentConfiguration,
  describeService,
  forgetHistory,
  newDeployment,
  serviceDefinition,
  serviceLaunch,
  validateServiceName,
} from './services.js';
import { validateTags } from './tagging.js';
import { newTaskSet } from './task-sets.js';

/**
 * Creates a service and its first deployment; the service scheduler then starts its tasks. A name may be
 * reused once its service is INACTIVE; the same request again with the same clientToken answers with the
 * service it created.
 */
export async function createService(ctx: ControlContext, input: CreateServiceRequest, call: CallContext): Promise<CreateServiceResponse> {
  const serviceName = input.serviceName!;
  validateServiceName(serviceName);
  const schedulingStrategy = input.schedulingStrategy ?? 'REPLICA';
  checkServiceRequest(input, schedulingStrategy);
  if (schedulingStrategy === 'REPLICA' && input.desiredCount === undefined) {
    throw new InvalidParameterException('The desired count must be specified for a service with the REPLICA scheduling strategy.');
  }
  const tags = input.tags ?? [];
  validateTags(tags);
  const config = deploymentConfiguration(schedulingStrategy, input.deploymentConfiguration);
  const { clientToken } = input;
  // What a retry with the same clientToken must repeat (only then worth its serialising).
  const fingerprint = clientToken === undefined ? undefined : JSON.stringify({ ...input, clientToken: undefined });

  const record = await ctx.state.mutate((tx) => {
    const cluster = resolveCluster(ctx, input.cluster, tx);
    const arn = serviceArn(ctx.partition, cluster.clusterName, serviceName);
    const existing = tx.get('service', arn);
    if (existing?.status === 'ACTIVE') {
      if (clientToken !== undefined && existing.clientToken === clientToken && existing.clientRequest === fingerprint) return existing;
      throw new InvalidParameterException('Creation of service was not idempotent.');
    }
    if (existing?.status === 'DRAINING') throw new InvalidParameterException('Unable to Start a service that is still Draining.');
    const launch = serviceLaunch(cluster, input, schedulingStrategy);
    // EXTERNAL: the task sets bring the task definition and load balancers (task-sets.ts).
    const external = input.deploymentController?.type === 'EXTERNAL';
    const codeDeploy = input.deploymentController?.type === 'CODE_DEPLOY';
    const definition = external ? undefined : serviceDefinition(ctx, { ...input, launchType: launch.launchType }, tx);
    if (definition) {
      validatePlacement({ taskDefinition: definition }, input.placementConstraints, input.placementStrategy);
      checkServiceLoadBalancers(ctx.state, input.loadBalancers ?? [], definition);
      checkServiceRegistries(ctx.state, input.serviceRegistries ?? [], definition);
    }
    const serviceConnect = definition && checkServiceConnect(ctx, input.serviceConnectConfiguration, cluster, definition);
    // A name reused after its service went INACTIVE starts a new history.
    if (existing) forgetHistory(ctx.state, tx, arn);

    const now = ctx.clock.now();
    const base: ServiceRecord = {
      serviceArn: arn,
      serviceName,
      clusterArn: cluster.clusterArn,
      status: 'ACTIVE',
      desiredCount: schedulingStrategy === 'DAEMON' ? 0 : input.desiredCount!,
      taskDefinition: definition?.taskDefinitionArn ?? '',
      ...launch,
      ...(launch.launchType === 'FARGATE' && { platformVersion: input.platformVersion ?? 'LATEST', platformFamily: 'Linux' }),
      schedulingStrategy,
      deploymentConfiguration: config,
      deployments: [],
      events: [],
      createdAt: now,
      createdBy: call.caller.arn,
      loadBalancers: input.loadBalancers ?? [],
      serviceRegistries: input.serviceRegistries ?? [],
      placementConstraints: input.placementConstraints ?? [],
      placementStrategy: input.placementStrategy ?? [],
      ...(input.networkConfiguration && { networkConfiguration: input.networkConfiguration }),
      ...(input.healthCheckGracePeriodSeconds !== undefined && { healthCheckGracePeriodSeconds: input.healthCheckGracePeriodSeconds }),
      ...(input.role !== undefined && { roleArn: input.role }),
      ...(serviceConnect && { serviceConnectConfiguration: serviceConnect }),
      deploymentController: { type: external ? 'EXTERNAL' : codeDeploy ? 'CODE_DEPLOY' : 'ECS' },
      ...(external && { taskSets: [] }),
      enableECSManagedTags: input.enableECSManagedTags ?? false,
      propagateTags: input.propagateTags ?? 'NONE',
      enableExecuteCommand: input.enableExecuteCommand ?? false,
      availabilityZoneRebalancing: input.availabilityZoneRebalancing ?? 'DISABLED',
      tags,
      version: 1,
      ...(clientToken !== undefined && { clientToken, clientRequest: fingerprint }),
    };
    if (!definition) return tx.put('service', arn, base);
    // CODE_DEPLOY: ECS runs the service's first revision as its PRIMARY task set; AWS CodeDeploy (not served
    // by Wharf) would deploy the next ones in task sets of its own.
    if (codeDeploy) {
      const initial = newTaskSet(ctx, base, { ...input, ...launch, taskDefinition: definition.taskDefinitionArn, scale: { value: 100, unit: 'PERCENT' }, tags: [] }, 'PRIMARY', now);
      return tx.put('service', arn, { ...base, taskSets: [initial] });
    }
    const made = newDeployment(ctx, base, definition, now);
    const service: ServiceRecord = { ...base, deployments: [made.deployment], currentServiceDeployment: made.serviceDeployment.serviceDeploymentArn };
    tx.put('serviceDeployment', made.serviceDeployment.serviceDeploymentArn, made.serviceDeployment);
    tx.put('serviceRevision', made.serviceRevision.serviceRevisionArn, made.serviceRevision);
    return tx.put('service', arn, service);
  });
  ctx.log.info('service created', { serviceArn: record.serviceArn, taskDefinition: record.taskDefinition, desiredCount: record.desiredCount });
  return { service: describeService(ctx.state, record) };
}
