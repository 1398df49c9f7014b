// A service's serviceConnectConfiguration, checked as ECS checks it against its cluster, its Cloud Map
// namespace and its task definition's named port mappings; and what the proxy of each of its tasks serves
// (docs/service-discovery.md): the client aliases of every service of the namespace, each sent to the healthy
// instances of its discovery name's Cloud Map service (where ecs-registrations.ts registers the tasks).
import type { Attachment, ContainerDefinition, PortMapping, ServiceConnectConfiguration } from '@aws-sdk/client-ecs';
import type { ServiceConnectService } from '@aws-sdk/client-ecs';
import type { ServiceConnectAssignment, ServiceConnectIngress, ServiceConnectListener, ServiceConnectTarget, ServiceConnectTimeouts } from '../../core/agent-protocol.js';
import { serviceArnOfTask } from '../../core/arn.js';
import type { ClusterRecord, ContainerRecord, ServiceRecord, TaskDefinitionRecord, TaskRecord } from '../../core/ecs.js';
import { InvalidParameterException, NamespaceNotFoundException } from '../../core/ecs-errors.js';
import type { SdNamespaceRecord } from '../../core/servicediscovery.js';
import type { ControlContext } from '../context.js';
import { instancesOfService } from '../servicediscovery/instances.js';
import type { State } from '../state.js';

/** Cloud Map service names ECS makes from discoveryName: lowercase letters, digits, `_` and `-`, not first, up to 64. */
const DISCOVERY_NAME = /^[a-z0-9_][a-z0-9_-]{0,63}$/;
/** Client alias names: a DNS name of lowercase letters, digits, `_`, `-` and `.`, not starting with `-`, up to 127. */
const ALIAS_NAME = /^[a-z0-9_.][a-z0-9_.-]{0,126}$/;
const MAX_CLIENT_ALIASES = 1;

/** A Cloud Map namespace of this Region by name or ARN (Service Connect takes either). */
export function serviceConnectNamespace(ctx: Pick<ControlContext, 'state'>, wanted: string): SdNamespaceRecord {
  const namespace = [...ctx.state.all('sdNamespace')].find((n) => n.Name === wanted || n.Arn === wanted);
  if (!namespace) throw new NamespaceNotFoundException('Namespace not found.');
  return namespace;
}

const port = (value: number | undefined, field: string) => {
  if (value !== undefined && (!Number.isInteger(value) || value < 1 || value > 65535)) {
    throw new InvalidParameterException(`${field} must be between 1 and 65535.`);
  }
};

/**
 * Checks a configuration for a service of `cluster` running `definition`; returns it as the service keeps it
 * (with the cluster's default namespace when it names none). A disabled one needs nothing else.
 */
