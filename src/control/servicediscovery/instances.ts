// RegisterInstance, DeregisterInstance, GetInstance, ListInstances, DiscoverInstances(Revision),
// GetInstancesHealthStatus, UpdateInstanceCustomHealthStatus.
import { CustomHealthNotFound, InstanceNotFound, InvalidInput, NamespaceNotFound, ServiceNotFound } from '../../core/servicediscovery-errors.js';
import { checkInstanceAttributes, discover, instanceKey, type HealthStatus, type SdInstanceRecord } from '../../core/servicediscovery.js';
import type { ControlContext } from '../context.js';
import { defineIndex, type State, type Transaction } from '../state.js';
import { page, recordOperation, resolveService } from './records.js';

/** A service's instances. */
export const instancesOfService = defineIndex('sdInstance', (i) => i.ServiceId);

function resolveInstance(state: Pick<State, 'get'>, serviceId: string, instanceId: string): SdInstanceRecord {
  const record = state.get('sdInstance', instanceKey(serviceId, instanceId));
  if (!record) throw new InstanceNotFound(`Instance not found: ${instanceId}`);
  return record;
}

interface RegisterInstanceInput {
  ServiceId: string;
  InstanceId: string;
  CreatorRequestId?: string;
  Attributes: Record<string, string>;
}

/** Registers (or re-registers, replacing its attributes) an instance, in a mutation of its own or of `tx`. */
export function registerInstanceIn(ctx: ControlContext, tx: Transaction, input: RegisterInstanceInput): string {
  if (!/^[0-9a-zA-Z_/:.@-]{1,64}$/.test(input.InstanceId)) throw new InvalidInput(`InstanceId '${input.InstanceId}' is not valid.`);
  if (Object.keys(input.Attributes).length > 30) throw new InvalidInput('An instance has at most 30 attributes.');
  const service = resolveService(tx, input.ServiceId);
  checkInstanceAttributes(service, input.Attributes);
  const now = ctx.clock.now();
  const existing = tx.get('sdInstance', instanceKey(service.Id, input.InstanceId));
  tx.put('sdInstance', instanceKey(service.Id, input.InstanceId), {
    Id: input.InstanceId,
    ServiceId: service.Id,
    Attributes: { ...input.Attributes },
    ...(input.CreatorRequestId ? { CreatorRequestId: input.CreatorRequestId } : {}),
    health: existing?.health ?? 'HEALTHY',
    CreatedDate: existing?.CreatedDate ?? now,
    UpdatedDate: now,
  });
  return recordOperation(ctx, tx, 'REGISTER_INSTANCE', { SERVICE: service.Id, INSTANCE: input.InstanceId });
}

export async function registerInstance(ctx: ControlContext, input: RegisterInstanceInput) {
  return { OperationId: await ctx.state.mutate((tx) => registerInstanceIn(ctx, tx, input)) };
}

export function deregisterInstanceIn(ctx: ControlContext, tx: Transaction, input: { ServiceId: string; InstanceId: string }): string {
  const service = resolveService(tx, input.ServiceId);
  const instance = resolveInstance(tx, service.Id, input.InstanceId);
  tx.delete('sdInstance', instanceKey(service.Id, instance.Id));
  return recordOperation(ctx, tx, 'DEREGISTER_INSTANCE', { SERVICE: service.Id, INSTANCE: instance.Id });
}

export async function deregisterInstance(ctx: ControlContext, input: { ServiceId: string; InstanceId: string }) {
  return { OperationId: await ctx.state.mutate((tx) => deregisterInstanceIn(ctx, tx, input)) };
}

export function getInstance(ctx: ControlContext, input: { ServiceId: string; InstanceId: string }) {
  const service = resolveService(ctx.state, input.ServiceId);
  const i = resolveInstance(ctx.state, service.Id, input.InstanceId);
  return { Instance: { Id: i.Id, Attributes: i.Attributes, ...(i.CreatorRequestId ? { CreatorRequestId: i.CreatorRequestId } : {}) } };
}

const byId = (a: SdInstanceRecord, b: SdInstanceRecord) => (a.Id < b.Id ? -1 : a.Id > b.Id ? 1 : 0);

