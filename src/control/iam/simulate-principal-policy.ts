import type { SimulatePolicyResponse, SimulatePrincipalPolicyRequest } from '@aws-sdk/client-iam';
import { InvalidInput } from '../../core/iam-errors.js';
import type { ControlContext } from '../context.js';
import { policySourcesOf } from './principal-policies.js';
import { givenPolicies, simulate } from './simulate.js';

/** A user's, group's or role's policies in force (and boundary), plus any given, against the actions. */
export function simulatePrincipalPolicy(ctx: ControlContext, input: SimulatePrincipalPolicyRequest): SimulatePolicyResponse {
  const arn = input.PolicySourceArn!;
  const sources = policySourcesOf(ctx.state, arn);
  if (!sources) throw new InvalidInput(`Invalid Entity Arn: ${arn} does not clearly define entity type and name.`);
  const boundaries = givenPolicies(input.PermissionsBoundaryPolicyInputList, 'PermissionsBoundaryPolicyInputList');
  const simulated = {
    callerArn: input.CallerArn ?? arn,
    identity: [...sources.identity, ...givenPolicies(input.PolicyInputList, 'PolicyInputList')],
    // A boundary given in the request stands in for the entity's own.
    boundaries: boundaries.length ? boundaries : sources.boundary ? [sources.boundary] : [],
  };
  return simulate(ctx, simulated, input);
}
