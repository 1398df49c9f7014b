import type { DiscoverPollEndpointRequest, DiscoverPollEndpointResponse } from '@aws-sdk/client-ecs';
import type { ControlContext } from '../context.js';

/** Agents find the control plane here; Wharf serves the agent channel, telemetry and Service Connect on one endpoint. */
export async function discoverPollEndpoint(
  ctx: ControlContext,
  _input: DiscoverPollEndpointRequest,
): Promise<DiscoverPollEndpointResponse> {
  return { endpoint: ctx.endpoint, telemetryEndpoint: ctx.endpoint, serviceConnectEndpoint: ctx.endpoint };
}
