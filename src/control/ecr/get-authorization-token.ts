import type { CallContext } from '../../core/caller.js';
import { ServerException } from '../../core/ecr-errors.js';
import type { ControlContext } from '../context.js';
import { issueAuthorizationToken } from './authorization-token.js';

/**
 * A 12-hour token for the registry, carrying the caller: `docker login -u AWS` with its password authenticates
 * as them. The proxy endpoint is Wharf's registry (where `docker login` and the agents go), whatever registry
 * ids are asked for: one account is served.
 */
export function getAuthorizationToken(ctx: ControlContext, input: { registryIds?: string[] }, call: CallContext) {
  const registry = ctx.registry;
  if (!registry) throw new ServerException('This Wharf runs no image registry');
  const token = issueAuthorizationToken(ctx, call.caller);
  const count = Math.max(input.registryIds?.length ?? 1, 1);
  return { authorizationData: Array.from({ length: count }, () => ({ ...token, proxyEndpoint: registry.address })) };
}
