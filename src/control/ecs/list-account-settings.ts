import type { ListAccountSettingsRequest, ListAccountSettingsResponse, Setting } from '@aws-sdk/client-ecs';
import type { CallContext } from '../../core/caller.js';
import type { ControlContext } from '../context.js';
import { accountSettingId, effectiveSetting, SETTING_NAMES, settingOf, validateSettingName } from './account-settings.js';
import { paginate } from './pagination.js';

/**
 * With effectiveSettings, every setting (or the one named) as it applies to the principal; without, only
 * the settings the principal set itself. The principal is the caller unless principalArn names another.
 */
export async function listAccountSettings(
  ctx: ControlContext,
  input: ListAccountSettingsRequest,
  call: CallContext,
): Promise<ListAccountSettingsResponse> {
  if (input.name !== undefined) validateSettingName(input.name);
  const principalArn = input.principalArn ?? call.caller.arn;
  const names = input.name ? [input.name] : SETTING_NAMES;
  const settings: Setting[] = [];
  for (const name of names) {
    const own = ctx.state.get('accountSetting', accountSettingId(principalArn, name));
    const setting = input.effectiveSettings ? effectiveSetting(ctx, name, principalArn) : own && settingOf(own);
    if (setting && (input.value === undefined || setting.value === input.value)) settings.push(setting);
  }
  const page = paginate(settings, (s) => s.name!, input, { maxPageSize: 10 });
  return { settings: page.items, nextToken: page.nextToken };
}
