// ECS serviceRegistries: each task of a service (or of a task set) that names Cloud Map registries is
// registered in each of them once it runs and is not unhealthy (instance id = task id, ECS's attributes), and deregistered once it
// stops, drains, turns unhealthy or the service goes: awsvpc tasks by their ENI address, bridge and host
// tasks by their container instance's address and the host port of the registry's container port (SRV).
// Service Connect registers the same way: each `services` entry of an enabled serviceConnectConfiguration is
// a Cloud Map service named for its discoveryName in the configuration's namespace (made by ECS when missing,
// API-only, tagged AmazonECSManaged), and a task is registered there at its named port mapping.
import { serviceArnOfTask } from '../../core/arn.js';
import type { ServiceRecord, TaskDefinitionRecord, TaskRecord } from '../../core/ecs.js';
import { InvalidParameterException } from '../../core/ecs-errors.js';
import { instanceKey, type SdInstanceRecord } from '../../core/servicediscovery.js';
import type { ControlContext } from '../context.js';
import { tasksByService } from '../ecs/indexes.js';
import { defineIndex, type State, type Transaction } from '../state.js';
import { ControllerRunner } from '../runner.js';
import { ingressPorts, proxyContainerOf, publishedAt, serviceConnectNamespace } from '../ecs/service-connect.js';
import { deregisterInstanceIn, registerInstanceIn } from './instances.js';
import { newId, serviceArn as sdServiceArn } from './records.js';

type ServiceRegistry = NonNullable<ServiceRecord['serviceRegistries']>[number];
type Registry = Pick<ServiceRegistry, 'port' | 'containerName' | 'containerPort'>;

const lastPart = (arn: string) => arn.split('/').at(-1)!;
const sdServiceId = (registryArn: string) => lastPart(registryArn);

/**
 * The attributes ECS registers a task with, or undefined while it has no address to register. `hostAddress`:
 * its container instance's private address, where a bridge or host task's port is reached.
 */
export function taskAttributes(service: ServiceRecord, task: TaskRecord, registry: Registry, hostAddress?: string): Record<string, string> | undefined {
  const eniAddress = task.attachments?.flatMap((a) => a.details ?? []).find((d) => d.name === 'privateIPv4Address')?.value;
  const attributes: Record<string, string> = {
    ECS_CLUSTER_NAME: lastPart(task.clusterArn),
    ECS_SERVICE_NAME: service.serviceName!,
    ECS_TASK_DEFINITION_FAMILY: lastPart(task.taskDefinitionArn).split(':')[0]!,
    ...(task.availabilityZone ? { AVAILABILITY_ZONE: task.availabilityZone, REGION: task.availabilityZone.replace(/[a-z]$/, '') } : {}),
  };
  if (eniAddress) {
    attributes.AWS_INSTANCE_IPV4 = eniAddress;
    const port = registry.port ?? registry.containerPort;
    if (port !== undefined) attributes.AWS_INSTANCE_PORT = String(port);
    return attributes;
  }
  const published = publishedAt(task, registry.containerName, registry.containerPort, hostAddress);
  if (!published) return undefined;
  attributes.AWS_INSTANCE_PORT = String(published.port);
  if (published.address) attributes.AWS_INSTANCE_IPV4 = published.address;
  return attributes;
}

/**
 * Checks a service's (or task set's) serviceRegistries against its task definition as ECS does: a port is
 * given either as `port` or as a container and its port, not both; a registry without SRV records takes
 * neither for an awsvpc task (its A record is the task's address).
 */
export function checkServiceRegistries(state: Pick<State, 'get'>, registries: readonly ServiceRegistry[], definition: TaskDefinitionRecord): void {
  for (const registry of registries) {
    if (registry.port !== undefined && (registry.containerName !== undefined || registry.containerPort !== undefined))
      throw new InvalidParameterException("Specify a value for either 'port' or the 'containerName' and 'containerPort' combination, but not both. Remove one and retry.");
    const records = state.get('sdService', sdServiceId(registry.registryArn ?? ''))?.DnsConfig?.DnsRecords;
    if (definition.networkMode !== 'awsvpc' || !records || records.some((r) => r.Type === 'SRV')) continue;
    const needless = registry.containerPort !== undefined ? 'containerPort' : registry.port !== undefined ? 'port' : undefined;
    if (needless) throw new InvalidParameterException(`The values specified for serviceRegistries do not require a value for '${needless}'. Remove the value and retry.`);
  }
}

const serving = (task: TaskRecord) => task.lastStatus === 'RUNNING' && task.desiredStatus === 'RUNNING' && task.healthStatus !== 'UNHEALTHY';

/** The instances registered for an ECS service, by its cluster's and its own name (the attributes ECS registers them with). */
const ecsRegistrations = defineIndex('sdInstance', ({ Attributes: a }) =>
  a.ECS_CLUSTER_NAME !== undefined && a.ECS_SERVICE_NAME !== undefined ? registrationKey(a.ECS_CLUSTER_NAME, a.ECS_SERVICE_NAME) : undefined,
);
const registrationKey = (cluster: string, service: string) => `${cluster}/${service}`;

/** Whether a service registers its tasks in Cloud Map: through its service registries, its task sets' or Service Connect. */
const registers = (service: ServiceRecord | undefined): service is ServiceRecord =>
  service?.status === 'ACTIVE' &&
  Boolean(service.serviceRegistries?.length || service.serviceConnectConfiguration?.enabled || service.taskSets?.some((ts) => ts.serviceRegistries?.length));

