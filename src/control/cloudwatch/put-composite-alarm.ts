// PutCompositeAlarm: an alarm whose state is a rule over other alarms' states (checked: it parses, names
// alarms that exist, and does not name itself or a cycle); created in INSUFFICIENT_DATA, evaluated by the
// alarm controller.
import type { CompositeAlarmRecord } from '../../core/cloudwatch.js';
import { AlarmRuleError, alarmsOfRule, parseAlarmRule } from '../../core/cloudwatch-alarm-rule.js';
import { ValidationError } from '../../core/errors.js';
import type { ControlContext } from '../context.js';
import { alarmMembers, checkActions, configurationItem, findAlarm, isComposite, recordHistory, type AlarmInput } from './alarms.js';
import { checkTags, type Tag } from './tags.js';

export interface PutCompositeAlarmInput extends AlarmInput {
  AlarmRule: string;
  Tags?: Tag[];
  ActionsSuppressor?: string;
  ActionsSuppressorWaitPeriod?: number;
  ActionsSuppressorExtensionPeriod?: number;
}

export async function putCompositeAlarm(ctx: ControlContext, input: PutCompositeAlarmInput): Promise<Record<string, never>> {
  let children: string[];
  try {
    children = alarmsOfRule(parseAlarmRule(input.AlarmRule));
  } catch (error) {
    if (error instanceof AlarmRuleError) throw new ValidationError(`Invalid AlarmRule: ${error.message}`);
    throw error;
  }
  checkActions(input.OKActions, input.AlarmActions, input.InsufficientDataActions);
  const tags = checkTags(input.Tags ?? []);
  const now = ctx.clock.now();
  const { record, created } = await ctx.state.mutate((tx) => {
    const { members, created } = alarmMembers(tx, ctx, 'composite', input, tags, now);
    for (const child of children) {
      if (child === input.AlarmName) throw new ValidationError('A composite alarm cannot refer to itself in its AlarmRule.');
      if (!findAlarm(tx, child)) throw new ValidationError(`Could not save the composite alarm as alarms [${child}] in the alarm rule do not exist`);
    }
    if (reaches(tx, children, input.AlarmName)) throw new ValidationError('The AlarmRule would create a cycle of composite alarms.');
    const fresh: CompositeAlarmRecord = {
      ...members,
      AlarmRule: input.AlarmRule,
      ...(input.ActionsSuppressor !== undefined && { ActionsSuppressor: input.ActionsSuppressor }),
      ...(input.ActionsSuppressorWaitPeriod !== undefined && { ActionsSuppressorWaitPeriod: input.ActionsSuppressorWaitPeriod }),
      ...(input.ActionsSuppressorExtensionPeriod !== undefined && { ActionsSuppressorExtensionPeriod: input.ActionsSuppressorExtensionPeriod }),
    };
    return { record: tx.put('compositeAlarm', fresh.AlarmName, fresh), created };
  });
  await recordHistory(ctx, [configurationItem(record, created ? 'Create' : 'Update', now)], true);
  return {};
}

/** Whether following composite alarms' rules from `names` comes back to `target`. */
function reaches(state: Parameters<typeof findAlarm>[0], names: string[], target: string, seen = new Set<string>()): boolean {
  for (const name of names) {
    if (name === target) return true;
    if (seen.has(name)) continue;
    seen.add(name);
    const alarm = findAlarm(state, name);
    if (alarm && isComposite(alarm) && reaches(state, alarmsOfRule(parseAlarmRule(alarm.AlarmRule)), target, seen)) return true;
  }
  return false;
}
