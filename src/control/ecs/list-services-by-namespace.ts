import type { ListServicesByNamespaceRequest, ListServicesByNamespaceResponse } from '@aws-sdk/client-ecs';
import type { ControlContext } from '../context.js';

/** Services joined to a Service Connect namespace: Wharf has no Service Connect yet, so none are. */
export async function listServicesByNamespace(_ctx: ControlContext, _input: ListServicesByNamespaceRequest): Promise<ListServicesByNamespaceResponse> {
  return { serviceArns: [] };
}