export function listInstances(ctx: ControlContext, input: { ServiceId: string; NextToken?: string; MaxResults?: number }) {
  const service = resolveService(ctx.state, input.ServiceId);
  const all = ctx.state.where(instancesOfService, service.Id).sort(byId).map((i) => ({ Id: i.Id, Attributes: i.Attributes }));
  return page(all, input, 'Instances');
}

interface DiscoverInstancesInput {
  NamespaceName: string;
  ServiceName: string;
  MaxResults?: number;
  QueryParameters?: Record<string, string>;
  OptionalParameters?: Record<string, string>;
  HealthStatus?: 'HEALTHY' | 'UNHEALTHY' | 'ALL' | 'HEALTHY_OR_ELSE_ALL';
}

/** The service a namespace and service name designate (names compare without case, as DNS names do). */
function discovered(ctx: ControlContext, input: { NamespaceName: string; ServiceName: string }) {
  const nsName = input.NamespaceName.toLowerCase().replace(/\.$/, '');
  const namespaces = [...ctx.state.all('sdNamespace')].filter((n) => n.Name.toLowerCase() === nsName);
  if (namespaces.length === 0) throw new NamespaceNotFound(`Namespace not found: ${input.NamespaceName}`);
  const service = [...ctx.state.all('sdService')].find((s) => namespaces.some((n) => n.Id === s.NamespaceId) && s.Name.toLowerCase() === input.ServiceName.toLowerCase());
  if (!service) throw new ServiceNotFound(`Service not found: ${input.ServiceName}`);
  return { namespace: namespaces.find((n) => n.Id === service.NamespaceId)!, service };
}

/** A revision that changes whenever the service's instances do: the latest of their update times. */
const revision = (instances: SdInstanceRecord[]) => Math.max(0, ...instances.map((i) => new Date(i.UpdatedDate).getTime()));

export function discoverInstances(ctx: ControlContext, input: DiscoverInstancesInput) {
  const { namespace, service } = discovered(ctx, input);
  const all = ctx.state.where(instancesOfService, service.Id);
  const found = discover(all.sort(byId), input).slice(0, input.MaxResults ?? 100);
  return {
    Instances: found.map((i) => ({ InstanceId: i.Id, NamespaceName: namespace.Name, ServiceName: service.Name, HealthStatus: i.health, Attributes: i.Attributes })),
    InstancesRevision: revision(all),
  };
}

export function discoverInstancesRevision(ctx: ControlContext, input: { NamespaceName: string; ServiceName: string }) {
  const { service } = discovered(ctx, input);
  return { InstancesRevision: revision(ctx.state.where(instancesOfService, service.Id)) };
}

export function getInstancesHealthStatus(ctx: ControlContext, input: { ServiceId: string; Instances?: string[]; NextToken?: string; MaxResults?: number }) {
  const service = resolveService(ctx.state, input.ServiceId);
  const instances = input.Instances?.length
    ? input.Instances.map((id) => resolveInstance(ctx.state, service.Id, id))
    : ctx.state.where(instancesOfService, service.Id).sort(byId);
  const { Status, NextToken } = page(instances.map((i): [string, HealthStatus] => [i.Id, i.health]), input, 'Status');
  return { Status: Object.fromEntries(Status), ...(NextToken ? { NextToken } : {}) };
}

export async function updateInstanceCustomHealthStatus(ctx: ControlContext, input: { ServiceId: string; InstanceId: string; Status: 'HEALTHY' | 'UNHEALTHY' }) {
  await ctx.state.mutate((tx) => {
    const service = resolveService(tx, input.ServiceId);
    if (!service.HealthCheckCustomConfig) throw new CustomHealthNotFound(`Service ${service.Id} has no custom health check.`);
    const instance = resolveInstance(tx, service.Id, input.InstanceId);
    if (instance.health !== input.Status) tx.put('sdInstance', instanceKey(service.Id, instance.Id), { ...instance, health: input.Status, UpdatedDate: ctx.clock.now() });
  });
  return {};
}
