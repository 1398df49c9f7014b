import type { ListServicesByNamespaceRequest, ListServicesByNamespaceResponse, ServiceConnectConfiguration } from '@aws-sdk/client-ecs';
import { NamespaceNotFoundException } from '../../core/ecs-errors.js';
import type { ControlContext } from '../context.js';

/**
 * The services of a Cloud Map namespace (by name, id or ARN): those whose serviceRegistries (or a task
 * set's) name one of its services, and those whose Service Connect configuration is enabled in it (service-connect.ts).
 */
export async function listServicesByNamespace(ctx: ControlContext, input: ListServicesByNamespaceRequest): Promise<ListServicesByNamespaceResponse> {
  const wanted = input.namespace!;
  const namespace = [...ctx.state.all('sdNamespace')].find((n) => n.Name === wanted || n.Id === wanted || n.Arn === wanted);
  if (!namespace) throw new NamespaceNotFoundException(`Namespace ${wanted} not found.`);
  const connectsIn = (c: ServiceConnectConfiguration | undefined) => c?.enabled === true && (c.namespace === namespace.Name || c.namespace === namespace.Arn);
  const registries = new Set([...ctx.state.all('sdService')].filter((s) => s.NamespaceId === namespace.Id).map((s) => s.Arn));
  const namesOne = (named: { registryArn?: string }[] | undefined) => named?.some((r) => registries.has(r.registryArn!)) ?? false;
  const arns = [...ctx.state.all('service')]
    .filter((s) => s.status === 'ACTIVE' && (namesOne(s.serviceRegistries) || s.taskSets?.some((ts) => namesOne(ts.serviceRegistries)) || connectsIn(s.serviceConnectConfiguration)))
    .map((s) => s.serviceArn)
    .sort();
  let start = 0;
  if (input.nextToken !== undefined) start = Number(Buffer.from(input.nextToken, 'base64').toString('utf8')) || 0;
  const size = input.maxResults ?? 10;
  return {
    serviceArns: arns.slice(start, start + size),
    ...(start + size < arns.length ? { nextToken: Buffer.from(String(start + size)).toString('base64') } : {}),
  };
}
