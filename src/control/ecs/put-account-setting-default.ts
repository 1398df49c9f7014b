import type { PutAccountSettingDefaultRequest, PutAccountSettingDefaultResponse } from '@aws-sdk/client-ecs';
import type { ControlContext } from '../context.js';
import { putSetting, rootArn } from './account-settings.js';

/** The account default applies to every principal without a setting of its own. */
export async function putAccountSettingDefault(
  ctx: ControlContext,
  input: PutAccountSettingDefaultRequest,
): Promise<PutAccountSettingDefaultResponse> {
  return { setting: await putSetting(ctx, input.name!, input.value!, rootArn(ctx)) };
}
