// ECS account settings: a value per setting name for one principal (PutAccountSetting), for the whole
// account (PutAccountSettingDefault, kept under the root user's ARN), or AWS's own default. The setting in
// effect for a principal is the first of those three that exists.
import type { Setting, SettingName } from '@aws-sdk/client-ecs';
import type { AccountSettingRecord } from '../../core/ecs.js';
import { InvalidParameterException } from '../../core/ecs-errors.js';
import type { ControlContext } from '../context.js';
import type { Reader } from './lookups.js';

/** AWS's defaults for accounts created today, and the values each setting accepts. */
const SETTINGS: Record<SettingName, { default: string; values: readonly string[] }> = {
  serviceLongArnFormat: { default: 'enabled', values: ['enabled', 'disabled'] },
  taskLongArnFormat: { default: 'enabled', values: ['enabled', 'disabled'] },
  containerInstanceLongArnFormat: { default: 'enabled', values: ['enabled', 'disabled'] },
  awsvpcTrunking: { default: 'disabled', values: ['enabled', 'disabled'] },
  containerInsights: { default: 'disabled', values: ['enhanced', 'enabled', 'disabled'] },
  fargateFIPSMode: { default: 'disabled', values: ['enabled', 'disabled'] },
  tagResourceAuthorization: { default: 'on', values: ['on', 'off'] },
  fargateTaskRetirementWaitPeriod: { default: '7', values: ['0', '7', '14'] },
  guardDutyActivate: { default: 'off', values: ['on', 'off'] },
  defaultLogDriverMode: { default: 'non-blocking', values: ['blocking', 'non-blocking'] },
  fargateEventWindows: { default: 'disabled', values: ['enabled', 'disabled'] },
};

export const SETTING_NAMES = Object.keys(SETTINGS) as SettingName[];

/** The account's root user: account defaults are kept as its settings. */
export const rootArn = (ctx: ControlContext): string => `arn:aws:iam::${ctx.partition.accountId}:root`;

export const accountSettingId = (principalArn: string, name: string): string => `${principalArn}#${name}`;

export function validateSettingName(name: string): asserts name is SettingName {
  if (!Object.hasOwn(SETTINGS, name)) throw new InvalidParameterException(`${name} should be one of [${SETTING_NAMES.join(',')}]`);
}

export function validateSetting(name: string, value: string): asserts name is SettingName {
  validateSettingName(name);
  const setting = SETTINGS[name];
  if (!setting.values.includes(value)) {
    throw new InvalidParameterException(`The value for ${name} should be one of [${setting.values.join(', ')}].`);
  }
}

export const settingOf = ({ name, value, principalArn, type }: AccountSettingRecord): Setting => ({
  name: name as SettingName,
  value,
  principalArn,
  type,
});

/** The setting in effect for `principalArn`: its own, else the account default, else AWS's. */
export function effectiveSetting(ctx: ControlContext, name: SettingName, principalArn: string, reader: Reader = ctx.state): Setting {
  const own = reader.get('accountSetting', accountSettingId(principalArn, name));
  const accountDefault = reader.get('accountSetting', accountSettingId(rootArn(ctx), name));
  const record = own ?? accountDefault;
  if (record) return settingOf(record);
  return { name, value: SETTINGS[name].default, principalArn: rootArn(ctx), type: 'aws_managed' };
}

/** Stores `principalArn`'s value of a setting (the root ARN's is the account default). */
export async function putSetting(ctx: ControlContext, name: string, value: string, principalArn: string): Promise<Setting> {
  validateSetting(name, value);
  const record: AccountSettingRecord = { name, value, principalArn, type: 'user' };
  await ctx.state.mutate((tx) => tx.put('accountSetting', accountSettingId(principalArn, name), record));
  ctx.log.info('account setting changed', { name, value, principalArn });
  return settingOf(record);
}