export function checkServiceConnect(
  ctx: Pick<ControlContext, 'state'>,
  config: ServiceConnectConfiguration | undefined,
  cluster: Pick<ClusterRecord, 'serviceConnectDefaults'>,
  definition: Pick<TaskDefinitionRecord, 'containerDefinitions'>,
): ServiceConnectConfiguration | undefined {
  if (!config) return undefined;
  if (config.enabled === undefined) throw new InvalidParameterException('serviceConnectConfiguration.enabled must be specified.');
  if (!config.enabled) return config;
  const namespace = config.namespace ?? cluster.serviceConnectDefaults?.namespace;
  if (!namespace) {
    throw new InvalidParameterException('Service Connect requires a namespace: specify serviceConnectConfiguration.namespace or a default namespace on the cluster.');
  }
  serviceConnectNamespace(ctx, namespace);
  if (config.accessLogConfiguration && !config.logConfiguration) {
    throw new InvalidParameterException('Service Connect access logs require a logConfiguration in the serviceConnectConfiguration.');
  }
  const mappings = new Map<string, PortMapping>(
    (definition.containerDefinitions ?? []).flatMap((c: ContainerDefinition) => c.portMappings ?? []).flatMap((p) => (p.name ? [[p.name, p]] : [])),
  );
  const discoveryNames = new Set<string>();
  for (const service of config.services ?? []) {
    const mapping = mappings.get(service.portName ?? '');
    if (!mapping) {
      throw new InvalidParameterException(`The portName ${service.portName} in the Service Connect configuration does not match the name of any portMappings in the task definition.`);
    }
    const discoveryName = service.discoveryName ?? service.portName!;
    if (!DISCOVERY_NAME.test(discoveryName)) {
      throw new InvalidParameterException(`The discoveryName ${discoveryName} is not valid: up to 64 lowercase letters, numbers, underscores and hyphens, not starting with a hyphen.`);
    }
    if (discoveryNames.has(discoveryName)) throw new InvalidParameterException(`The discoveryName ${discoveryName} is used by more than one Service Connect service.`);
    discoveryNames.add(discoveryName);
    if ((service.clientAliases?.length ?? 0) > MAX_CLIENT_ALIASES) {
      throw new InvalidParameterException(`A Service Connect service can have at most ${MAX_CLIENT_ALIASES} client alias.`);
    }
    for (const alias of service.clientAliases ?? []) {
      if (alias.port === undefined) throw new InvalidParameterException('A Service Connect client alias must specify a port.');
      port(alias.port, 'clientAliases.port');
      if (alias.dnsName !== undefined && !ALIAS_NAME.test(alias.dnsName)) {
        throw new InvalidParameterException(`The client alias dnsName ${alias.dnsName} is not valid: up to 127 lowercase letters, numbers, underscores, hyphens and periods, not starting with a hyphen.`);
      }
    }
    port(service.ingressPortOverride, 'ingressPortOverride');
    // Without an appProtocol the proxy carries TCP, which has only an idle timeout.
    if (service.timeout?.perRequestTimeoutSeconds !== undefined && !mapping.appProtocol) {
      throw new InvalidParameterException('perRequestTimeoutSeconds can only be set if the Service Connect appProtocol is not TCP.');
    }
    for (const [name, value] of Object.entries(service.timeout ?? {})) {
      if (value !== undefined && (!Number.isInteger(value) || value < 0)) throw new InvalidParameterException(`timeout.${name} must be 0 or more.`);
    }
    // TLS needs AWS Private CA and KMS, which Wharf lacks: refused as in a Region without them.
    if (service.tls) throw new InvalidParameterException('Service Connect TLS needs AWS Private CA, which this Region does not offer.');
  }
  // The cluster's default, when used, is the service's from then on.
  return { ...config, namespace };
}

/** The attachment ECS gives a task with Service Connect, naming its proxy container. */
const ATTACHMENT = 'ServiceConnect';
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * Whether the tasks a service launches get ECS's Service Connect container: with Service Connect on, in
 * awsvpc (Fargate too) and bridge mode, where ECS supports it.
 */
export function serviceConnectProxied(service: Pick<ServiceRecord, 'serviceConnectConfiguration'>, definition: Pick<TaskDefinitionRecord, 'networkMode'>): boolean {
  return service.serviceConnectConfiguration?.enabled === true && ['awsvpc', 'bridge'].includes(definition.networkMode ?? 'bridge');
}

/**
 * The name ECS gives the Service Connect container of a deployment's tasks: `ecs-service-connect-` and five
 * letters and digits (here from the deployment's number, so every task of one deployment shares it, as on ECS).
 */
export function serviceConnectContainerName(deploymentId: string): string {
  let n = BigInt(deploymentId.replace(/\D/g, '') || '0');
  let suffix = '';
  for (let i = 0; i < 5; i++, n /= 62n) suffix = BASE62[Number(n % 62n)] + suffix;
  return `ecs-service-connect-${suffix}`;
}

/**
 * The proxy container as DescribeTasks lists it (ECS lists it first): essential (a task without its proxy has
 * no aliases), no image or resources of the task definition's; its status and runtime id are the agent's reports.
 */
export function serviceConnectContainer(taskArn: string, containerArn: string, name: string): ContainerRecord {
  return { containerArn, taskArn, name, lastStatus: 'PENDING', networkInterfaces: [], healthStatus: 'UNKNOWN', essential: true, healthCheck: false };
}

/** The task's ServiceConnect attachment, as ECS shows it: ATTACHED, with the proxy container's name. */
export const serviceConnectAttachment = (id: string, containerName: string): Attachment => ({
  id,
  type: ATTACHMENT,
  status: 'ATTACHED',
  details: [{ name: 'ContainerName', value: containerName }],
});

/** The name of the task's proxy container, if it has one. */
export const proxyContainerOf = (task: TaskRecord) =>
  task.attachments?.find((a) => a.type === ATTACHMENT)?.details?.find((d) => d.name === 'ContainerName')?.value;

