// CreateService, GetService, ListServices, UpdateService, DeleteService, and the service attributes calls.
import { InvalidInput, ResourceInUse, ServiceAlreadyExists } from '../../core/servicediscovery-errors.js';
import { checkDnsConfig, serviceName, type SdDnsConfig, type SdServiceRecord, type SdTag } from '../../core/servicediscovery.js';
import type { ControlContext } from '../context.js';
import { newId, page, passes, recordOperation, resolveNamespace, resolveService, serviceArn, type Filter } from './records.js';
import { checkTags } from './tags.js';

interface CreateServiceInput {
  Name: string;
  NamespaceId?: string;
  CreatorRequestId?: string;
  Description?: string;
  DnsConfig?: SdDnsConfig;
  HealthCheckConfig?: SdServiceRecord['HealthCheckConfig'];
  HealthCheckCustomConfig?: SdServiceRecord['HealthCheckCustomConfig'];
  Tags?: SdTag[];
  Type?: 'HTTP';
}

class ServiceAlreadyExistsWithId extends ServiceAlreadyExists {
  constructor(message: string, readonly ServiceId: string, readonly ServiceArn: string, readonly CreatorRequestId?: string) {
    super(message);
  }
}

export async function createService(ctx: ControlContext, input: CreateServiceInput) {
  const Name = serviceName(input.Name);
  const tags = checkTags(input.Tags ?? []);
  if (input.HealthCheckConfig && input.HealthCheckCustomConfig) throw new InvalidInput('HealthCheckConfig and HealthCheckCustomConfig cannot both be set.');
  const service = await ctx.state.mutate((tx) => {
    const namespaceId = input.NamespaceId ?? input.DnsConfig?.NamespaceId;
    if (!namespaceId) throw new InvalidInput('NamespaceId is required.');
    const ns = resolveNamespace(tx, namespaceId);
    const existing = [...ctx.state.all('sdService')].find((s) => s.NamespaceId === ns.Id && s.Name.toLowerCase() === Name.toLowerCase());
    if (existing) {
      if (input.CreatorRequestId && existing.CreatorRequestId === input.CreatorRequestId) return existing;
      throw new ServiceAlreadyExistsWithId(`Service ${Name} already exists in ${ns.Id}.`, existing.Id, existing.Arn, existing.CreatorRequestId);
    }
    let DnsConfig: SdDnsConfig | undefined;
    if (input.DnsConfig && input.Type !== 'HTTP') {
      if (ns.Type === 'HTTP') throw new InvalidInput('A service in an HTTP namespace cannot have DnsConfig.');
      const { NamespaceId: _omitted, ...config } = input.DnsConfig;
      DnsConfig = checkDnsConfig(config, Boolean(input.HealthCheckConfig || input.HealthCheckCustomConfig));
    }
    const Id = newId(ctx, 'srv');
    const record: SdServiceRecord = {
      Id,
      Arn: serviceArn(ctx, Id),
      Name,
      NamespaceId: ns.Id,
      ...(input.Description !== undefined ? { Description: input.Description } : {}),
      Type: DnsConfig ? 'DNS_HTTP' : 'HTTP',
      ...(DnsConfig ? { DnsConfig } : {}),
      ...(input.HealthCheckConfig ? { HealthCheckConfig: input.HealthCheckConfig } : {}),
      ...(input.HealthCheckCustomConfig ? { HealthCheckCustomConfig: input.HealthCheckCustomConfig } : {}),
      CreateDate: ctx.clock.now(),
      ...(input.CreatorRequestId ? { CreatorRequestId: input.CreatorRequestId } : {}),
      tags,
    };
    return tx.put('sdService', Id, record);
  });
  return { Service: serviceShape(ctx, service) };
}

const instanceCount = (ctx: ControlContext, id: string) => [...ctx.state.all('sdInstance')].filter((i) => i.ServiceId === id).length;

export function serviceShape(ctx: ControlContext, s: SdServiceRecord) {
  const { tags: _tags, DnsConfig, ...rest } = s;
  return { ...rest, ...(DnsConfig ? { DnsConfig: { NamespaceId: s.NamespaceId, ...DnsConfig } } : {}), InstanceCount: instanceCount(ctx, s.Id) };
}

export const getService = (ctx: ControlContext, input: { Id: string }) => ({ Service: serviceShape(ctx, resolveService(ctx.state, input.Id)) });

export function listServices(ctx: ControlContext, input: { Filters?: Filter[]; NextToken?: string; MaxResults?: number }) {
  const value = (s: SdServiceRecord, name: string) => (name === 'NAMESPACE_ID' ? s.NamespaceId : name === 'RESOURCE_OWNER' ? 'SELF' : undefined);
  const all = [...ctx.state.all('sdService')]
    .filter((s) => (input.Filters ?? []).every((f) => passes(value(s, f.Name), f)))
    .sort((a, b) => new Date(a.CreateDate).getTime() - new Date(b.CreateDate).getTime() || (a.Id < b.Id ? -1 : 1))
    .map((s) => serviceShape(ctx, s));
  return page(all, input, 'Services');
}

interface UpdateServiceInput {
  Id: string;
  Service: { Description?: string; DnsConfig?: { DnsRecords: SdDnsConfig['DnsRecords'] }; HealthCheckConfig?: SdServiceRecord['HealthCheckConfig'] };
}

/** Updates the description, the TTLs of the service's records (their types stay), the health check. */
export async function updateService(ctx: ControlContext, input: UpdateServiceInput) {
  const OperationId = await ctx.state.mutate((tx) => {
    const s = resolveService(tx, input.Id);
    let DnsConfig = s.DnsConfig;
    if (input.Service.DnsConfig) {
      if (!DnsConfig) throw new InvalidInput('The service has no DnsConfig to update.');
      const types = (records: { Type: string }[]) => records.map((r) => r.Type).sort().join();
      if (types(input.Service.DnsConfig.DnsRecords) !== types(DnsConfig.DnsRecords)) throw new InvalidInput('The record types of a service cannot change.');
      DnsConfig = checkDnsConfig({ ...DnsConfig, DnsRecords: input.Service.DnsConfig.DnsRecords }, Boolean(s.HealthCheckConfig || s.HealthCheckCustomConfig));
    }
    tx.put('sdService', s.Id, {
      ...s,
      ...(input.Service.Description !== undefined ? { Description: input.Service.Description } : {}),
      ...(DnsConfig ? { DnsConfig } : {}),
      ...(input.Service.HealthCheckConfig ? { HealthCheckConfig: input.Service.HealthCheckConfig } : {}),
    });
    return recordOperation(ctx, tx, 'UPDATE_SERVICE', { SERVICE: s.Id });
  });
  return { OperationId };
}

export async function deleteService(ctx: ControlContext, input: { Id: string }) {
  await ctx.state.mutate((tx) => {
    const s = resolveService(tx, input.Id);
    if ([...ctx.state.all('sdInstance')].some((i) => i.ServiceId === s.Id)) throw new ResourceInUse(`Service ${s.Id} has registered instances.`);
    tx.delete('sdService', s.Id);
  });
  return {};
}
