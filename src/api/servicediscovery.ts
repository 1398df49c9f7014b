// AWS Cloud Map on the gateway (awsJson 1.1): namespaces, services, instances and operations; the DNS
// server in src/dns/ (started by the CLI) answers the DNS namespaces' names from the same records.
import { createHttpNamespace, createPrivateDnsNamespace, createPublicDnsNamespace, deleteNamespace, getNamespace, listNamespaces, updateNamespace } from '../control/servicediscovery/namespaces.js';
import {
  deregisterInstance,
  discoverInstances,
  discoverInstancesRevision,
  getInstance,
  getInstancesHealthStatus,
  listInstances,
  registerInstance,
  updateInstanceCustomHealthStatus,
} from '../control/servicediscovery/instances.js';
import { runEcsRegistrations } from '../control/servicediscovery/ecs-registrations.js';
import { getOperation, listOperations } from '../control/servicediscovery/operations.js';
import { createService, deleteService, getService, listServices, updateService } from '../control/servicediscovery/services.js';
import { listTagsForResource, tagResource, untagResource } from '../control/servicediscovery/tags.js';
import { loadModel } from '../protocol/model.js';
import type { ServiceModule } from './module.js';

export const servicediscovery: ServiceModule = {
  binding: (ctx) => ({
    model: loadModel('servicediscovery'),
    handlers: {
      CreatePrivateDnsNamespace: (input) => createPrivateDnsNamespace(ctx, input),
      CreatePublicDnsNamespace: (input) => createPublicDnsNamespace(ctx, input),
      CreateHttpNamespace: (input) => createHttpNamespace(ctx, input),
      GetNamespace: (input) => getNamespace(ctx, input),
      ListNamespaces: (input) => listNamespaces(ctx, input),
      DeleteNamespace: (input) => deleteNamespace(ctx, input),
      UpdateHttpNamespace: (input) => updateNamespace(ctx, input),
      UpdatePrivateDnsNamespace: (input) => updateNamespace(ctx, input),
      UpdatePublicDnsNamespace: (input) => updateNamespace(ctx, input),
      CreateService: (input) => createService(ctx, input),
      GetService: (input) => getService(ctx, input),
      ListServices: (input) => listServices(ctx, input),
      UpdateService: (input) => updateService(ctx, input),
      DeleteService: (input) => deleteService(ctx, input),
      RegisterInstance: (input) => registerInstance(ctx, input),
      DeregisterInstance: (input) => deregisterInstance(ctx, input),
      GetInstance: (input) => getInstance(ctx, input),
      ListInstances: (input) => listInstances(ctx, input),
      DiscoverInstances: (input) => discoverInstances(ctx, input),
      DiscoverInstancesRevision: (input) => discoverInstancesRevision(ctx, input),
      GetInstancesHealthStatus: (input) => getInstancesHealthStatus(ctx, input),
      UpdateInstanceCustomHealthStatus: (input) => updateInstanceCustomHealthStatus(ctx, input),
      GetOperation: (input) => getOperation(ctx, input),
      ListOperations: (input) => listOperations(ctx, input),
      TagResource: (input) => tagResource(ctx, input),
      UntagResource: (input) => untagResource(ctx, input),
      ListTagsForResource: (input) => listTagsForResource(ctx, input),
    },
  }),
  // ECS services' serviceRegistries: their tasks registered and deregistered as they run and stop.
  controllers: (ctx, signal) => [runEcsRegistrations(ctx, signal)],
  authorization: { taggedKinds: ['sdNamespace', 'sdService'] },
};