/** HAProxy speaks HTTP/1 to the endpoints; HTTP/2 and gRPC are carried as TCP (not counted per request). */
const listenerMode = (mapping: PortMapping): ServiceConnectListener['mode'] => (mapping.appProtocol === 'http' ? 'http' : 'tcp');

/** ECS's default idle timeouts: 5 minutes with an appProtocol (HTTP, HTTP/2, gRPC), an hour for TCP. */
const DEFAULT_IDLE_TIMEOUT_SECONDS = { app: 300, tcp: 3600 } as const;

/** A Service Connect service's timeouts: its entry's, else ECS's defaults; a per-request timeout only where requests are seen (HTTP). */
function timeouts(entry: ServiceConnectService, mapping: PortMapping): ServiceConnectTimeouts {
  const perRequest = entry.timeout?.perRequestTimeoutSeconds;
  return {
    idleTimeoutSeconds: entry.timeout?.idleTimeoutSeconds ?? DEFAULT_IDLE_TIMEOUT_SECONDS[mapping.appProtocol ? 'app' : 'tcp'],
    ...(perRequest !== undefined && listenerMode(mapping) === 'http' && { perRequestTimeoutSeconds: perRequest }),
  };
}

/** Where the proxy's own ingress listeners start, when ingressPortOverride names none (as Envoy's, ports of the proxy's). */
const INGRESS_PORT_BASE = 15000;

/** One `services` entry of a task's service, as the task's proxy serves it. */
export interface IngressPort {
  entry: ServiceConnectService;
  mapping: PortMapping;
  /** The container of the named port mapping. */
  containerName: string;
  /** Where the proxy listens. */
  port: number;
  /** awsvpc without override: the container port whose connections go to the listener. */
  interceptPort?: number;
}

/**
 * The ingress listeners of a task's proxy, one per `services` entry: on `ingressPortOverride`, else on a port
 * of the proxy's own from 15000 up that no port of the task definition or the configuration uses (awsvpc: the
 * container port's connections are redirected to it, so the task is still registered at its container port).
 */
export function ingressPorts(config: ServiceConnectConfiguration, definition: Pick<TaskDefinitionRecord, 'containerDefinitions' | 'networkMode'>): IngressPort[] {
  const containers = definition.containerDefinitions ?? [];
  const used = new Set<number>([
    ...containers.flatMap((c) => c.portMappings ?? []).flatMap((p) => [p.containerPort, p.hostPort]),
    ...(config.services ?? []).flatMap((e) => [e.ingressPortOverride, ...(e.clientAliases ?? []).map((a) => a.port)]),
  ].filter((p): p is number => p !== undefined));
  let next = INGRESS_PORT_BASE;
  return (config.services ?? []).flatMap((entry) => {
    const container = containers.find((c) => c.portMappings?.some((p) => p.name === entry.portName));
    const mapping = container?.portMappings?.find((p) => p.name === entry.portName);
    if (!container || mapping?.containerPort === undefined) return [];
    if (entry.ingressPortOverride !== undefined) return [{ entry, mapping, containerName: container.name!, port: entry.ingressPortOverride }];
    while (used.has(next)) next++;
    const port = next++;
    return [{ entry, mapping, containerName: container.name!, port, ...(definition.networkMode === 'awsvpc' && { interceptPort: mapping.containerPort }) }];
  });
}

/** Where a bridge or host task's container port is reached: the host port it is published on, at the binding's address or else `hostAddress`. */
export function publishedAt(task: TaskRecord, containerName: string | undefined, containerPort: number | undefined, hostAddress: string | undefined): { address?: string; port: number } | undefined {
  const binding = task.containers
    .filter((c) => containerName === undefined || c.name === containerName)
    .flatMap((c) => c.networkBindings ?? [])
    .find((b) => containerPort === undefined || b.containerPort === containerPort);
  if (!binding?.hostPort) return undefined;
  const address = binding.bindIP && binding.bindIP !== '0.0.0.0' ? binding.bindIP : hostAddress;
  return { ...(address && { address }), port: binding.hostPort };
}

