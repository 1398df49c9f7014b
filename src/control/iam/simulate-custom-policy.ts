import type { SimulateCustomPolicyRequest, SimulatePolicyResponse } from '@aws-sdk/client-iam';
import type { ControlContext } from '../context.js';
import { givenPolicies, simulate } from './simulate.js';

/** The request's policies alone, for a caller (CallerArn) or else the account, against the actions. */
export function simulateCustomPolicy(ctx: ControlContext, input: SimulateCustomPolicyRequest): SimulatePolicyResponse {
  const simulated = {
    callerArn: input.CallerArn ?? `arn:aws:iam::${ctx.partition.accountId}:root`,
    identity: givenPolicies(input.PolicyInputList, 'PolicyInputList'),
    boundaries: givenPolicies(input.PermissionsBoundaryPolicyInputList, 'PermissionsBoundaryPolicyInputList'),
  };
  return simulate(ctx, simulated, input);
}
