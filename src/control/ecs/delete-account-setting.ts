import type { DeleteAccountSettingRequest, DeleteAccountSettingResponse } from '@aws-sdk/client-ecs';
import type { CallContext } from '../../core/caller.js';
import type { ControlContext } from '../context.js';
import { accountSettingId, effectiveSetting, settingOf, validateSettingName } from './account-settings.js';

/** Answers with the setting removed or, when the principal had none, the one that applies to it. */
export async function deleteAccountSetting(
  ctx: ControlContext,
  input: DeleteAccountSettingRequest,
  call: CallContext,
): Promise<DeleteAccountSettingResponse> {
  const name = input.name!;
  validateSettingName(name);
  const principalArn = input.principalArn ?? call.caller.arn;
  const id = accountSettingId(principalArn, name);
  const removed = await ctx.state.mutate((tx) => {
    const existing = tx.get('accountSetting', id);
    if (existing) tx.delete('accountSetting', id);
    return existing;
  });
  if (removed) ctx.log.info('account setting deleted', { name, principalArn });
  return { setting: removed ? settingOf(removed) : effectiveSetting(ctx, name, principalArn) };
}
