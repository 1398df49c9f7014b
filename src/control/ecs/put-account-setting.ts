import type { PutAccountSettingRequest, PutAccountSettingResponse } from '@aws-sdk/client-ecs';
import type { CallContext } from '../../core/caller.js';
import type { ControlContext } from '../context.js';
import { putSetting } from './account-settings.js';

/** Without a principalArn the setting is the caller's own; the root user's ARN sets the account default. */
export async function putAccountSetting(
  ctx: ControlContext,
  input: PutAccountSettingRequest,
  call: CallContext,
): Promise<PutAccountSettingResponse> {
  return { setting: await putSetting(ctx, input.name!, input.value!, input.principalArn ?? call.caller.arn) };
}
