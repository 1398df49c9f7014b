// ECS's secondary indexes over the control plane's state (see `defineIndex`).
import { serviceArnOfTask } from '../../core/arn.js';
import { taskHost } from '../../core/ecs.js';
import { countedAs } from '../../scheduler/service.js';
import { defineIndex } from '../state.js';

export const tasksByCluster = defineIndex('task', (t) => t.clusterArn);
export const tasksByContainerInstance = defineIndex('task', (t) => t.containerInstanceArn);
export const tasksByHost = defineIndex('task', taskHost);
export const tasksByService = defineIndex('task', serviceArnOfTask);
/**
 * The tasks DescribeServices counts, by service (`<serviceArn> running|pending`) and by service and
 * deployment or task set (`<serviceArn> <startedBy> running|pending`): its counts are these sets' sizes,
 * however many tasks a service has.
 */
export const countedTasksByService = defineIndex('task', (t) => counted(t, (service, as) => `${service} ${as}`));
export const countedTasksByDeployment = defineIndex('task', (t) => counted(t, (service, as) => `${service} ${t.startedBy} ${as}`));
function counted(t: Parameters<typeof countedAs>[0], key: (service: string, as: string) => string): string | undefined {
  const as = countedAs(t);
  const service = as && serviceArnOfTask(t);
  return service && key(service, as);
}
export const loadBalancedTasks = defineIndex('task', (t) => (t.loadBalancerTargets?.length ? 'yes' : undefined));
export const containerInstancesByCluster = defineIndex('containerInstance', (c) => c.clusterArn);
export const managedCapacityInstances = defineIndex('containerInstance', (c) => (c.managedCapacity ? 'yes' : undefined));
export const taskDefinitionsByFamily = defineIndex('taskDefinition', (d) => d.family);
export const servicesByCluster = defineIndex('service', (s) => s.clusterArn);
export const serviceDeploymentsByService = defineIndex('serviceDeployment', (d) => d.serviceArn);
export const serviceRevisionsByService = defineIndex('serviceRevision', (r) => r.serviceArn);
