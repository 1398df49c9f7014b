// The ECS operations whose feature rests on a service Wharf does not have (Auto Scaling groups, ECS
// Managed Instances, Express gateways' managed load balancers, SSM
// sessions), answered as ECS answers an account where the feature is off: parents are
// resolved first (a missing cluster is ClusterNotFoundException, a missing service ServiceNotFoundException,
// as for every other operation); reads answer that nothing of the feature exists; creating answers
// UnsupportedFeatureException ("isn't supported in this Region"), or the operation's own refusal where its
// model has no such error. Gathered in one file because none of them does anything of its own: each
// operation that comes to work moves to a file of its own.
import type {
  CreateDaemonRequest,
  CreateExpressGatewayServiceRequest,
  DeleteDaemonRequest,
  DeleteDaemonTaskDefinitionRequest,
  DeleteExpressGatewayServiceRequest,
  DescribeDaemonDeploymentsRequest,
  DescribeDaemonRequest,
  DescribeDaemonRevisionsRequest,
  DescribeDaemonTaskDefinitionRequest,
  DescribeExpressGatewayServiceRequest,
  ExecuteCommandRequest,
  ListDaemonDeploymentsRequest,
  ListDaemonsRequest,
  ListDaemonTaskDefinitionsRequest,
  RegisterDaemonTaskDefinitionRequest,
  SubmitAttachmentStateChangesRequest,
  UpdateContainerAgentRequest,
  UpdateDaemonRequest,
  UpdateExpressGatewayServiceRequest,
} from '@aws-sdk/client-ecs';
import { ResourceNotFoundException } from '../../core/errors.js';
import {
  ClientException,
  DaemonNotFoundException,
  InvalidParameterException,
  NoUpdateAvailableException,
  ServiceNotFoundException,
  UnsupportedFeatureException,
} from '../../core/ecs-errors.js';
import type { ControlContext } from '../context.js';
import { findContainerInstance, resolveCluster, resolveTask } from './lookups.js';

const notInRegion = (feature: string) => new UnsupportedFeatureException(`${feature} isn't supported in this Region.`);

/** Fargate's providers are ECS's own: they cannot be changed; no other provider exists. */
/** A daemon is found by its ARN, which names its cluster: a missing cluster is reported first. */
function missingDaemon(ctx: ControlContext, daemonArn: string | undefined): never {
  const cluster = /:daemon\/([^/]+)\//.exec(daemonArn ?? '')?.[1];
  if (cluster) resolveCluster(ctx, cluster);
  throw new DaemonNotFoundException('Daemon not found.');
}

/** The answers, by operation; each takes its request as the model validated it. */
export const featureOffAnswers: Record<string, (ctx: ControlContext, input: never) => Promise<unknown>> = {
  // Daemons run on ECS Managed Instances only.
  CreateDaemon: async (ctx, input: CreateDaemonRequest) => {
    resolveCluster(ctx, input.clusterArn);
    throw notInRegion('Amazon ECS Managed Instances');
  },
  UpdateDaemon: async (ctx, input: UpdateDaemonRequest) => missingDaemon(ctx, input.daemonArn),
  DeleteDaemon: async (ctx, input: DeleteDaemonRequest) => missingDaemon(ctx, input.daemonArn),
  DescribeDaemon: async (ctx, input: DescribeDaemonRequest) => missingDaemon(ctx, input.daemonArn),
  ListDaemons: async (ctx, input: ListDaemonsRequest) => {
    if (input.clusterArn !== undefined) resolveCluster(ctx, input.clusterArn);
    return { daemonSummariesList: [] };
  },
  ListDaemonDeployments: async (ctx, input: ListDaemonDeploymentsRequest) => missingDaemon(ctx, input.daemonArn),
  DescribeDaemonDeployments: async (_ctx, input: DescribeDaemonDeploymentsRequest) => ({
    daemonDeployments: [],
    failures: (input.daemonDeploymentArns ?? []).map((arn) => ({ arn, reason: 'MISSING' })),
  }),
  DescribeDaemonRevisions: async (_ctx, input: DescribeDaemonRevisionsRequest) => ({
    daemonRevisions: [],
    failures: (input.daemonRevisionArns ?? []).map((arn) => ({ arn, reason: 'MISSING' })),
  }),
  RegisterDaemonTaskDefinition: async (_ctx, _input: RegisterDaemonTaskDefinitionRequest) => {
    throw new ClientException('Daemon task definitions are not supported in this Region.');
  },
  ListDaemonTaskDefinitions: async (_ctx, _input: ListDaemonTaskDefinitionsRequest) => ({ daemonTaskDefinitions: [] }),
  DescribeDaemonTaskDefinition: async (_ctx, _input: DescribeDaemonTaskDefinitionRequest) => {
    throw new ClientException('Unable to describe task definition.');
  },
  DeleteDaemonTaskDefinition: async (_ctx, _input: DeleteDaemonTaskDefinitionRequest) => {
    throw new ClientException('Unable to describe task definition.');
  },

  // Express gateway services come with a load balancer and scaling ECS manages: none can exist here.
  CreateExpressGatewayService: async (ctx, input: CreateExpressGatewayServiceRequest) => {
    if (input.cluster !== undefined) resolveCluster(ctx, input.cluster);
    throw notInRegion('Amazon ECS Express Mode');
  },
  DescribeExpressGatewayService: async (_ctx, _input: DescribeExpressGatewayServiceRequest) => {
    throw new ResourceNotFoundException('The specified Express gateway service does not exist.');
  },
  UpdateExpressGatewayService: async (_ctx, _input: UpdateExpressGatewayServiceRequest) => {
    throw new ServiceNotFoundException('Service not found.');
  },
  DeleteExpressGatewayService: async (_ctx, _input: DeleteExpressGatewayServiceRequest) => {
    throw new ServiceNotFoundException('Service not found.');
  },

  // ECS Exec opens an SSM session to the managed agent in the task; no such agent runs here.
  ExecuteCommand: async (ctx, input: ExecuteCommandRequest) => {
    resolveTask(ctx, resolveCluster(ctx, input.cluster), input.task ?? '');
    throw new InvalidParameterException(
      "The execute command failed because execute command was not enabled when the task was run or the execute command agent isn't running. Wait and try again or run a new task with execute command enabled and try again.",
    );
  },

  // Wharf's agent is the one this control plane ships with: there is never a newer one to update to.
  UpdateContainerAgent: async (ctx, input: UpdateContainerAgentRequest) => {
    const cluster = resolveCluster(ctx, input.cluster);
    if (!findContainerInstance(ctx, cluster, input.containerInstance ?? '')) throw new InvalidParameterException('Container instance not found.');
    throw new NoUpdateAvailableException('There is no update available for your container agent.');
  },

  // Attachments (ENIs) are reported through the agent channel here; a report through the API is acknowledged.
  SubmitAttachmentStateChanges: async (ctx, input: SubmitAttachmentStateChangesRequest) => {
    resolveCluster(ctx, input.cluster);
    return { acknowledgment: 'ACK' };
  },
};
