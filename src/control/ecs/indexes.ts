// ECS's secondary indexes over the control plane's state (see `defineIndex`).
import { serviceArnOfTask } from '../../core/arn.js';
import { taskHost } from '../../core/ecs.js';
import { defineIndex } from '../state.js';

export const tasksByCluster = defineIndex('task', (t) => t.clusterArn);
export const tasksByContainerInstance = defineIndex('task', (t) => t.containerInstanceArn);
export const tasksByHost = defineIndex('task', taskHost);
export const tasksByService = defineIndex('task', serviceArnOfTask);
export const loadBalancedTasks = defineIndex('task', (t) => (t.loadBalancerTargets?.length ? 'yes' : undefined));
export const containerInstancesByCluster = defineIndex('containerInstance', (c) => c.clusterArn);
export const managedCapacityInstances = defineIndex('containerInstance', (c) => (c.managedCapacity ? 'yes' : undefined));
export const taskDefinitionsByFamily = defineIndex('taskDefinition', (d) => d.family);
export const servicesByCluster = defineIndex('service', (s) => s.clusterArn);
export const serviceDeploymentsByService = defineIndex('serviceDeployment', (d) => d.serviceArn);
export const serviceRevisionsByService = defineIndex('serviceRevision', (r) => r.serviceArn);
