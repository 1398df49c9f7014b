import type { GetInstanceProfileRequest, GetInstanceProfileResponse } from '@aws-sdk/client-iam';
import type { ControlContext } from '../context.js';
import { describeInstanceProfile } from './describe.js';
import { lookup, resolveInstanceProfile } from './entities.js';

export function getInstanceProfile(ctx: ControlContext, input: GetInstanceProfileRequest): GetInstanceProfileResponse {
  return { InstanceProfile: describeInstanceProfile(ctx.state, resolveInstanceProfile(lookup(ctx.state), input.InstanceProfileName!), true) };
}
