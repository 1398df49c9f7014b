// ECS on the gateway: each operation of models/ecs.json bound to its control-plane function.
import { describeTasks } from '../control/ecs/describe-tasks.js';
import { discoverPollEndpoint } from '../control/ecs/discover-poll-endpoint.js';
import { listTasks } from '../control/ecs/list-tasks.js';
import { runTask } from '../control/ecs/run-task.js';
import { startTask } from '../control/ecs/start-task.js';
import { stopTask } from '../control/ecs/stop-task.js';
import { submitContainerStateChange } from '../control/ecs/submit-container-state-change.js';
import { submitTaskStateChange } from '../control/ecs/submit-task-state-change.js';
import { createCluster } from '../control/ecs/create-cluster.js';
import { describeClusters } from '../control/ecs/describe-clusters.js';
import { listClusters } from '../control/ecs/list-clusters.js';
import { deleteCluster } from '../control/ecs/delete-cluster.js';
import { updateCluster } from '../control/ecs/update-cluster.js';
import { updateClusterSettings } from '../control/ecs/update-cluster-settings.js';
import { putClusterCapacityProviders } from '../control/ecs/put-cluster-capacity-providers.js';
import { registerTaskDefinition } from '../control/ecs/register-task-definition.js';
import { describeTaskDefinition } from '../control/ecs/describe-task-definition.js';
import { listTaskDefinitions } from '../control/ecs/list-task-definitions.js';
import { listTaskDefinitionFamilies } from '../control/ecs/list-task-definition-families.js';
import { deregisterTaskDefinition } from '../control/ecs/deregister-task-definition.js';
import { deleteTaskDefinitions } from '../control/ecs/delete-task-definitions.js';
import { tagResource } from '../control/ecs/tag-resource.js';
import { untagResource } from '../control/ecs/untag-resource.js';
import { listTagsForResource } from '../control/ecs/list-tags-for-resource.js';
import { registerContainerInstance } from '../control/ecs/register-container-instance.js';
import { deregisterContainerInstance } from '../control/ecs/deregister-container-instance.js';
import { describeContainerInstances } from '../control/ecs/describe-container-instances.js';
import { listContainerInstances } from '../control/ecs/list-container-instances.js';
import { updateContainerInstancesState } from '../control/ecs/update-container-instances-state.js';
import { putAttributes } from '../control/ecs/put-attributes.js';
import { deleteAttributes } from '../control/ecs/delete-attributes.js';
import { listAttributes } from '../control/ecs/list-attributes.js';
import { listAccountSettings } from '../control/ecs/list-account-settings.js';
import { putAccountSetting } from '../control/ecs/put-account-setting.js';
import { putAccountSettingDefault } from '../control/ecs/put-account-setting-default.js';
import { deleteAccountSetting } from '../control/ecs/delete-account-setting.js';
import { createService } from '../control/ecs/create-service.js';
import { updateService } from '../control/ecs/update-service.js';
import { deleteService } from '../control/ecs/delete-service.js';
import { describeServices } from '../control/ecs/describe-services.js';
import { listServices } from '../control/ecs/list-services.js';
import { listServicesByNamespace } from '../control/ecs/list-services-by-namespace.js';
import { describeServiceDeployments } from '../control/ecs/describe-service-deployments.js';
import { listServiceDeployments } from '../control/ecs/list-service-deployments.js';
import { describeServiceRevisions } from '../control/ecs/describe-service-revisions.js';
import { getTaskProtection } from '../control/ecs/get-task-protection.js';
import { updateTaskProtection } from '../control/ecs/update-task-protection.js';
import { describeCapacityProviders } from '../control/ecs/describe-capacity-providers.js';
import { createCapacityProvider, deleteCapacityProvider, updateCapacityProvider } from '../control/ecs/capacity-providers.js';
import { runManagedScaling } from '../control/ecs/managed-scaling.js';
import { stopServiceDeployment } from '../control/ecs/stop-service-deployment.js';
import { continueServiceDeployment } from '../control/ecs/continue-service-deployment.js';
import { featureOffAnswers } from '../control/ecs/features-off.js';
import { loadModel } from '../protocol/model.js';
import type { ServiceModule } from './module.js';
import { clusterArn } from '../core/arn.js';
import { runRetention } from '../control/ecs/retention.js';
import { runServiceController } from '../control/ecs/service-controller.js';
import { recordTaskEvents } from '../control/ecs/task-events.js';
import { runSpotInterruptions } from '../control/ecs/spot-interruptions.js';
import { runTaskSettlement } from '../control/ecs/task-settlement.js';
import { createTaskSet, deleteTaskSet, describeTaskSets, updateServicePrimaryTaskSet, updateTaskSet } from '../control/ecs/task-sets.js';
import { ecsRules } from '../control/ecs/authorization.js';