/** Brings one ECS service's registrations in line with its tasks. */
export async function reconcileRegistrations(ctx: ControlContext, serviceArn: string): Promise<void> {
  const registeredAs = (service: ServiceRecord | undefined) => registrationKey(lastPart(service?.clusterArn ?? serviceArn.split('/').slice(0, -1).join('/')), lastPart(serviceArn));
  // Most services register nothing: then, with nothing registered for them either, no mutation at all.
  const record = ctx.state.get('service', serviceArn);
  if (!registers(record) && ctx.state.size(ecsRegistrations, registeredAs(record)) === 0) return;
  await ctx.state.mutate((tx) => {
    const service = tx.get('service', serviceArn);
    const live = registers(service) ? service : undefined;
    const desired = new Map<string, Record<string, string>>();
    const named = (registries: ServiceRegistry[] = []) => registries.map((registry) => ({ registry, sdService: tx.get('sdService', sdServiceId(registry.registryArn!)) }));
    const everyTask = [...named(live?.serviceRegistries), ...(live ? serviceConnectRegistries(ctx, tx, live) : [])];
    // A task set's tasks (startedBy its id) are registered in the task set's own registries too.
    const ofTaskSet = new Map((live?.taskSets ?? []).map((ts) => [ts.id, named(ts.serviceRegistries)]));
    for (const task of live ? ctx.state.where(tasksByService, serviceArn) : []) {
      if (!serving(task)) continue;
      const hostAddress = task.containerInstanceArn ? tx.get('containerInstance', task.containerInstanceArn)?.privateIpv4Address : undefined;
      for (const { registry, sdService } of [...everyTask, ...(ofTaskSet.get(task.startedBy ?? '') ?? [])]) {
        const attributes = sdService && taskAttributes(live!, task, typeof registry === 'function' ? registry(task) : registry, hostAddress);
        if (attributes) desired.set(instanceKey(sdService.Id, lastPart(task.taskArn)), attributes);
      }
    }
    for (const instance of ctx.state.where(ecsRegistrations, registeredAs(service)))
      if (!desired.has(instanceKey(instance.ServiceId, instance.Id))) deregisterInstanceIn(ctx, tx, { ServiceId: instance.ServiceId, InstanceId: instance.Id });
    for (const [key, Attributes] of desired) {
      const [ServiceId, InstanceId] = key.split('/') as [string, string];
      const current: SdInstanceRecord | undefined = tx.get('sdInstance', key);
      if (current && JSON.stringify(current.Attributes) === JSON.stringify(Attributes)) continue;
      try {
        registerInstanceIn(ctx, tx, { ServiceId, InstanceId, Attributes });
      } catch (error) {
        ctx.log.warn('task not registered in Cloud Map', { task: InstanceId, service: ServiceId, error: String(error) });
      }
    }
  });
}

/**
 * The Cloud Map services an ECS service's Service Connect configuration registers its tasks in, each with where
 * in the task its port is (the container and container port of the named port mapping); a missing Cloud Map
 * service is made, as ECS makes it.
 */
function serviceConnectRegistries(ctx: ControlContext, tx: Transaction, service: ServiceRecord) {
  const config = service.serviceConnectConfiguration;
  if (!config?.enabled || !config.namespace) return [];
  let namespace;
  try {
    namespace = serviceConnectNamespace(ctx, config.namespace);
  } catch {
    return []; // deleted since: nothing to register in
  }
  const definition = service.taskDefinition ? tx.get('taskDefinition', service.taskDefinition) : undefined;
  if (!definition) return [];
  return ingressPorts(config, definition).map(({ entry, mapping, containerName, port }) => {
    const name = entry.discoveryName ?? entry.portName!;
    let sdService = [...ctx.state.all('sdService')].find((s) => s.NamespaceId === namespace.Id && s.Name === name);
    if (!sdService) {
      const Id = newId(ctx, 'srv');
      sdService = tx.put('sdService', Id, { Id, Arn: sdServiceArn(ctx, Id), Name: name, NamespaceId: namespace.Id, Type: 'HTTP', CreateDate: ctx.clock.now(), tags: [{ Key: 'AmazonECSManaged', Value: 'true' }] });
    }
    // A task with its proxy is reached through the proxy's ingress listener: awsvpc, at the listener's port
    // (ingressPortOverride) or the container port it intercepts; bridge, at the host port the proxy's is published on.
    const direct: Registry = { containerName, containerPort: mapping.containerPort };
    const registry = (task: TaskRecord): Registry => {
      const proxy = proxyContainerOf(task);
      if (!proxy) return direct;
      if (definition.networkMode === 'awsvpc') return { ...direct, port: entry.ingressPortOverride ?? mapping.containerPort };
      return { containerName: proxy, containerPort: port };
    };
    return { registry, sdService };
  });
}

/** Reconciles a service's registrations whenever it or one of its tasks changes (and every 10 s). */
export function runEcsRegistrations(ctx: ControlContext, signal: AbortSignal): Promise<void> {
  const runner = new ControllerRunner<string>(ctx, (serviceArn) => reconcileRegistrations(ctx, serviceArn), {
    name: 'cloud-map-registrations',
    retryMs: 1000,
    triggers: (changes) =>
      changes.flatMap((c) => {
        if (c.kind === 'service') return [c.id];
        if (c.kind !== 'task') return [];
        const task = (c.after ?? c.before) as TaskRecord;
        const arn = serviceArnOfTask(task);
        return arn ? [arn] : [];
      }),
    resync: { everyMs: 10_000, keys: () => [...ctx.state.all('service')].filter(registers).map((s) => s.serviceArn!) },
  });
  return runner.run(signal);
}
