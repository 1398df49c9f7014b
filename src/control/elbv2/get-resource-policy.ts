import type { GetResourcePolicyInput, GetResourcePolicyOutput } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ResourceNotFound } from '../../core/elbv2-errors.js';
import type { ControlContext } from '../context.js';

/**
 * The resource policy of a trust store, which ELBv2 gives one when it is shared through AWS RAM. Wharf has
 * one account and no RAM: a trust store is never shared, so it has no policy; anything else is not found.
 */
export function getResourcePolicy(ctx: ControlContext, input: GetResourcePolicyInput): GetResourcePolicyOutput {
  const arn = input.ResourceArn!;
  if (!ctx.state.get('trustStore', arn)) throw new ResourceNotFound(`The specified resource '${arn}' does not exist`);
  return {};
}