export const ecs: ServiceModule = {
  binding: (ctx) => ({
    model: loadModel('ecs'),
    handlers: {
      RunTask: (input) => runTask(ctx, input),
      StartTask: (input) => startTask(ctx, input),
      StopTask: (input) => stopTask(ctx, input),
      DescribeTasks: (input) => describeTasks(ctx, input),
      ListTasks: (input) => listTasks(ctx, input),
      DiscoverPollEndpoint: (input) => discoverPollEndpoint(ctx, input),
      SubmitTaskStateChange: (input, call) => submitTaskStateChange(ctx, input, call),
      SubmitContainerStateChange: (input, call) => submitContainerStateChange(ctx, input, call),
      CreateCluster: (input, call) => createCluster(ctx, input, call),
      DescribeClusters: (input) => describeClusters(ctx, input),
      ListClusters: (input) => listClusters(ctx, input),
      DeleteCluster: (input) => deleteCluster(ctx, input),
      UpdateCluster: (input) => updateCluster(ctx, input),
      UpdateClusterSettings: (input) => updateClusterSettings(ctx, input),
      PutClusterCapacityProviders: (input) => putClusterCapacityProviders(ctx, input),
      RegisterTaskDefinition: (input, call) => registerTaskDefinition(ctx, input, call),
      DescribeTaskDefinition: (input) => describeTaskDefinition(ctx, input),
      ListTaskDefinitions: (input) => listTaskDefinitions(ctx, input),
      ListTaskDefinitionFamilies: (input) => listTaskDefinitionFamilies(ctx, input),
      DeregisterTaskDefinition: (input) => deregisterTaskDefinition(ctx, input),
      DeleteTaskDefinitions: (input) => deleteTaskDefinitions(ctx, input),
      TagResource: (input) => tagResource(ctx, input),
      UntagResource: (input) => untagResource(ctx, input),
      ListTagsForResource: (input) => listTagsForResource(ctx, input),
      RegisterContainerInstance: (input, call) => registerContainerInstance(ctx, input, call),
      DeregisterContainerInstance: (input) => deregisterContainerInstance(ctx, input),
      DescribeContainerInstances: (input) => describeContainerInstances(ctx, input),
      ListContainerInstances: (input) => listContainerInstances(ctx, input),
      UpdateContainerInstancesState: (input) => updateContainerInstancesState(ctx, input),
      PutAttributes: (input) => putAttributes(ctx, input),
      DeleteAttributes: (input) => deleteAttributes(ctx, input),
      ListAttributes: (input) => listAttributes(ctx, input),
      ListAccountSettings: (input, call) => listAccountSettings(ctx, input, call),
      PutAccountSetting: (input, call) => putAccountSetting(ctx, input, call),
      PutAccountSettingDefault: (input) => putAccountSettingDefault(ctx, input),
      DeleteAccountSetting: (input, call) => deleteAccountSetting(ctx, input, call),
      CreateService: (input, call) => createService(ctx, input, call),
      UpdateService: (input) => updateService(ctx, input),
      DeleteService: (input) => deleteService(ctx, input),
      DescribeServices: (input) => describeServices(ctx, input),
      ListServices: (input) => listServices(ctx, input),
      ListServicesByNamespace: (input) => listServicesByNamespace(ctx, input),
      DescribeServiceDeployments: (input) => describeServiceDeployments(ctx, input),
      ListServiceDeployments: (input) => listServiceDeployments(ctx, input),
      DescribeServiceRevisions: (input) => describeServiceRevisions(ctx, input),
      GetTaskProtection: (input) => getTaskProtection(ctx, input),
      UpdateTaskProtection: (input) => updateTaskProtection(ctx, input),
      DescribeCapacityProviders: (input) => describeCapacityProviders(ctx, input),
      CreateCapacityProvider: (input) => createCapacityProvider(ctx, input),
      UpdateCapacityProvider: (input) => updateCapacityProvider(ctx, input),
      DeleteCapacityProvider: (input) => deleteCapacityProvider(ctx, input),
      StopServiceDeployment: (input) => stopServiceDeployment(ctx, input),
      ContinueServiceDeployment: (input) => continueServiceDeployment(ctx, input),
      CreateTaskSet: (input) => createTaskSet(ctx, input),
      UpdateTaskSet: (input) => updateTaskSet(ctx, input),
      DeleteTaskSet: (input) => deleteTaskSet(ctx, input),
      UpdateServicePrimaryTaskSet: (input) => updateServicePrimaryTaskSet(ctx, input),
      DescribeTaskSets: (input) => describeTaskSets(ctx, input),
      ...Object.fromEntries(Object.entries(featureOffAnswers).map(([operation, answer]) => [operation, (input: never) => answer(ctx, input)])),
    },
  }),
  authorization: ecsRules,
  controllers: (ctx, signal) => {
    // Task state change events, kept for EventBridge's delivery (control/events) to read.
    recordTaskEvents(ctx, signal);
    const spot = ctx.spotInterruptionsPerHour ? [runSpotInterruptions(ctx, signal, ctx.spotInterruptionsPerHour)] : [];
    return [runRetention(ctx, signal), runServiceController(ctx, signal), runTaskSettlement(ctx, signal), runManagedScaling(ctx, signal), ...spot];
  },
  ensureDefaults: async (ctx, call) => {
    if (!ctx.state.get('cluster', clusterArn(ctx.partition, 'default'))) await createCluster(ctx, { clusterName: 'default' }, call);
  },
};
