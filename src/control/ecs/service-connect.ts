// A service's serviceConnectConfiguration, checked as ECS checks it against its cluster, its Cloud Map
// namespace and its task definition's named port mappings. Wharf keeps a configuration that passes (and
// DescribeServices shows it), but runs no Service Connect proxy yet: the service's events say so
// (docs/service-discovery.md).
import type { ContainerDefinition, PortMapping, ServiceConnectConfiguration } from '@aws-sdk/client-ecs';
import type { ClusterRecord, TaskDefinitionRecord } from '../../core/ecs.js';
import { InvalidParameterException, NamespaceNotFoundException } from '../../core/ecs-errors.js';
import type { SdNamespaceRecord } from '../../core/servicediscovery.js';
import type { ControlContext } from '../context.js';

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

/** What a service with Service Connect enabled is told: Wharf checked and keeps the configuration, but runs no proxy yet. */
export const serviceConnectNotice = (service: string) =>
  `(service ${service}) Service Connect is configured, but Wharf runs no Service Connect proxy yet: its tasks start without one (reach services by their Cloud Map DNS names).`;
