import type { GetAccessKeyLastUsedRequest, GetAccessKeyLastUsedResponse } from '@aws-sdk/client-iam';
import { NoSuchEntity } from '../../core/iam-errors.js';
import type { ControlContext } from '../context.js';

/** Wharf does not track key use: IAM's answer for a key never used (N/A), whoever owns it. */
export function getAccessKeyLastUsed(ctx: ControlContext, input: GetAccessKeyLastUsedRequest): GetAccessKeyLastUsedResponse {
  const key = ctx.state.get('iamAccessKey', input.AccessKeyId!);
  if (!key) throw new NoSuchEntity(`The Access Key with id ${input.AccessKeyId} cannot be found.`);
  return { UserName: key.UserName, AccessKeyLastUsed: { ServiceName: 'N/A', Region: 'N/A' } };
}