/** The ingress listeners of `task`'s proxy, each with where it reaches the task's own port. */
function ingressOf(state: State, task: TaskRecord, config: ServiceConnectConfiguration): ServiceConnectIngress[] {
  const definition = state.get('taskDefinition', task.taskDefinitionArn);
  if (!definition) return [];
  const hostAddress = task.containerInstanceArn ? state.get('containerInstance', task.containerInstanceArn)?.privateIpv4Address : undefined;
  return ingressPorts(config, definition).map(({ entry, mapping, containerName, port, interceptPort }) => {
    const published = definition.networkMode === 'awsvpc' ? undefined : publishedAt(task, containerName, mapping.containerPort, hostAddress);
    // awsvpc: the proxy shares the task's namespace, where the task's port is on the loopback too.
    const target: ServiceConnectTarget | undefined =
      definition.networkMode === 'awsvpc' ? { address: '127.0.0.1', port: mapping.containerPort! } : published?.address ? { address: published.address, port: published.port } : undefined;
    return {
      discoveryName: entry.discoveryName ?? entry.portName!,
      mode: listenerMode(mapping),
      port,
      ...(interceptPort !== undefined && { interceptPort }),
      ...(target && { target }),
      ...timeouts(entry, mapping),
    };
  });
}

/**
 * What the Service Connect proxy of `task` serves, or undefined when its service has Service Connect off:
 * a listener per client alias of the services with Service Connect on in its namespace (a name and port
 * taken twice: the first, in name order), and the registered healthy instances of each alias's Cloud Map service.
 */
export function serviceConnectAssignment(state: State, task: TaskRecord): ServiceConnectAssignment | undefined {
  const serviceArn = serviceArnOfTask(task);
  const config = serviceArn ? state.get('service', serviceArn)?.serviceConnectConfiguration : undefined;
  const containerName = proxyContainerOf(task);
  if (!config?.enabled || !config.namespace || !containerName) return undefined;
  const namespace = namespaceOf(state, config.namespace);
  if (!namespace) return undefined;
  const listeners = new Map<string, ServiceConnectListener>();
  const services = [...state.all('service')].filter((s) => s.status === 'ACTIVE' && s.serviceConnectConfiguration?.enabled).sort((a, b) => (a.serviceArn! < b.serviceArn! ? -1 : 1));
  for (const other of services) {
    const otherConfig = other.serviceConnectConfiguration!;
    if (namespaceOf(state, otherConfig.namespace ?? '')?.Id !== namespace.Id) continue;
    const definition = other.taskDefinition ? state.get('taskDefinition', other.taskDefinition) : undefined;
    for (const entry of otherConfig.services ?? []) {
      const mapping = definition?.containerDefinitions?.flatMap((c) => c.portMappings ?? []).find((p) => p.name === entry.portName);
      const discoveryName = entry.discoveryName ?? entry.portName!;
      const sdService = [...state.all('sdService')].find((s) => s.NamespaceId === namespace.Id && s.Name === discoveryName);
      if (!mapping || !sdService) continue;
      for (const alias of entry.clientAliases ?? []) {
        // ECS's default name: the discovery name in the namespace.
        const dnsName = alias.dnsName ?? `${discoveryName}.${namespace.Name}`;
        const key = `${dnsName}:${alias.port}`;
        if (!listeners.has(key)) listeners.set(key, { dnsName, port: alias.port!, serviceId: sdService.Id, discoveryName, mode: listenerMode(mapping), ...timeouts(entry, mapping) });
      }
    }
  }
  const sorted = [...listeners.values()].sort((a, b) => (a.dnsName === b.dnsName ? a.port - b.port : a.dnsName < b.dnsName ? -1 : 1));
  const endpoints: ServiceConnectAssignment['endpoints'] = {};
  for (const serviceId of new Set(sorted.map((l) => l.serviceId))) {
    endpoints[serviceId] = state
      .where(instancesOfService, serviceId)
      .filter((i) => i.health === 'HEALTHY' && i.Attributes.AWS_INSTANCE_IPV4 && i.Attributes.AWS_INSTANCE_PORT)
      .map((i) => ({ id: i.Id, address: i.Attributes.AWS_INSTANCE_IPV4!, port: Number(i.Attributes.AWS_INSTANCE_PORT) }))
      .sort((a, b) => (a.id < b.id ? -1 : 1));
  }
  return { containerName, listeners: sorted, endpoints, ingress: ingressOf(state, task, config) };
}

const namespaceOf = (state: State, wanted: string) => [...state.all('sdNamespace')].find((n) => n.Name === wanted || n.Arn === wanted);
